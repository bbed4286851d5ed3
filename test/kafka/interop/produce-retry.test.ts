// Differential: a produce whose response comes too late is retried, and stored once. A proxy
// (support/delaying-proxy.ts) sits between an idempotent producer and the broker and holds the
// first Produce response back well past the client's request timeout. The client gives up on it
// and sends the same batch again (same producer id, epoch and base sequence): kafkajs on the same
// connection, librdkafka (confluent-kafka) on a new one after dropping the timed-out connection.
// The broker has already stored the first copy, so it must answer the retry as a duplicate (with
// the first copy's offset) instead of storing it again; the late response, when it comes, is
// ignored (kafkajs) or lost with its connection (librdkafka). Afterwards the topic is read back
// directly from the broker: every record exactly once, on both brokers.

import { Kafka, logLevel, Partitioners } from 'kafkajs';
import t, { type Test } from 'tap';
import { decodeRequestFrame, readRecordBatchHeader } from '../../../src/kafka/protocol/index.js';
import { type DelayingProxy, startDelayingProxy } from '../support/delaying-proxy.js';
import { forBothBrokers } from '../support/differential.js';
import { kcatConsume } from '../support/kcat.js';
import { numberedRecords, type ObservedRecord } from '../support/observed.js';
import { pythonClientSkip, pythonProduce } from '../support/python-clients.js';

const PRODUCE = 0;
/** The clients' request timeout, and how long the first Produce response is held back. */
const REQUEST_TIMEOUT_MS = 1000;
const HELD_MS = 2500;

/** What the proxy saw of one Produce request, relative to the first one. */
interface ProduceSeen {
  heldBack: boolean;
  sameConnectionAsFirst: boolean;
  /** Same producer id and epoch as the first request's batch. */
  sameProducerAsFirst: boolean;
  baseSequence: number;
  recordCount: number;
}

interface Outcome {
  /** [partition, offset] the producer was told, per send. */
  told: [number, number][][];
  produceRequests: ProduceSeen[];
  /** The topic read back from the broker itself (not through the proxy). */
  records: ObservedRecord[];
}

/** A proxy in front of `bootstrap` that holds back the first Produce response for HELD_MS. */
async function holdFirstProduceResponse(bootstrap: string): Promise<DelayingProxy> {
  let held = false;
  return startDelayingProxy(bootstrap, (exchange) => {
    if (exchange.apiKey !== PRODUCE || held) return 0;
    held = true;
    return HELD_MS;
  });
}

function produceRequestsSeen(proxy: DelayingProxy): ProduceSeen[] {
  const produces = proxy.exchanges.filter((e) => e.apiKey === PRODUCE);
  const batches = produces.map((e) => {
    const frame = decodeRequestFrame(e.request);
    if (frame.apiKey !== PRODUCE) throw new Error('not a Produce request');
    const records = frame.body.topicData[0]!.partitionData[0]!.records as Buffer;
    return readRecordBatchHeader(records);
  });
  const first = batches[0]!;
  return produces.map((e, i) => ({
    heldBack: i === 0,
    sameConnectionAsFirst: e.connection === produces[0]!.connection,
    sameProducerAsFirst:
      batches[i]!.producerId === first.producerId &&
      batches[i]!.producerEpoch === first.producerEpoch,
    baseSequence: batches[i]!.baseSequence,
    recordCount: batches[i]!.recordCount,
  }));
}

/** The invariants on Apache Kafka's outcome: a retry of the same batch, and each record once. */
function check(t: Test, outcome: Outcome, produced: number): void {
  const [first, retry] = outcome.produceRequests;
  t.comment(`Produce requests seen: ${JSON.stringify(outcome.produceRequests)}`);
  t.ok(first?.heldBack && retry !== undefined, 'the held-back Produce was sent again');
  t.ok(
    retry?.sameProducerAsFirst &&
      retry.baseSequence === first?.baseSequence &&
      retry.recordCount === first?.recordCount,
    'the retry is the same batch: same producer id, epoch, base sequence and record count',
  );
  t.same(
    outcome.records.map((r) => r.offset),
    Array.from({ length: produced }, (_, i) => i),
    `${produced} records stored, none twice`,
  );
}

void forBothBrokers<Outcome>(
  t,
  'kafkajs: a Produce answered after the request timeout is retried and stored once',
  async ({ bootstrap, topic }) => {
    const name = topic('produce-retry-kafkajs');
    const proxy = await holdFirstProduceResponse(bootstrap);
    try {
      const kafka = new Kafka({
        clientId: 'handwire-test-produce-retry',
        brokers: [proxy.address],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 3000,
        requestTimeout: REQUEST_TIMEOUT_MS,
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const told: [number, number][][] = [];
      await producer.connect();
      try {
        for (const [prefix, count] of [
          ['late', 3],
          ['after', 2],
        ] as const) {
          const sent = await producer.send({
            topic: name,
            acks: -1,
            messages: numberedRecords(prefix, count).map((r) => ({
              key: r.key,
              value: r.value,
              headers: Object.fromEntries(r.headers ?? []),
            })),
          });
          told.push(sent.map((m) => [m.partition, Number(m.baseOffset)]));
        }
      } finally {
        await producer.disconnect();
      }
      await proxy.settled();
      return {
        told,
        produceRequests: produceRequestsSeen(proxy),
        records: await kcatConsume(bootstrap, name),
      };
    } finally {
      await proxy.close();
    }
  },
  (t, outcome) => {
    check(t, outcome, 5);
    t.same(outcome.told, [[[0, 0]], [[0, 3]]], 'kafkajs is told offset 0, then 3');
  },
);

const confluentSkip = pythonClientSkip('confluent-kafka');
if (confluentSkip !== false) {
  t.test('confluent-kafka', { skip: confluentSkip }, async () => {});
} else {
  void forBothBrokers<Outcome>(
    t,
    'confluent-kafka: a Produce answered after socket.timeout.ms is retried and stored once',
    async ({ bootstrap, topic }) => {
      const name = topic('produce-retry-confluent');
      const proxy = await holdFirstProduceResponse(bootstrap);
      try {
        const told = await pythonProduce(
          'confluent-kafka',
          proxy.address,
          name,
          numberedRecords('late', 3),
          // librdkafka times a request out after socket.timeout.ms, drops the connection, and
          // retries the batch (possibly persisted) with the same sequence on a new one.
          { 'socket.timeout.ms': REQUEST_TIMEOUT_MS, 'linger.ms': 50 },
        );
        await proxy.settled();
        return {
          told: [told],
          produceRequests: produceRequestsSeen(proxy),
          records: await kcatConsume(bootstrap, name),
        };
      } finally {
        await proxy.close();
      }
    },
    (t, outcome) => {
      check(t, outcome, 3);
      t.same(
        outcome.told,
        [
          [
            [0, 0],
            [0, 1],
            [0, 2],
          ],
        ],
        'confluent-kafka is told offsets 0, 1, 2',
      );
    },
  );
}
