// `handwire serve --kafka-brokers` against a three-node Apache Kafka this file owns (issue #14;
// docs/kafka-publisher.md): replication factor 3, min.insync.replicas 2. The partition leader of
// user-offers is killed (SIGKILL, no controlled shutdown) while the publisher is in the middle of a
// 10,000-event migration; a follower takes over and every event still reaches the topic once, in
// log order: the idempotent producer's retry of the batch the dead leader may or may not have
// replicated is recognised by the new leader instead of being written twice.

import t from 'tap';
import { startServe } from '../../helpers/serve-process.js';
import { apacheKafkaSkip } from '../support/apache-kafka.js';
import { createKafkaCluster } from '../support/kafka-cluster.js';
import { kcatConsume, kcatTopicMetadata } from '../support/kcat.js';
import {
  DEMO_USERS,
  eventLogMismatch,
  metricValue,
  migrate,
  migrationRows,
  waitForPublished,
} from './publisher-fixtures.js';

const TOPIC = 'user-offers';

/** kcat -L -J's view of one partition. */
interface PartitionMetadata {
  partition: number;
  leader: number;
  replicas: { id: number }[];
  isrs: { id: number }[];
}

async function partitionZero(bootstrap: string): Promise<PartitionMetadata> {
  const [topic] = (await kcatTopicMetadata(bootstrap, TOPIC)) as {
    partitions: PartitionMetadata[];
  }[];
  const partition = topic?.partitions.find((p) => p.partition === 0);
  if (partition === undefined) throw new Error(`${TOPIC} has no partition 0 yet`);
  return partition;
}

// JVM starts dominate (10-30 s each on a busy 2-core machine): the file gets 3 minutes, not
// tap's 2, and tells tap's runner so.
t.setTimeout(180_000);

t.test('the partition leader killed mid-publish', { skip: apacheKafkaSkip() }, async (t) => {
  const cluster = await createKafkaCluster('publisher-three', 3);
  t.teardown(() => cluster.stop());
  const serve = await startServe([
    '--demo',
    '--no-kafka',
    '--metrics-port',
    '0',
    '--kafka-brokers',
    cluster.bootstrap,
  ]);
  t.teardown(() => serve.stop());
  // serve first, the JVMs next: a machine busy starting three JVMs starts serve slowly too.
  await cluster.start();
  const metricsPort = serve.metricsPort!;
  await waitForPublished(metricsPort, DEMO_USERS, 60_000);
  const before = await partitionZero(cluster.bootstrap);
  t.equal(before.replicas.length, 3, 'the topic the publisher created has three replicas');

  const migration = migrate(serve.address, migrationRows('C', 10));
  await waitForPublished(metricsPort, DEMO_USERS + 2000, 60_000);
  await cluster.stopNode(before.leader, 'SIGKILL');
  const publishedAtKill = await metricValue(
    metricsPort,
    'handwire_kafka_publisher_events_published_total',
  );
  t.ok(
    publishedAtKill < DEMO_USERS + 10_000,
    `the leader died mid-publish (${publishedAtKill - DEMO_USERS} of 10,000 acknowledged)`,
  );
  t.equal((await migration).migrated, 10_000);
  const failover = await waitForPublished(metricsPort, DEMO_USERS + 10_000, 90_000);
  const after = await partitionZero(cluster.bootstrap);
  t.not(after.leader, before.leader, `node ${after.leader} leads now`);
  const retries = await metricValue(metricsPort, 'handwire_kafka_publisher_retries_total');
  t.comment(
    `the rest published ${(failover / 1000).toFixed(2)} s after the kill, after ${retries} retries`,
  );

  const records = await kcatConsume(cluster.bootstrap, TOPIC);
  t.equal(eventLogMismatch(records, DEMO_USERS + 10_000), undefined, 'once each, in order');
});
