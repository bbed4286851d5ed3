// The offer event publisher in-process, against handwire's own embedded broker standing in for an
// external cluster (docs/kafka-publisher.md): fast enough to pin each behaviour on every run —
// delivery in order once each, the topic created with one partition, a cluster down at start,
// one log line per change of state (not per retry), the metrics, a topic with too many partitions
// refused with a sentence, and a close that gives up after its grace.

import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import { PUBLISHER_HEALTH_SERVICE, startServePublisher } from '../../../src/cli/serve-publisher.js';
import { type KafkaBroker, startKafkaBroker } from '../../../src/kafka/index.js';
import { OfferEventPublisher } from '../../../src/kafka/publisher/offer-event-publisher.js';
import { HealthService, ServingStatus } from '../../../src/services/health/health-service.js';
import { OfferEventLog } from '../../../src/store/offer-event-log.js';
import { freePort } from '../../helpers/free-port.js';
import { kafkajsCreateTopic } from '../support/kafkajs-client.js';
import { kcatConsume, kcatTopicMetadata } from '../support/kcat.js';
import { waitUntil } from '../support/wait-until.js';
import { eventLogMismatch } from './publisher-fixtures.js';

const FAST_BACKOFF = { initialMs: 20, maxMs: 50 };

function appendEvents(log: OfferEventLog, count: number): void {
  for (let i = 0; i < count; i++) {
    log.append({
      eventId: crypto.randomUUID(),
      userId: crypto.randomUUID(),
      fromOffer: 'BASIC',
      toOffer: 'PLUS',
      migrationId: '',
      occurredAt: Date.now(),
    });
  }
}

/** A pino-shaped logger that keeps its lines. */
function captureLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields: fields as Record<string, unknown>, message });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

async function metric(registry: Registry, name: string, label?: string): Promise<number> {
  // A histogram's _count is one of its values, named by metricName.
  const base = name.replace(/_count$/, '');
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === base);
  const values = (found?.values ?? []) as {
    value: number;
    labels: Record<string, string>;
    metricName?: string;
  }[];
  return values
    .filter((v) => base === name || v.metricName === name)
    .filter((v) => label === undefined || Object.values(v.labels).includes(label))
    .reduce((sum, v) => sum + v.value, 0);
}

async function embeddedBroker(t: Test, port = 0): Promise<KafkaBroker> {
  const broker = await startKafkaBroker({ port, log: () => {} });
  t.teardown(() => broker.close());
  return broker;
}

t.test('every event once, in log order; health, log and metrics follow', async (t) => {
  const broker = await embeddedBroker(t);
  const bootstrap = `127.0.0.1:${broker.address.port}`;
  const events = new OfferEventLog();
  appendEvents(events, 3);
  const health = new HealthService();
  const logger = captureLogger();
  const registry = new Registry();
  const publisher = startServePublisher({
    brokers: [{ host: '127.0.0.1', port: broker.address.port }],
    events,
    health,
    logger,
    registry,
  });
  t.equal(health.getStatus(PUBLISHER_HEALTH_SERVICE), ServingStatus.NOT_SERVING, 'until connected');
  await waitUntil('connected', 10_000, () =>
    health.getStatus(PUBLISHER_HEALTH_SERVICE) === ServingStatus.SERVING ? true : undefined,
  );
  appendEvents(events, 1200);
  await waitUntil('the outbox drained', 10_000, () =>
    publisher.outboxDepth === 0 ? true : undefined,
  );
  t.equal(await metric(registry, 'handwire_kafka_publisher_events_published_total'), 1203);
  t.equal(await metric(registry, 'handwire_kafka_publisher_outbox_events'), 0);
  t.equal(await metric(registry, 'handwire_kafka_publisher_state', 'connected'), 1);
  t.equal(await metric(registry, 'handwire_kafka_publisher_publish_latency_seconds_count'), 1203);
  const [topic] = (await kcatTopicMetadata(bootstrap, 'user-offers')) as {
    partitions: unknown[];
  }[];
  t.equal(topic?.partitions.length, 1, 'the publisher created the topic with one partition');
  appendEvents(events, 100);
  t.same(await publisher.close(5000), { unpublished: 0 }, 'close flushes what waits');
  const records = await kcatConsume(bootstrap, 'user-offers');
  t.equal(eventLogMismatch(records, 1303), undefined);
  t.match(records[0]?.headers, [
    ['content-type', 'application/json'],
    ['event-id', /./],
  ]);
  t.equal(publisher.status.state, 'closed');
  t.match(
    logger.lines.map((l) => `${l.level} ${l.message}`),
    [/^info Kafka publisher connected/, /^info Kafka publisher closed/],
  );
});

t.test('a cluster down at start: failing, one warning, then every event', async (t) => {
  const port = await freePort();
  const events = new OfferEventLog();
  appendEvents(events, 5);
  const states: string[] = [];
  let failures = 0;
  const publisher = new OfferEventPublisher({
    brokers: [{ host: '127.0.0.1', port }],
    events,
    backoff: FAST_BACKOFF,
    requestTimeoutMs: 2000,
    observer: {
      published() {},
      failed() {
        failures++;
      },
      stateChanged(status) {
        states.push(status.state);
      },
    },
  });
  await waitUntil('a few retries', 10_000, () => (failures >= 3 ? true : undefined));
  t.match(publisher.status, {
    state: 'failing',
    outboxDepth: 5,
    lastError: { code: 'NETWORK_EXCEPTION', message: /ECONNREFUSED/ },
  });
  t.same(states, ['failing'], 'one change of state however many retries');
  const broker = await embeddedBroker(t, port);
  await waitUntil('drained', 10_000, () => (publisher.outboxDepth === 0 ? true : undefined));
  t.same(states, ['failing', 'connected']);
  const records = await kcatConsume(`127.0.0.1:${broker.address.port}`, 'user-offers');
  t.equal(eventLogMismatch(records, 5), undefined);
  await publisher.close(1000);
});

t.test('a topic with several partitions is refused with a sentence', async (t) => {
  const broker = await embeddedBroker(t);
  await kafkajsCreateTopic(`127.0.0.1:${broker.address.port}`, 'user-offers', 3);
  const events = new OfferEventLog();
  appendEvents(events, 1);
  const publisher = new OfferEventPublisher({
    brokers: [{ host: '127.0.0.1', port: broker.address.port }],
    events,
    backoff: FAST_BACKOFF,
  });
  await waitUntil('failing', 10_000, () =>
    publisher.status.state === 'failing' ? true : undefined,
  );
  t.match(publisher.status.lastError, {
    code: 'INVALID_PARTITIONS',
    message: /has 3 partitions.*one partition/,
  });
  t.same(await publisher.close(100), { unpublished: 1 }, 'nothing was published');
});

t.test('close gives up after its grace, and closes at once with nothing to publish', async (t) => {
  const port = await freePort();
  const events = new OfferEventLog();
  const idle = new OfferEventPublisher({ brokers: [{ host: '127.0.0.1', port }], events });
  let started = performance.now();
  t.same(await idle.close(5000), { unpublished: 0 });
  t.ok(
    performance.now() - started < 2000,
    'nothing waits: no grace spent on a cluster that is down',
  );
  appendEvents(events, 2);
  const busy = new OfferEventPublisher({
    brokers: [{ host: '127.0.0.1', port }],
    events,
    backoff: FAST_BACKOFF,
  });
  started = performance.now();
  t.same(await busy.close(300), { unpublished: 2 });
  t.ok(performance.now() - started < 3000, 'the grace bounds the close');
  t.throws(() => new OfferEventPublisher({ brokers: [], events }), /at least one broker/);
});

t.test(
  'a broker lost and replaced by an empty one: reconnects, sets the topic up again',
  async (t) => {
    const first = await startKafkaBroker({ port: 0, log: () => {} });
    const port = first.address.port;
    const events = new OfferEventLog();
    appendEvents(events, 5);
    const publisher = new OfferEventPublisher({
      brokers: [{ host: '127.0.0.1', port }],
      events,
      backoff: FAST_BACKOFF,
      requestTimeoutMs: 2000,
    });
    t.teardown(() => publisher.close(100));
    await waitUntil('published', 10_000, () => (publisher.outboxDepth === 0 ? true : undefined));
    await first.close();
    appendEvents(events, 7);
    await waitUntil('failing', 10_000, () =>
      publisher.status.state === 'failing' ? true : undefined,
    );
    await embeddedBroker(t, port);
    await waitUntil('published again', 15_000, () =>
      publisher.outboxDepth === 0 ? true : undefined,
    );
    const records = await kcatConsume(`127.0.0.1:${port}`, 'user-offers');
    t.same(
      records.map((r) => (JSON.parse(r.value ?? '{}') as { offset: number }).offset),
      [5, 6, 7, 8, 9, 10, 11],
      'the events that waited, in order, on the new broker',
    );
  },
);

t.test(
  'serve wiring with the cluster down: a warning with the error, counted by code',
  async (t) => {
    const events = new OfferEventLog();
    appendEvents(events, 2);
    const health = new HealthService();
    const logger = captureLogger();
    const registry = new Registry();
    const publisher = startServePublisher({
      brokers: [{ host: '::1', port: await freePort() }],
      events,
      health,
      logger,
      registry,
    });
    await waitUntil('failing', 10_000, () =>
      publisher.status.state === 'failing' ? true : undefined,
    );
    t.equal(health.getStatus(PUBLISHER_HEALTH_SERVICE), ServingStatus.NOT_SERVING);
    const warning = logger.lines.find((line) => line.level === 'warn');
    t.match(warning, {
      fields: {
        kafka_brokers: /^\[::1\]:\d+$/,
        kafka_error_code: 'NETWORK_EXCEPTION',
        outbox_events: 2,
      },
      message: /^Kafka publisher failing: .*; 2 events wait in the outbox/,
    });
    t.ok(await metric(registry, 'handwire_kafka_publisher_errors_total', 'NETWORK_EXCEPTION'));
    t.equal(await metric(registry, 'handwire_kafka_publisher_outbox_events'), 2);
    t.same(await publisher.close(100), { unpublished: 2 });
  },
);
