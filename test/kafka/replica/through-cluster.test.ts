// Primary A publishes to a one-node Apache Kafka cluster this file owns (`serve --kafka-brokers`,
// branch h14p's publisher); replica B follows the cluster's "user-offers" (`serve --replica-of`).
// B starts before the topic exists (it retries until the publisher made it); after a 10,000-row
// CSV migration on A, B's offer and version of every user and its WatchOfferEvents equal A's. The
// delay from a SetUserOffer on A to its delivery on B, through the cluster, is printed.

import t from 'tap';
import { apacheKafkaSkip } from '../support/apache-kafka.js';
import { startKafkaCluster } from '../support/kafka-cluster.js';
import {
  createUsers,
  measureDelays,
  migrateWithCsv,
  offersOf,
  startChild,
  waitForMetrics,
  watchEvents,
} from './replica-support.js';

const USERS = 10_000;
const skip = apacheKafkaSkip();

t.test('a replica follows a primary through a one-node Apache Kafka', { skip }, async (t) => {
  t.setTimeout(240_000);
  const cluster = await startKafkaCluster('replica-follow', 1);
  t.teardown(() => cluster.stop());
  const primary = await startChild(t, ['--no-kafka', '--kafka-brokers', cluster.bootstrap]);
  const replica = await startChild(t, [
    '--no-kafka',
    '--replica-of',
    cluster.bootstrap,
    '--group',
    'replica-through-cluster',
    '--primary',
    primary.address,
    '--metrics-port',
    '0',
  ]);
  const userIds = await createUsers(primary.address, USERS, 'cluster');
  const started = performance.now();
  await migrateWithCsv(primary.address, userIds, '', 'PLUS');
  const migrated = performance.now();
  await waitForMetrics(
    replica,
    'all 10,000 applied',
    90_000,
    (m) => m.handwire_replica_events_applied_total === USERS,
  );
  t.comment(
    `migration ${Math.round(migrated - started)} ms; the replica had applied all ${USERS} ${Math.round(performance.now() - migrated)} ms after it ended`,
  );
  const [onPrimary, onReplica] = await Promise.all([
    watchEvents(primary.address, USERS),
    watchEvents(replica.address, USERS),
  ]);
  t.same(onReplica, onPrimary, 'WatchOfferEvents: the same events at the same offsets');
  const [primaryOffers, replicaOffers] = await Promise.all([
    offersOf(primary.address, userIds),
    offersOf(replica.address, userIds),
  ]);
  t.same(replicaOffers, primaryOffers, 'every user: the same offer and version');
  t.ok(primaryOffers.every(([code, version]) => code === 'PLUS' && version === 1));
  const delays = await measureDelays(primary.address, replica.address, userIds, USERS, 100);
  t.equal(delays.samples, 100);
  t.comment(`A -> cluster -> replica delay: ${delays.summary}`);
  t.equal(await replica.stop(), 0, 'the replica exits 0 on SIGTERM');
});
