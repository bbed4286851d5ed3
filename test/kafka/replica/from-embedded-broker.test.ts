// Read replicas fed straight from a primary's embedded Kafka broker, no cluster between them
// (docs/kafka-replica.md). Primary A is `handwire serve` with 10,000 users; replicas are
// `handwire serve --replica-of <A's Kafka address>` children. The tests:
// - a replica following live equals A after a 10,000-row CSV migration: every user's offer and
//   version, and WatchOfferEvents (event ids and offsets) from offset 0;
// - writes to a replica are FAILED_PRECONDITION naming the primary; user reads are refused too;
// - a replica SIGKILLed mid-stream and started again in the same group resumes at the group's
//   committed offset (the records before it only rebuild its in-memory store), applies each
//   later event once, and ends equal to A;
// - the delay from SetUserOffer returning on A to WatchOfferEvents delivering on the replica.

import t from 'tap';
import { call, callClientStream } from '../../helpers/grpc-js-proto.js';
import type { ServeProcess } from '../../helpers/serve-process.js';
import { kafkajsCommittedOffsets } from '../support/kafkajs-client.js';
import { kcatConsume } from '../support/kcat.js';
import {
  createUsers,
  healthClient,
  measureDelays,
  migrateWithCsv,
  offersClient,
  offersOf,
  startChild,
  usersClient,
  waitForMetrics,
  watchEvents,
} from './replica-support.js';

const USERS = 10_000;
const APPLIED = 'handwire_replica_events_applied_total';
const RESTORED = 'handwire_replica_events_restored_total';
const REPEATS = 'handwire_replica_events_skipped_total{reason="repeat"}';
const COMMITTED = 'handwire_replica_committed_offset';
const LAG = 'handwire_replica_consumer_lag';

t.setTimeout(250_000);

let primary: ServeProcess;
let kafka: string;
let userIds: string[];
/** Follows A from before the first migration, with --primary. */
let steady: ServeProcess;

const replicaArgs = (group: string, ...more: string[]) => [
  '--replica-of',
  kafka,
  '--group',
  group,
  '--metrics-port',
  '0',
  ...more,
];

t.before(async () => {
  primary = await startChild(t, []);
  kafka = primary.kafkaAddress!;
  userIds = await createUsers(primary.address, USERS, 'replica');
  steady = await startChild(t, replicaArgs('replica-steady', '--primary', primary.address));
  // An empty topic: caught up at once, and SERVING says so.
  await waitForMetrics(steady, 'the steady replica caught up', 20_000, (m) => m[LAG] === 0);
});

t.test('a replica following live equals the primary after a 10,000-row migration', async (t) => {
  const started = performance.now();
  await migrateWithCsv(primary.address, userIds, '', 'PLUS');
  const migrated = performance.now();
  await waitForMetrics(steady, 'all 10,000 applied', 30_000, (m) => m[APPLIED] === USERS);
  t.comment(
    `migration ${Math.round(migrated - started)} ms; the replica had applied all ${USERS} ${Math.round(performance.now() - migrated)} ms after it ended`,
  );
  const [onPrimary, onReplica] = await Promise.all([
    watchEvents(primary.address, USERS),
    watchEvents(steady.address, USERS),
  ]);
  t.same(onReplica, onPrimary, 'WatchOfferEvents: the same events at the same offsets');
  const [primaryOffers, replicaOffers] = await Promise.all([
    offersOf(primary.address, userIds),
    offersOf(steady.address, userIds),
  ]);
  t.same(replicaOffers, primaryOffers, 'every user: the same offer and version');
  t.ok(primaryOffers.every(([code, version]) => code === 'PLUS' && version === 1));
  const health = healthClient(steady.address);
  try {
    const answer = await call(health, 'Check', { service: 'handwire.kafka.Replica' });
    t.equal(answer.status, 'SERVING', 'handwire.kafka.Replica is SERVING once caught up');
  } finally {
    health.close();
  }
});

t.test('writes to a replica are FAILED_PRECONDITION naming the primary', async (t) => {
  const offers = offersClient(steady.address);
  const users = usersClient(steady.address);
  const writes = new RegExp(`read replica of ${primary.address}; send writes there`);
  try {
    const refusals = [
      () => call(offers, 'SetUserOffer', { userId: userIds[0], offerCode: 'GOLD' }),
      () =>
        callClientStream(offers, 'MigrateOffers', [
          { userId: userIds[0], currentOffer: 'PLUS', targetOffer: 'GOLD' },
        ]),
      () =>
        call(users, 'CreateUser', {
          username: 'nobody',
          email: 'n@example.com',
          role: 'ROLE_USER',
        }),
      () => call(users, 'DeleteUser', { id: userIds[0] }),
    ];
    for (const refusal of refusals) await t.rejects(refusal(), { code: 9, details: writes });
    await t.rejects(call(users, 'GetUser', { id: userIds[0] }), {
      code: 9,
      details: /holds offers only .*ask 127\.0\.0\.1:\d+ for users/,
    });
    t.match(
      await call(offers, 'GetUserOffer', { userId: userIds[0] }),
      { offerCode: 'PLUS', version: 1 },
      'nothing changed',
    );
  } finally {
    offers.close();
    users.close();
  }
});

t.test(
  'a replica killed mid-stream resumes from its committed offset and ends equal',
  async (t) => {
    const group = 'replica-killed';
    const total = 2 * USERS;
    // Killed while a second migration (PLUS -> PREMIUM) is still writing on A, once it committed.
    let victim = await startChild(t, replicaArgs(group));
    const migration = migrateWithCsv(primary.address, userIds, 'PLUS', 'PREMIUM');
    const atKill = await waitForMetrics(
      victim,
      'a first commit',
      30_000,
      (m) => m[COMMITTED]! > USERS,
    );
    victim.child.kill('SIGKILL');
    await victim.stop();
    const committed = (await kafkajsCommittedOffsets(kafka, group, 'user-offers'))[0]!;
    t.comment(`killed with ${atKill[COMMITTED]} committed (metrics), group offset ${committed}`);
    t.ok(
      committed > 0 && committed < total,
      `killed mid-stream: committed ${committed} of ${total}`,
    );

    victim = await startChild(t, replicaArgs(group));
    await migration;
    const resumed = await waitForMetrics(
      victim,
      'the restarted replica applied the rest',
      40_000,
      (m) => m[RESTORED]! + m[APPLIED]! === total && m[LAG] === 0,
    );
    t.equal(resumed[RESTORED], committed, 'rebuilt from the records before the committed offset');
    t.equal(resumed[APPLIED], total - committed, 'applied from the committed offset on, each once');
    t.equal(resumed[REPEATS], 0, 'no event seen twice');
    const [onPrimary, onReplica] = await Promise.all([
      watchEvents(primary.address, total),
      watchEvents(victim.address, total),
    ]);
    t.same(onReplica, onPrimary, 'WatchOfferEvents: the same 20,000 events at the same offsets');
    const replicaOffers = await offersOf(victim.address, userIds);
    t.ok(
      replicaOffers.every(([code, version]) => code === 'PREMIUM' && version === 2),
      'every user: PREMIUM, version 2, as on the primary',
    );
    t.match(victim.stderr(), /"msg":"replica caught up/, 'the restarted replica logged it');
  },
);

t.test('a new replica catches up with 20,000 events', async (t) => {
  const fresh = await startChild(t, replicaArgs('replica-fresh'));
  const metrics = await waitForMetrics(
    fresh,
    'caught up',
    40_000,
    (m) => m[LAG] === 0 && m[APPLIED]! > 0,
  );
  t.ok(metrics[APPLIED]! >= 2 * USERS, `applied ${metrics[APPLIED]}`);
  await fresh.stop();
  // The peer in the same run: kcat (librdkafka) reading the same records from the same broker,
  // without a group and without applying anything.
  const kcatStarted = performance.now();
  const records = await kcatConsume(kafka, 'user-offers');
  const kcatSeconds = (performance.now() - kcatStarted) / 1000;
  const rate = catchUpRate(fresh.stderr());
  t.comment(
    `catch-up: ${rate.events} events in ${rate.seconds.toFixed(2)} s (${Math.round(rate.events / rate.seconds)} events/s); ` +
      `kcat -C -e read ${records.length} in ${kcatSeconds.toFixed(2)} s (${Math.round(records.length / kcatSeconds)} records/s, ` +
      `replica/kcat ${(kcatSeconds / rate.seconds).toFixed(2)} as a rate ratio)`,
  );
});

t.test('delay from SetUserOffer on the primary to WatchOfferEvents on a replica', async (t) => {
  const delays = await measureDelays(primary.address, steady.address, userIds, 2 * USERS, 200);
  t.equal(delays.samples, 200);
  t.comment(`A -> replica (embedded broker) delay: ${delays.summary}`);
});

/** From the replica's "reading" log line to its "caught up" one: events and seconds. */
function catchUpRate(stderr: string): { events: number; seconds: number } {
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { time: number; msg: string; events?: number });
  const reading = lines.find((line) => line.msg.startsWith('replica reading'));
  const caughtUp = lines.find((line) => line.msg.startsWith('replica caught up'));
  if (reading === undefined || caughtUp === undefined) throw new Error(`not logged:\n${stderr}`);
  return { events: caughtUp.events!, seconds: (caughtUp.time - reading.time) / 1000 };
}
