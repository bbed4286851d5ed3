// Differential: a produce whose response comes too late is retried, and stored once. A proxy
// (support/delaying-proxy.ts) sits between an idempotent producer and the broker and holds the
// first Produce response back well past the client's request timeout. The client gives up on it
// and sends the same batch again (same producer id, epoch and base sequence): kafkajs on the same
// connection, librdkafka (confluent-kafka) on a new one after dropping the timed-out connection.
// The broker has already stored the first copy, so it must answer the retry as a duplicate (with
// the first copy's offset) instead of storing it again; the late response, when it comes, is
// ignored (kafkajs) or lost with its connection (librdkafka). With librdkafka the first Produce
// *request* is also held back instead, so that it reaches the broker only after its retry (sent
// on a new connection) was stored: the late original must then be the duplicate. Afterwards the
// topic is read back directly from the broker: every record exactly once, on both brokers.
// A last scenario sends the retries by hand (handwire's protocol codecs as the client), to pin
// what both brokers answer at the edges of duplicate detection: a retry among the last five
// batches, one older than that, one with the same first sequence but fewer records, a gap, an
// epoch bumped by the producer (and the old epoch after it), and a producer id the broker never
// gave out.

import { Kafka, logLevel, Partitioners } from 'kafkajs';
import t, { type Test } from 'tap';
import {
  buildRecordBatch,
  decodeRequestFrame,
  decodeResponseFrame,
  readRecordBatchHeader,
} from '../../../src/kafka/protocol/index.js';
import { KafkaTestClient } from '../broker/kafka-test-client.js';
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

/** A proxy in front of `bootstrap` that holds back the first Produce request or response. */
function holdFirstProduce(
  bootstrap: string,
  what: 'request' | 'response' = 'response',
): Promise<DelayingProxy> {
  let held = false;
  const holdFirst = (exchange: { apiKey: number }) => {
    if (exchange.apiKey !== PRODUCE || held) return 0;
    held = true;
    return HELD_MS;
  };
  return startDelayingProxy(bootstrap, { [what]: holdFirst });
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
    const proxy = await holdFirstProduce(bootstrap);
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
/**
 * confluent-kafka, the first Produce response held back; then the first Produce *request* held
 * back instead: the retry on a new connection is stored first, and the original, reaching the
 * broker after it on the connection the client dropped, is answered as a duplicate to nobody.
 */
const CONFLUENT_CASES = [
  ['response', 'a Produce answered after socket.timeout.ms is retried and stored once'],
  ['request', 'a Produce that reaches the broker after its retry is stored once'],
] as const;
for (const [what, title] of CONFLUENT_CASES) {
  if (confluentSkip !== false) {
    t.test(`confluent-kafka: ${title}`, { skip: confluentSkip }, async () => {});
    continue;
  }
  void forBothBrokers<
    Outcome & {
      originalReachedBrokerAfterRetry: boolean;
      /** What the broker answered to the original (held) request: [error code, base offset]. */
      originalAnswer: [number, number] | undefined;
    }
  >(
    t,
    `confluent-kafka: ${title}`,
    async ({ bootstrap, topic }) => {
      const name = topic(`produce-retry-confluent-${what}`);
      const proxy = await holdFirstProduce(bootstrap, what);
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
        const [original, retry] = proxy.exchanges.filter((e) => e.apiKey === PRODUCE);
        const answer =
          original?.response &&
          decodeResponseFrame(PRODUCE, original.apiVersion, original.response).body.responses[0]
            ?.partitionResponses[0];
        return {
          originalAnswer: answer ? [answer.errorCode, answer.baseOffset] : undefined,
          told: [told],
          produceRequests: produceRequestsSeen(proxy),
          originalReachedBrokerAfterRetry: (original?.sentAt ?? 0) > (retry?.sentAt ?? 0),
          records: await kcatConsume(bootstrap, name),
        };
      } finally {
        await proxy.close();
      }
    },
    (t, outcome) => {
      check(t, outcome, 3);
      t.equal(
        outcome.originalReachedBrokerAfterRetry,
        what === 'request',
        what === 'request'
          ? 'the held request reached the broker after its retry'
          : 'the original request reached the broker first',
      );
      t.same(
        outcome.originalAnswer,
        [0, 0],
        'the original is answered with offset 0: stored then, or a duplicate of the retry',
      );
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

/** What a broker answered to one raw Produce (or InitProducerId). */
interface Answer {
  step: string;
  errorCode: number;
  baseOffset?: number;
  logStartOffset?: number;
  /** InitProducerId: whether it gave the producer id asked about, and how far the epoch moved. */
  sameProducerId?: boolean;
  epochMoved?: number;
}

void forBothBrokers(
  t,
  'raw idempotent retries: within the last five batches, older, changed, a gap, new epoch, unknown producer',
  async ({ bootstrap, topic }) => {
    const name = topic('produce-retry-raw');
    const client = await KafkaTestClient.connect(Number(bootstrap.split(':')[1]));
    try {
      // The topic, made on first use; Apache Kafka needs a moment before it has a leader.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const metadata = await client.request(3, 4, {
          topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name }],
          allowAutoTopicCreation: true,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        });
        const found = metadata.topics[0];
        if (found?.errorCode === 0 && found.partitions[0]?.leaderId === metadata.brokers[0]?.nodeId)
          break;
        if (Date.now() > deadline)
          throw new Error(`no leader for ${name}: ${JSON.stringify(found)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const initPid = (producerId = -1, producerEpoch = -1) =>
        client.request(22, 3, {
          transactionalId: null,
          transactionTimeoutMs: 60_000,
          producerId,
          producerEpoch,
        });
      // Apache Kafka answers COORDINATOR_LOAD_IN_PROGRESS while its transaction state loads.
      let first = await initPid();
      while (first.errorCode === 14 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        first = await initPid();
      }
      const answers: Answer[] = [{ step: 'InitProducerId', errorCode: first.errorCode }];
      const produce = async (
        step: string,
        producerId: number,
        producerEpoch: number,
        baseSequence: number,
        count: number,
      ) => {
        const records = Array.from({ length: count }, (_, i) => ({
          key: Buffer.from(`${step} #${i}`),
          value: Buffer.from(`seq ${baseSequence + i}`),
          timestamp: 1_700_000_000_000,
        }));
        const response = await client.request(0, 7, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 5000,
          topicData: [
            {
              name,
              partitionData: [
                {
                  index: 0,
                  records: buildRecordBatch(records, { producerId, producerEpoch, baseSequence }),
                },
              ],
            },
          ],
        });
        const p = response.responses[0]!.partitionResponses[0]!;
        answers.push({
          step,
          errorCode: p.errorCode,
          baseOffset: p.baseOffset,
          logStartOffset: p.logStartOffset,
        });
      };
      const pid = first.producerId;
      const epoch = first.producerEpoch;
      // Seven batches of two records: sequences 0, 2, …, 12 at offsets 0, 2, …, 12.
      for (let b = 0; b < 7; b++) await produce(`batch ${b}`, pid, epoch, 2 * b, 2);
      await produce('retry of the last batch', pid, epoch, 12, 2);
      await produce('retry of the fifth-newest batch', pid, epoch, 4, 2);
      await produce('retry of the sixth-newest batch (forgotten)', pid, epoch, 2, 2);
      await produce('same first sequence, one record fewer', pid, epoch, 4, 1);
      await produce('a gap: sequence 16 where 14 is next', pid, epoch, 16, 2);
      await produce('the next batch after all that', pid, epoch, 14, 2);
      // An idempotent producer (no transactional id) that asks again with its id and epoch is
      // given a new producer id, not a bumped epoch (Kafka bumps epochs this way only for
      // transactional ids); an idempotent producer bumps its epoch itself, starting again at 0.
      const again = await initPid(pid, epoch);
      answers.push({
        step: 'InitProducerId with the current id and epoch',
        errorCode: again.errorCode,
        sameProducerId: again.producerId === pid,
        epochMoved: again.producerEpoch - epoch,
      });
      await produce('a higher epoch, not starting at 0', pid, epoch + 1, 5, 1);
      await produce('a higher epoch from 0', pid, epoch + 1, 0, 1);
      await produce('the old epoch after that', pid, epoch, 16, 1);
      await produce('the higher epoch, in sequence', pid, epoch + 1, 1, 1);
      await produce('a producer id never given out, sequence 7', pid + 1000, 0, 7, 1);
      await produce('that producer again, in sequence', pid + 1000, 0, 8, 1);
      await produce('not idempotent', -1, -1, -1, 1);
      return {
        answers,
        stored: (await kcatConsume(bootstrap, name)).map((r) => `${r.offset} ${r.key} ${r.value}`),
      };
    } finally {
      client.close();
    }
  },
  (t, outcome) => {
    const byStep = new Map(outcome.answers.map((a) => [a.step, a]));
    const answer = (step: string) => {
      const a = byStep.get(step);
      return [a?.errorCode, a?.baseOffset];
    };
    t.same(answer('retry of the last batch'), [0, 12], 'a retry gets its first offset back');
    t.same(answer('retry of the fifth-newest batch'), [0, 4], 'five batches are remembered');
    t.same(
      answer('retry of the sixth-newest batch (forgotten)'),
      [45, -1],
      'an older one is OUT_OF_ORDER_SEQUENCE_NUMBER',
    );
    t.same(answer('a gap: sequence 16 where 14 is next'), [45, -1], 'so is a gap');
    t.same(answer('the next batch after all that'), [0, 14], 'nothing was stored by them');
    t.same(answer('a higher epoch, not starting at 0'), [45, -1], 'a new epoch starts at 0');
    t.same(answer('the old epoch after that'), [47, -1], 'then the old one is fenced');
    t.equal(
      outcome.answers.find((a) => a.errorCode === 45)?.logStartOffset,
      0,
      "an OUT_OF_ORDER_SEQUENCE_NUMBER answer carries the partition's log start offset",
    );
  },
);
