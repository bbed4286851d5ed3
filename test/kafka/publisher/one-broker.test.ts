// `handwire serve --kafka-brokers` against a one-node Apache Kafka this file owns (issue #14;
// docs/kafka-publisher.md), one serve and one cluster for the whole file, in this order:
// - started while the cluster is down: serve is ready, the user service answers, the publisher's
//   health is NOT_SERVING and the log says why; the cluster started: SERVING;
// - a 10,000-row migration: every event (the 1,000 of --demo, then the 10,000) reaches the topic
//   once, in log order, read back by kcat and by a kafkajs consumer; the rate is printed;
// - the cluster stopped: 1,000 more rows migrate while GetUser keeps answering (its p99 before and
//   during the outage printed), the publisher turns NOT_SERVING; the cluster started again: the
//   1,000 waiting events arrive, in order, once each (the drain time printed).

import t from 'tap';
import { startServe } from '../../helpers/serve-process.js';
import { apacheKafkaSkip } from '../support/apache-kafka.js';
import { createKafkaCluster } from '../support/kafka-cluster.js';
import { kcatConsume } from '../support/kcat.js';
import {
  DEMO_USERS,
  drainTimes,
  eventLogMismatch,
  getUserP99,
  healthOf,
  kafkajsReadAll,
  kcatProduceLines,
  metricValue,
  migrate,
  migrationRows,
  PUBLISHER_SERVICE,
  waitForHealth,
  waitForPublished,
} from './publisher-fixtures.js';

const TOPIC = 'user-offers';
const skip = apacheKafkaSkip();

// JVM starts dominate (10-30 s each on a busy 2-core machine): the file gets 3 minutes, not
// tap's 2, and tells tap's runner so.
t.setTimeout(180_000);

t.test('publishing to a one-node Apache Kafka', { skip }, async (t) => {
  const cluster = await createKafkaCluster('publisher-one', 1);
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
  const metricsPort = serve.metricsPort!;

  await t.test('ready with the cluster down; SERVING once it is up', async (t) => {
    t.equal(await healthOf(serve.address, ''), 'SERVING', 'the server is SERVING');
    t.equal(await healthOf(serve.address, PUBLISHER_SERVICE), 'NOT_SERVING');
    t.match(
      await serve.waitForStderr(/Kafka publisher failing/),
      /Kafka publisher failing: .*ECONNREFUSED/,
      'the log says why',
    );
    t.ok(await getUserP99(serve.address, 10), 'GetUser answers');
    await cluster.start();
    await waitForHealth(serve.address, PUBLISHER_SERVICE, 'SERVING', 30_000);
    t.match(await serve.waitForStderr(/Kafka publisher connected/), /Kafka publisher connected/);
  });

  await t.test('a 10,000-row migration: every event once, in order', async (t) => {
    await waitForPublished(metricsPort, DEMO_USERS, 30_000);
    const started = performance.now();
    const report = await migrate(serve.address, migrationRows('A', 10));
    t.equal(report.migrated, 10_000);
    await waitForPublished(metricsPort, DEMO_USERS + 10_000, 60_000);
    const seconds = (performance.now() - started) / 1000;
    const records = await kcatConsume(cluster.bootstrap, TOPIC);
    t.equal(eventLogMismatch(records, DEMO_USERS + 10_000), undefined, 'kcat: once each, in order');
    // The peer, in the same run on the same broker: kcat (librdkafka, idempotent, acks=all)
    // producing the same 10,000 records, fed on its standard input.
    const kcatSeconds = await kcatProduceLines(
      cluster.bootstrap,
      'user-offers-kcat',
      records.slice(DEMO_USERS).map((r) => `${r.key}\t${r.value}`),
    );
    t.comment(
      `published 10,000 events in ${seconds.toFixed(2)} s from the migration's start: ` +
        `${Math.round(10_000 / seconds)} events/s; kcat -P of the same records: ` +
        `${Math.round(10_000 / kcatSeconds)} records/s (handwire/kcat ${(kcatSeconds / seconds).toFixed(2)})`,
    );
    const read = await kafkajsReadAll(cluster.bootstrap, TOPIC, DEMO_USERS + 10_000);
    t.equal(eventLogMismatch(read, DEMO_USERS + 10_000), undefined, 'kafkajs: once each, in order');
  });

  await t.test('the cluster stopped: events wait, then arrive in order, once each', async (t) => {
    const before = await getUserP99(serve.address, 500);
    await cluster.stopNode(1);
    const [report, during] = await Promise.all([
      migrate(serve.address, migrationRows('A', 1, 10)),
      getUserP99(serve.address, 500),
    ]);
    t.equal(report.migrated, 1000, 'the migration goes through with the cluster down');
    t.comment(
      `GetUser p99: ${before.toFixed(2)} ms before the outage, ${during.toFixed(2)} ms during`,
    );
    await waitForHealth(serve.address, PUBLISHER_SERVICE, 'NOT_SERVING', 20_000);
    t.equal(await metricValue(metricsPort, 'handwire_kafka_publisher_outbox_events'), 1000);
    t.ok((await metricValue(metricsPort, 'handwire_kafka_publisher_retries_total')) > 0);
    const restarted = performance.now();
    const [drain] = await Promise.all([
      drainTimes(metricsPort, DEMO_USERS + 10_000, 1000, 60_000),
      cluster.startNode(1),
    ]);
    t.comment(
      `the 1,000 waiting events drained in ${drain.drainMs.toFixed(0)} ms from the first acknowledgement to the last; ` +
        `the first came ${((drain.firstAckAt - restarted) / 1000).toFixed(2)} s after the broker's restart began (a JVM start)`,
    );
    await waitForHealth(serve.address, PUBLISHER_SERVICE, 'SERVING', 10_000);
    const records = await kcatConsume(cluster.bootstrap, TOPIC);
    t.equal(eventLogMismatch(records, DEMO_USERS + 11_000), undefined, 'kcat: once each, in order');
    const read = await kafkajsReadAll(cluster.bootstrap, TOPIC, DEMO_USERS + 11_000);
    t.equal(eventLogMismatch(read, DEMO_USERS + 11_000), undefined, 'kafkajs: once each, in order');
  });
});
