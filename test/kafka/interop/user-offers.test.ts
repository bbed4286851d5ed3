// user-offers end to end, the way a user meets it: `handwire serve --demo` as a child process,
// driven over gRPC by @grpc/grpc-js (no handwire client code), read over Kafka by kcat, kafkajs and
// @platformatic/kafka. 10,000 users are created in one BatchCreateUsers stream and all migrated by
// one MigrateOffers stream of 10,000 rows (current_offer "" matches a user without an offer), so
// the log holds the 1,000 demo events and 10,000 migration events. Then:
// - kcat -C -o beginning -e reads every event in order, and each record equals the event that
//   WatchOfferEvents from offset 0 returns for it: Kafka offset = event offset, key = user id,
//   value = the seven fields as JSON, timestamp = occurred_at, header content-type;
// - a `kcat -G` member reads part of the topic and stops (committing; once after a count, once by
//   SIGTERM wherever it is); a second one in the same group resumes at the committed offset:
//   nothing read twice, nothing lost;
// - a kafkajs consumer group and an @platformatic/kafka consumer group each read the whole topic.

import { execFile } from 'node:child_process';
import t from 'tap';
import { callClientStream, grpcJsClient } from '../../helpers/grpc-js-proto.js';
import { type ServeProcess, startServe } from '../../helpers/serve-process.js';
import { kafkajsCommittedOffsets, kafkajsGroupMember } from '../support/kafkajs-client.js';
import { kcatGroupConsume, kcatGroupMember } from '../support/kcat.js';
import type { ObservedRecord } from '../support/observed.js';
import { platformaticConsumer } from '../support/platformatic-client.js';

const TOPIC = 'user-offers';
const USERS = 10_000;
const DEMO_EVENTS = 1_000;
const EVENTS = DEMO_EVENTS + USERS;
const PROTO = (name: string) => new URL(`../../../proto/${name}`, import.meta.url).pathname;

/** An offer event as the proto's JSON names it: what the Kafka value must carry. */
interface EventJson {
  event_id: string;
  offset: number;
  user_id: string;
  from_offer: string;
  to_offer: string;
  migration_id: string;
  occurred_at: number;
}

/** A kcat -J line with what the shared driver drops: the timestamp. */
interface KcatLine {
  offset: number;
  partition: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
  tstype: string;
  ts: number;
}

let serve: ServeProcess;
let bootstrap: string;
/** Every event as WatchOfferEvents from offset 0 returned it, in order. */
let watched: EventJson[];
let migratedUserIds: string[];
let migrationId: string;

function kcatReadAll(address: string): Promise<KcatLine[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'kcat',
      ['-b', address, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-J', '-q'],
      { timeout: 30_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`kcat -C failed: ${error.message}\n${stderr}`));
        else
          resolve(
            stdout
              .split('\n')
              .filter((line) => line !== '')
              .map((line) => JSON.parse(line) as KcatLine),
          );
      },
    );
  });
}

/** The first `count` events of WatchOfferEvents from offset 0 (the stream stays open: cancelled). */
function watchEvents(address: string, count: number): Promise<EventJson[]> {
  const offers = grpcJsClient(PROTO('offers.proto'), 'offers.v1.OfferService', address);
  return new Promise<EventJson[]>((resolve, reject) => {
    const events: EventJson[] = [];
    const call = offers.WatchOfferEvents({ fromOffset: 0, userId: '' });
    const timer = setTimeout(() => {
      call.cancel();
      reject(new Error(`WatchOfferEvents gave ${events.length} of ${count} events in 30 s`));
    }, 30_000);
    call.on('data', (e: Record<string, unknown>) => {
      events.push({
        event_id: e.eventId as string,
        offset: e.offset as number,
        user_id: e.userId as string,
        from_offer: e.fromOffer as string,
        to_offer: e.toOffer as string,
        migration_id: e.migrationId as string,
        occurred_at: e.occurredAt as number,
      });
      if (events.length === count) {
        clearTimeout(timer);
        call.cancel();
        resolve(events);
      }
    });
    call.on('error', (error: { code?: number }) => {
      if (events.length < count) {
        clearTimeout(timer);
        reject(error);
      }
    });
  }).finally(() => offers.close());
}

t.before(async () => {
  const started = performance.now();
  serve = await startServe(['--demo']);
  if (serve.kafkaAddress === undefined) throw new Error(`serve printed no Kafka address`);
  bootstrap = serve.kafkaAddress;
  const users = grpcJsClient(PROTO('user.proto'), 'user.UserService', serve.address);
  const offers = grpcJsClient(PROTO('offers.proto'), 'offers.v1.OfferService', serve.address);
  try {
    const created = await callClientStream<{ createdCount: number; userIds: string[] }>(
      users,
      'BatchCreateUsers',
      Array.from({ length: USERS }, (_, i) => ({
        username: `kafka-e2e-${i}`,
        email: `kafka-e2e-${i}@example.com`,
        fullName: `Kafka E2E ${i}`,
        role: 'ROLE_USER',
      })),
    );
    if (created.createdCount !== USERS) throw new Error(`created ${created.createdCount} users`);
    migratedUserIds = created.userIds;
    const report = await callClientStream<{
      migrationId: string;
      rows: number;
      migrated: number;
      failed: number;
    }>(
      offers,
      'MigrateOffers',
      migratedUserIds.map((userId, i) => ({
        userId,
        currentOffer: '',
        targetOffer: i % 2 === 0 ? 'PLUS' : 'PREMIUM',
      })),
    );
    if (report.rows !== USERS || report.migrated !== USERS || report.failed !== 0) {
      throw new Error(`MigrateOffers: ${JSON.stringify(report)}`);
    }
    migrationId = report.migrationId;
  } finally {
    users.close();
    offers.close();
  }
  watched = await watchEvents(serve.address, EVENTS);
  t.comment(
    `serve --demo, ${USERS} users created and migrated, ${EVENTS} events watched: ${Math.round(performance.now() - started)} ms`,
  );
});

t.teardown(async () => {
  await serve?.stop();
});

t.test('WatchOfferEvents: the demo events, then one per migrated user', async (t) => {
  t.equal(watched.length, EVENTS, `${DEMO_EVENTS} demo events and ${USERS} migration events`);
  t.ok(
    watched.every((e, i) => e.offset === i),
    'event offsets are dense from 0',
  );
  const migration = watched.slice(DEMO_EVENTS);
  t.same(
    migration.map((e) => e.user_id),
    migratedUserIds,
    'the migration events, in row order',
  );
  t.ok(
    migration.every(
      (e, i) =>
        e.migration_id === migrationId &&
        e.from_offer === '' &&
        e.to_offer === (i % 2 === 0 ? 'PLUS' : 'PREMIUM'),
    ),
    'each carries the migration id and the offer change',
  );
});

t.test('kcat -C -o beginning -e reads every event, equal to WatchOfferEvents', async (t) => {
  const started = performance.now();
  const lines = await kcatReadAll(bootstrap);
  t.comment(`kcat read ${lines.length} records in ${Math.round(performance.now() - started)} ms`);
  t.equal(lines.length, EVENTS, 'every event, once');
  const mismatches: string[] = [];
  for (let i = 0; i < Math.max(lines.length, watched.length); i++) {
    const line = lines[i];
    const event = watched[i];
    if (line === undefined || event === undefined) {
      mismatches.push(`#${i}: only one side has it`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line.payload ?? 'null');
    } catch {
      value = line.payload;
    }
    const problems = [
      line.partition === 0 ? '' : `partition ${line.partition}`,
      line.offset === event.offset ? '' : `offset ${line.offset} != ${event.offset}`,
      line.key === event.user_id ? '' : `key ${line.key} != ${event.user_id}`,
      JSON.stringify(value) === JSON.stringify(event)
        ? ''
        : `value ${line.payload} != ${JSON.stringify(event)}`,
      line.ts === event.occurred_at ? '' : `timestamp ${line.ts} != ${event.occurred_at}`,
      JSON.stringify(line.headers) === '["content-type","application/json"]'
        ? ''
        : `headers ${JSON.stringify(line.headers)}`,
    ].filter((p) => p !== '');
    if (problems.length > 0) mismatches.push(`#${i}: ${problems.join('; ')}`);
  }
  t.same(
    mismatches.slice(0, 10),
    [],
    'record by record: offset, key, value (all seven fields, in order), timestamp, header',
  );
  t.equal(mismatches.length, 0, 'no record differs');
});

t.test('kcat -G reads part, stops, and a restarted member resumes after the commit', async (t) => {
  const group = 'user-offers-kcat-resume';
  const FIRST = 4_321;
  const first = await kcatGroupConsume(bootstrap, group, TOPIC, FIRST);
  t.same(
    first.map((r) => r.offset),
    Array.from({ length: FIRST }, (_, i) => i),
    `the first member reads offsets 0..${FIRST - 1}`,
  );
  t.same(
    await kafkajsCommittedOffsets(bootstrap, group, TOPIC),
    { 0: FIRST },
    'and commits the next offset on stopping',
  );
  const second = await kcatGroupConsume(bootstrap, group, TOPIC);
  t.same(
    second.map((r) => r.offset),
    Array.from({ length: EVENTS - FIRST }, (_, i) => FIRST + i),
    'the restarted member reads from the committed offset to the end: none twice, none lost',
  );
  const all = [...first, ...second];
  t.ok(
    all.every((r, i) => r.key === watched[i]!.user_id && r.value === JSON.stringify(watched[i])),
    'the two runs together are the whole log, key and value',
  );
  t.same(await kafkajsCommittedOffsets(bootstrap, group, TOPIC), { 0: EVENTS }, 'committed: end');
});

t.test('a kcat -G member stopped by SIGTERM mid-topic: the restarted one resumes', async (t) => {
  const group = 'user-offers-kcat-sigterm';
  const member = kcatGroupMember(bootstrap, group, TOPIC);
  try {
    await member.read(1);
  } finally {
    await member.stop();
  }
  const first = member.records.slice();
  const n = first.length;
  t.comment(`the member had read ${n} records when SIGTERM stopped it`);
  t.same(
    first.map((r) => r.offset),
    Array.from({ length: n }, (_, i) => i),
    'it read from offset 0, in order',
  );
  t.same(
    await kafkajsCommittedOffsets(bootstrap, group, TOPIC),
    { 0: n },
    'and committed right after the last record it printed',
  );
  const second = await kcatGroupConsume(bootstrap, group, TOPIC);
  t.same(
    second.map((r) => r.offset),
    Array.from({ length: EVENTS - n }, (_, i) => n + i),
    'the restarted member reads the rest: none twice, none lost',
  );
});

const sameAsWatched = (records: readonly ObservedRecord[]) =>
  records.length === EVENTS &&
  records.every(
    (r, i) =>
      r.offset === i &&
      r.key === watched[i]!.user_id &&
      r.value === JSON.stringify(watched[i]) &&
      JSON.stringify(r.headers) === '[["content-type","application/json"]]',
  );

t.test('a kafkajs consumer group reads the whole topic', async (t) => {
  const started = performance.now();
  const group = 'user-offers-kafkajs';
  const member = await kafkajsGroupMember(bootstrap, group, TOPIC);
  let records: ObservedRecord[];
  try {
    t.same(await member.assigned(), [0], 'assigned the one partition');
    records = await member.read(EVENTS, 30_000);
  } finally {
    await member.stop();
  }
  t.comment(`kafkajs: ${Math.round(performance.now() - started)} ms`);
  t.ok(sameAsWatched(records), `${EVENTS} records, each once, in order, as watched`);
  t.same(await kafkajsCommittedOffsets(bootstrap, group, TOPIC), { 0: EVENTS }, 'committed: end');
});

t.test('an @platformatic/kafka consumer group reads the whole topic', async (t) => {
  const started = performance.now();
  const group = 'user-offers-platformatic';
  const consumer = platformaticConsumer(bootstrap, group);
  const records: ObservedRecord[] = [];
  try {
    const stream = await consumer.consume({
      topics: [TOPIC],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    const timer = setTimeout(() => void stream.close(), 30_000);
    try {
      for await (const message of stream) {
        records.push({
          topic: message.topic,
          partition: message.partition,
          offset: Number(message.offset),
          key: message.key ?? null,
          value: message.value ?? null,
          headers: [...message.headers.entries()].map(([k, v]) => [String(k), String(v)]),
        });
        // One commit at the end, of the last record: committing each of 11,000 is 11,000 calls.
        if (records.length >= EVENTS) {
          await message.commit();
          break;
        }
      }
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.close(true);
  }
  t.comment(`@platformatic/kafka: ${Math.round(performance.now() - started)} ms`);
  t.ok(sameAsWatched(records), `${EVENTS} records, each once, in order, as watched`);
  t.same(await kafkajsCommittedOffsets(bootstrap, group, TOPIC), { 0: EVENTS }, 'committed: end');
});
