// What the publisher scenarios share (docs/kafka-publisher.md): a migration of demo users driven
// through MigrateOffers, the publisher's metrics and health read from outside, GetUser latency,
// and the check that a topic holds every offer event once, in log order.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { demoOffer, demoUserId } from '../../../src/cli/demo-data.js';
import { call, callClientStream, grpcJsClient } from '../../helpers/grpc-js-proto.js';
import type { ObservedRecord } from '../support/observed.js';

const OFFERS_PROTO = fileURLToPath(new URL('../../../proto/offers.proto', import.meta.url));
const USER_PROTO = fileURLToPath(new URL('../../../proto/user.proto', import.meta.url));
const HEALTH_PROTO = fileURLToPath(
  new URL('../../../proto/grpc/health/v1/health.proto', import.meta.url),
);

export const PUBLISHER_SERVICE = 'handwire.kafka.Publisher';
/** `handwire serve --demo` seeds this many users, each with a first offer: that many events. */
export const DEMO_USERS = 1000;

/**
 * Rows moving every demo user through `rounds` new offers, round after round: each row migrates
 * (its current offer is what the previous round set), so rows = events = rounds × 1000. `tag`
 * keeps two migrations of one server apart.
 */
export function migrationRows(tag: string, rounds: number, fromRound = 0) {
  const rows: { userId: string; currentOffer: string; targetOffer: string }[] = [];
  const offerOf = (round: number, user: number) =>
    round === 0 ? demoOffer(user) : `${tag}_${round}`;
  for (let round = fromRound; round < fromRound + rounds; round++) {
    for (let user = 0; user < DEMO_USERS; user++) {
      rows.push({
        userId: demoUserId(user),
        currentOffer: offerOf(round, user),
        targetOffer: offerOf(round + 1, user),
      });
    }
  }
  return rows;
}

/** Uploads `rows` as one MigrateOffers stream and returns the report. */
export async function migrate(address: string, rows: object[]): Promise<{ migrated: number }> {
  const client = grpcJsClient(OFFERS_PROTO, 'offers.v1.OfferService', address);
  try {
    return await callClientStream(client, 'MigrateOffers', rows);
  } finally {
    client.close();
  }
}

/** The health status name of `service` ("SERVING", "NOT_SERVING", …). */
export async function healthOf(address: string, service: string): Promise<string> {
  const client = grpcJsClient(HEALTH_PROTO, 'grpc.health.v1.Health', address);
  try {
    return (await call(client, 'Check', { service })).status;
  } finally {
    client.close();
  }
}

/** Waits (bounded) until health reports `status` for `service`. */
export async function waitForHealth(
  address: string,
  service: string,
  status: string,
  timeoutMs: number,
): Promise<void> {
  let last = '';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    last = await healthOf(address, service);
    if (last === status) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${service} stayed ${last} for ${timeoutMs} ms, expected ${status}`);
}

/** The value of an unlabelled metric (or the sum over its labels) in /metrics. */
export async function metricValue(metricsPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Waits until the publisher has acknowledged `count` events; resolves with the time it took. */
export async function waitForPublished(
  metricsPort: number,
  count: number,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  let published = 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    published = await metricValue(metricsPort, 'handwire_kafka_publisher_events_published_total');
    if (published >= count) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`only ${published} of ${count} events published within ${timeoutMs} ms`);
}

/** `count` GetUser calls one after another; the 99th percentile in milliseconds. */
export async function getUserP99(address: string, count: number): Promise<number> {
  const client = grpcJsClient(USER_PROTO, 'user.UserService', address);
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await call(client, 'GetUser', { id: demoUserId(i % DEMO_USERS) });
      times.push(performance.now() - started);
    }
  } finally {
    client.close();
  }
  times.sort((a, b) => a - b);
  return times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)]!;
}

export interface OfferEventValue {
  event_id: string;
  offset: number;
  user_id: string;
}

/**
 * Why `records` are not every offer event from offset 0 to `count` - 1 once each in log order,
 * each keyed by its user and carrying its id in the event-id header; undefined when they are.
 */
export function eventLogMismatch(
  records: readonly ObservedRecord[],
  count: number,
): string | undefined {
  const seen = new Set<string>();
  for (const [i, record] of records.entries()) {
    const value = JSON.parse(record.value ?? 'null') as OfferEventValue;
    if (seen.has(value.event_id)) return `event ${value.event_id} is there twice (record ${i})`;
    seen.add(value.event_id);
    if (value.offset !== i)
      return `record ${i} holds event offset ${value.offset}: out of order or a gap`;
    if (record.key !== value.user_id) return `record ${i} is keyed ${record.key}, not its user`;
    const header = record.headers.find(([key]) => key === 'event-id')?.[1];
    if (header !== value.event_id) return `record ${i} has event-id header ${header}`;
  }
  if (records.length !== count) return `${records.length} records, expected ${count}`;
  return undefined;
}

/**
 * Every record of `topic` read by a kafkajs consumer in a new group, up to `count` (bounded by
 * `timeoutMs`). A cluster that has just started answers the first JoinGroup with
 * COORDINATOR_LOAD_IN_PROGRESS while it creates its offsets topic, and kafkajs ends its consumer
 * on that; such a consumer is closed and a new one tried, five at most.
 */
export async function kafkajsReadAll(
  bootstrap: string,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ObservedRecord[]> {
  const kafka = new Kafka({
    clientId: 'handwire-publisher-check',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  for (let attempt = 1; ; attempt++) {
    const consumer = kafka.consumer({ groupId: `publisher-check-${Date.now()}-${attempt}` });
    const records: ObservedRecord[] = [];
    let crashed: Error | undefined;
    consumer.on(consumer.events.CRASH, (event) => {
      crashed = event.payload.error;
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({
            topic,
            partition,
            offset: Number(message.offset),
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          });
        },
      });
      const deadline = Date.now() + timeoutMs;
      while (records.length < count && crashed === undefined && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      if (crashed === undefined) return records;
    } catch (error) {
      crashed = error as Error;
    } finally {
      await consumer.disconnect();
    }
    if (attempt === 5) throw crashed;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Polls the published count every 20 ms while `waiting` events drain after `base` were published:
 * when the first of them was acknowledged, and how long from there to the last.
 */
export async function drainTimes(
  metricsPort: number,
  base: number,
  waiting: number,
  timeoutMs: number,
): Promise<{ firstAckAt: number; drainMs: number }> {
  const deadline = Date.now() + timeoutMs;
  let firstAckAt: number | undefined;
  while (Date.now() < deadline) {
    const published = await metricValue(
      metricsPort,
      'handwire_kafka_publisher_events_published_total',
    );
    const now = performance.now();
    if (published > base) firstAckAt ??= now;
    if (published >= base + waiting) return { firstAckAt: firstAckAt!, drainMs: now - firstAckAt! };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the ${waiting} waiting events did not drain within ${timeoutMs} ms`);
}

/**
 * kcat producing `lines` (`key<TAB>value` each) to `topic`, idempotent with acks=all, as one run;
 * resolves with the seconds it took: the peer's figure next to the publisher's rate.
 */
export function kcatProduceLines(
  bootstrap: string,
  topic: string,
  lines: string[],
): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kcat',
      [
        '-b',
        bootstrap,
        '-P',
        '-t',
        topic,
        '-K',
        '\t',
        '-q',
        '-X',
        'enable.idempotence=true',
        '-X',
        'acks=all',
      ],
      { timeout: 60_000, maxBuffer: 1 << 20 },
      (error, _stdout, stderr) => {
        if (error) reject(new Error(`kcat -P failed: ${error.message}\n${stderr}`));
        else resolve((performance.now() - started) / 1000);
      },
    );
    child.stdin?.end(`${lines.join('\n')}\n`);
  });
}
