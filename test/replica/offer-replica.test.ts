// OfferReplica in one process, the way a test author embeds it (docs/kafka-replica.md): a primary's
// OfferStore served by handwire's embedded broker, a ReplicaOfferStore following it. The replica
// equals the primary (log and offers), follows live changes, reports its state and metrics, and a
// second replica in the same group rebuilds from the records before the committed offset instead
// of applying them again; a poison record on a followed topic becomes a dead letter; a replica's
// services refuse writes and read from its store.

import { Registry } from 'prom-client';
import t from 'tap';
import { startKafkaBroker } from '../../src/kafka/index.js';
import { OfferReplica, type ReplicaState } from '../../src/replica/offer-replica.js';
import { registerReplicaMetrics } from '../../src/replica/replica-metrics.js';
import {
  createReplicaOfferService,
  createReplicaUserService,
} from '../../src/services/replica/read-replica-services.js';
import { OfferStore } from '../../src/store/offer-store.js';
import { ReplicaOfferStore } from '../../src/store/replica-offer-store.js';
import { UserStore } from '../../src/store/user-store.js';
import { platformaticConsume, platformaticProduce } from '../kafka/support/platformatic-client.js';
import { waitUntil } from '../kafka/support/wait-until.js';

const users = new UserStore();
const offers = new OfferStore(users);
const userIds: string[] = [];
for (let i = 0; i < 50; i++) {
  const user = users.create({
    username: `in-process-${i}`,
    email: `p${i}@example.com`,
    fullName: '',
    role: 1,
  });
  userIds.push(user.id);
  offers.set(user.id, i % 2 === 0 ? 'BASIC' : 'PLUS');
}
for (const id of userIds.slice(0, 10)) offers.set(id, 'PREMIUM');

const silent = { info() {}, warn() {}, error() {} };

t.test('follows the embedded broker, live, and resumes in its group', async (t) => {
  const broker = await startKafkaBroker({ host: '127.0.0.1', port: 0, offerEvents: offers.log });
  t.teardown(() => broker.close());
  const bootstrap = `127.0.0.1:${broker.address.port}`;
  const store = new ReplicaOfferStore();
  const states: ReplicaState[] = [];
  const replica = new OfferReplica({
    bootstrapBrokers: [bootstrap],
    group: 'in-process',
    store,
    logger: silent,
    onState: (state) => states.push(state),
  });
  const registry = new Registry();
  registerReplicaMetrics(registry, replica.counts);
  replica.start();
  await waitUntil('caught up with 60 events', 30_000, () =>
    replica.state === 'caughtUp' && store.log.endOffset === 60 ? true : undefined,
  );
  t.same(store.log.slice(), offers.log.slice(), 'the same events at the same offsets');
  t.ok(
    userIds.every((id) => JSON.stringify(store.get(id)) === JSON.stringify(offers.get(id))),
    'every user: the same offer, version and time',
  );
  offers.set(userIds[0]!, 'GOLD');
  await waitUntil('the live change', 10_000, () => (store.log.endOffset === 61 ? true : undefined));
  t.equal(store.get(userIds[0]!)?.version, 3);
  await waitUntil('committed', 10_000, () =>
    replica.counts.committedOffset === 61 ? true : undefined,
  );
  const text = await registry.metrics();
  t.match(text, /handwire_replica_events_applied_total 61/);
  t.match(text, /handwire_replica_consumer_lag 0/);
  await replica.close();
  t.equal(replica.state, 'closed');
  t.ok(states.includes('caughtUp') && states.at(-1) === 'closed', `states: ${states.join(' -> ')}`);

  const again = new ReplicaOfferStore();
  const second = new OfferReplica({
    bootstrapBrokers: [bootstrap],
    group: 'in-process',
    store: again,
    logger: silent,
  });
  second.start();
  await waitUntil('the second replica caught up', 30_000, () =>
    second.state === 'caughtUp' ? true : undefined,
  );
  t.match(
    second.counts,
    { restored: 61, applied: 0, repeats: 0 },
    'rebuilt, nothing applied again',
  );
  t.same(again.log.slice(), offers.log.slice());
  await second.close();
});

t.test('a poison record on a followed topic becomes a dead letter', async (t) => {
  const broker = await startKafkaBroker({ host: '127.0.0.1', port: 0 });
  t.teardown(() => broker.close());
  const bootstrap = `127.0.0.1:${broker.address.port}`;
  const event = offers.log.at(0)!;
  const value = JSON.stringify({
    event_id: event.eventId,
    offset: 0,
    user_id: event.userId,
    from_offer: '',
    to_offer: event.toOffer,
    migration_id: '',
    occurred_at: event.occurredAt,
  });
  const json: [string, string][] = [['content-type', 'application/json']];
  await platformaticProduce(bootstrap, 'followed', [
    { key: event.userId, value, headers: json, partition: 0 },
    { key: 'k', value: 'not json', headers: json, partition: 0 },
  ]);
  const store = new ReplicaOfferStore();
  const warnings: string[] = [];
  const replica = new OfferReplica({
    bootstrapBrokers: [bootstrap],
    group: 'poison',
    topic: 'followed',
    store,
    logger: { ...silent, warn: (_fields, message) => warnings.push(message) },
  });
  replica.start();
  await waitUntil('one applied, one dead letter', 30_000, () =>
    replica.counts.applied === 1 && replica.counts.deadLetters === 1 ? true : undefined,
  );
  await replica.close();
  const letters = await platformaticConsume(bootstrap, 'dlq-reader', 'followed.dlq', 1);
  t.equal(letters.records.length, 1);
  const headers = Object.fromEntries(letters.records[0]!.headers);
  t.match(headers, {
    'content-type': 'application/json',
    'handwire.dlq.reason': /^not an offer event: the value is not JSON/,
    'handwire.dlq.topic': 'followed',
    'handwire.dlq.partition': '0',
    'handwire.dlq.offset': '1',
    'handwire.dlq.group': 'poison',
  });
  t.equal(letters.records[0]!.value, 'not json');
  t.match(warnings, [/sent the record at offset 1 to followed\.dlq/]);
});

t.test("a replica's services: writes refused, reads from its store", async (t) => {
  const store = new ReplicaOfferStore();
  store.apply({ ...offers.log.at(0)!, fromOffer: '' });
  const of = { source: 'k:9092', primary: 'a:50051' };
  const service = createReplicaOfferService(store, of);
  const context = { signal: new AbortController().signal } as never;
  await t.rejects(async () => service.SetUserOffer({ userId: 'u', offerCode: 'X' }, context), {
    code: 9,
    message: 'this server is a read replica of a:50051; send writes there',
  });
  await t.rejects(
    async () =>
      createReplicaOfferService(store, { source: 'k:9092', primary: undefined }).MigrateOffers(
        (async function* () {})(),
        context,
      ),
    { message: /read replica of k:9092; send writes to the primary that publishes there/ },
  );
  await t.rejects(async () => service.GetUserOffer({ userId: 'nobody' }, context), { code: 5 });
  await t.rejects(async () => service.GetUserOffer({ userId: '' }, context), { code: 3 });
  t.match(await service.GetUserOffer({ userId: offers.log.at(0)!.userId }, context), {
    version: 1,
  });
  const users = createReplicaUserService(of);
  await t.rejects(async () => users.GetUser({ id: 'x' }, context), {
    code: 9,
    message: /holds offers only/,
  });
  await t.rejects(async () => users.CreateUser({} as never, context), { code: 9 });
});
