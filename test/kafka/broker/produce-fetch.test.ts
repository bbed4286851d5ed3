// Produce and Fetch through the server: offsets, idempotent retries, CRC and magic checks,
// read-only and unknown topics, long-polls woken by appends, byte limits, ListOffsets.

import t from 'tap';
import {
  buildRecordBatch,
  ErrorCode,
  splitRecordBatches,
} from '../../../src/kafka/protocol/index.js';
import {
  batchOf,
  brokerWithClient,
  fetchRequest,
  metadataRequest,
  produceRequest,
} from './broker-fixtures.js';

const partitionOf = (response: { responses: Array<{ partitionResponses: any[] }> }) =>
  response.responses[0]!.partitionResponses[0]!;

const fetchedOffsets = (records: any) =>
  splitRecordBatches(records as Buffer).map((b) => [
    b.header.baseOffset,
    b.header.lastOffsetDelta + 1,
  ]);

t.test(
  'produce assigns offsets; fetch returns the stored batches from the offset asked',
  async (t) => {
    const { client } = await brokerWithClient(t);
    await client.request(3, 9, metadataRequest(['t']));
    const first = partitionOf(
      await client.request(0, 7, produceRequest('t', batchOf(['a', 'b', 'c']))),
    );
    t.equal(first.errorCode, ErrorCode.NONE);
    t.equal(first.baseOffset, 0);
    t.equal(first.logStartOffset, 0);
    t.equal(
      partitionOf(await client.request(0, 3, produceRequest('t', batchOf(['d'])))).baseOffset,
      3,
    );
    const fetched = await client.request(1, 11, fetchRequest('t', 1));
    const partition = fetched.responses[0]!.partitions[0]!;
    t.equal(partition.errorCode, ErrorCode.NONE);
    t.equal(partition.highWatermark, 4);
    t.equal(partition.lastStableOffset, 4);
    t.equal(partition.logStartOffset, 0);
    t.same(
      fetchedOffsets(partition.records),
      [
        [0, 3],
        [3, 1],
      ],
      'whole batches, from the one holding offset 1',
    );
    const v4 = await client.request(1, 4, fetchRequest('t', 3));
    t.same(fetchedOffsets(v4.responses[0]!.partitions[0]!.records), [[3, 1]]);
    const outOfRange = await client.request(1, 11, fetchRequest('t', 9));
    t.equal(outOfRange.responses[0]!.partitions[0]!.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const unknown = await client.request(1, 11, fetchRequest('nope', 0));
    t.equal(unknown.responses[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  },
);

t.test('an idempotent retry is acknowledged with its first offset and stored once', async (t) => {
  const { client, broker } = await brokerWithClient(t);
  await client.request(3, 9, metadataRequest(['idem']));
  const { producerId, producerEpoch, errorCode } = await client.request(22, 1, {
    transactionalId: null,
    transactionTimeoutMs: 60000,
    producerId: -1,
    producerEpoch: -1,
  });
  t.equal(errorCode, ErrorCode.NONE);
  const batch = () => batchOf(['x', 'y'], { producerId, producerEpoch, baseSequence: 0 });
  t.equal(partitionOf(await client.request(0, 7, produceRequest('idem', batch()))).baseOffset, 0);
  const retry = partitionOf(await client.request(0, 7, produceRequest('idem', batch())));
  t.equal(retry.errorCode, ErrorCode.NONE);
  t.equal(retry.baseOffset, 0);
  t.equal(broker.topics.partition('idem', 0)?.logEndOffset, 2);
  const gap = partitionOf(
    await client.request(
      0,
      7,
      produceRequest('idem', batchOf(['z'], { producerId, producerEpoch, baseSequence: 5 })),
    ),
  );
  t.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  const next = await client.request(22, 3, {
    transactionalId: null,
    transactionTimeoutMs: 60000,
    producerId,
    producerEpoch,
  });
  t.not(
    next.producerId,
    producerId,
    'without a transactional id every InitProducerId gets a new id',
  );
  const transactional = await client.request(22, 3, {
    transactionalId: 'tx',
    transactionTimeoutMs: 60000,
    producerId: -1,
    producerEpoch: -1,
  });
  t.equal(transactional.errorCode, ErrorCode.INVALID_REQUEST);
});

t.test(
  'refusals: bad CRC, old magic, several batches, unknown and read-only topics, acks',
  async (t) => {
    const { client, broker, logs } = await brokerWithClient(t);
    await client.request(3, 9, metadataRequest(['r']));
    const corrupt = batchOf(['a']);
    corrupt[corrupt.length - 1]! ^= 0xff;
    t.equal(
      partitionOf(await client.request(0, 7, produceRequest('r', corrupt))).errorCode,
      ErrorCode.CORRUPT_MESSAGE,
    );
    const magic1 = batchOf(['a']);
    magic1[16] = 1;
    t.equal(
      partitionOf(await client.request(0, 7, produceRequest('r', magic1))).errorCode,
      ErrorCode.INVALID_RECORD,
    );
    t.equal(
      partitionOf(await client.request(0, 2, produceRequest('r', magic1))).errorCode,
      ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
    );
    const two = Buffer.concat([batchOf(['a']), batchOf(['b'])]);
    t.equal(
      partitionOf(await client.request(0, 7, produceRequest('r', two))).errorCode,
      ErrorCode.INVALID_RECORD,
    );
    t.equal(
      partitionOf(await client.request(0, 2, produceRequest('r', two))).baseOffset,
      0,
      'v0-2 may carry several',
    );
    t.equal(
      partitionOf(await client.request(0, 7, produceRequest('r', null))).errorCode,
      ErrorCode.INVALID_RECORD,
    );
    t.equal(
      partitionOf(await client.request(0, 7, produceRequest('r', batchOf(['t']), { acks: 2 })))
        .errorCode,
      ErrorCode.INVALID_REQUIRED_ACKS,
    );
    t.equal(
      partitionOf(await client.request(0, 7, produceRequest('absent', batchOf(['a'])))).errorCode,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    t.equal(
      partitionOf(await client.request(0, 7, produceRequest('r', batchOf(['a']), {}, 3))).errorCode,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    t.equal(
      partitionOf(
        await client.request(0, 7, produceRequest('r', batchOf(['a'], { isTransactional: true }))),
      ).errorCode,
      ErrorCode.INVALID_RECORD,
    );
    broker.topics.create({
      name: 'locked',
      numPartitions: 1,
      replicationFactor: 1,
      readOnlyToProducers: true,
    });
    const locked = partitionOf(
      await client.request(0, 7, produceRequest('locked', batchOf(['a']))),
    );
    t.equal(locked.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    t.equal(broker.topics.partition('locked', 0)?.logEndOffset, 0, 'nothing stored');
    t.equal(broker.topics.partition('r', 0)?.logEndOffset, 2);
    t.same(logs, []);
  },
);

t.test(
  'a long-poll waits for MinBytes and is woken by a produce on another connection',
  async (t) => {
    const { client, broker } = await brokerWithClient(t);
    await client.request(3, 9, metadataRequest(['lp']));
    const { KafkaTestClient } = await import('./kafka-test-client.js');
    const producer = await KafkaTestClient.connect(broker.address.port);
    t.teardown(() => producer.close());
    const started = Date.now();
    const fetch = client.request(1, 11, fetchRequest('lp', 0, { maxWaitMs: 10_000, minBytes: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await producer.request(0, 7, produceRequest('lp', batchOf(['wake'])));
    const fetched = await fetch;
    t.ok(Date.now() - started < 5000, 'woken, not timed out');
    t.same(fetchedOffsets(fetched.responses[0]!.partitions[0]!.records), [[0, 1]]);
    const timedStart = Date.now();
    const empty = await client.request(
      1,
      11,
      fetchRequest('lp', 1, { maxWaitMs: 200, minBytes: 1 }),
    );
    t.ok(Date.now() - timedStart >= 150, 'waited about MaxWaitMs');
    t.equal((empty.responses[0]!.partitions[0]!.records as Buffer).length, 0);
    const incremental = await client.request(
      1,
      11,
      fetchRequest('lp', 0, { sessionId: 5, sessionEpoch: 3 }),
    );
    t.equal(incremental.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  },
);

t.test(
  'byte limits: the first batch even if larger, then whole batches within MaxBytes',
  async (t) => {
    const { client } = await brokerWithClient(t);
    const big = 'x'.repeat(2000);
    await client.request(3, 9, metadataRequest(['big']));
    for (let i = 0; i < 3; i++) await client.request(0, 7, produceRequest('big', batchOf([big])));
    const one = await client.request(1, 11, fetchRequest('big', 0, {}, 100));
    t.same(fetchedOffsets(one.responses[0]!.partitions[0]!.records), [[0, 1]], 'KIP-74');
    const two = await client.request(1, 11, fetchRequest('big', 0, { maxBytes: 4300 }));
    t.same(
      fetchedOffsets(two.responses[0]!.partitions[0]!.records),
      [
        [0, 1],
        [1, 1],
      ],
      'response MaxBytes',
    );
    const committed = await client.request(1, 11, fetchRequest('big', 0, { isolationLevel: 1 }));
    t.same(committed.responses[0]!.partitions[0]!.abortedTransactions, []);
  },
);

t.test(
  'ListOffsets: earliest, latest, by timestamp, v0 form; retention moves the start',
  async (t) => {
    const { client } = await brokerWithClient(t, { retentionBytes: 200 });
    await client.request(3, 9, metadataRequest(['lo']));
    const stamped = (values: string[], timestamp: number) =>
      buildRecordBatch(values.map((v) => ({ value: Buffer.from(v), timestamp })));
    for (const [value, ts] of [
      ['a', 100],
      ['b', 200],
      ['c', 300],
    ] as const) {
      await client.request(0, 7, produceRequest('lo', stamped([value], ts)));
    }
    const ask = (timestamp: number) => ({
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 0,
      topics: [
        {
          name: 'lo',
          partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }],
        },
      ],
    });
    const offsetOf = async (timestamp: number, version = 5) => {
      const p = (await client.request(2, version, ask(timestamp))).topics[0]!.partitions[0]!;
      return version === 0 ? p.oldStyleOffsets : [p.offset, p.timestamp];
    };
    t.same(await offsetOf(-1), [3, -1]);
    t.same(await offsetOf(-2), [1, -1], 'the first batch fell to retention.bytes');
    t.same(await offsetOf(150), [1, 200]);
    t.same(await offsetOf(300), [2, 300]);
    t.same(await offsetOf(301), [-1, -1]);
    t.same(await offsetOf(-1, 0), [3]);
    const unknown = await client.request(2, 5, {
      ...ask(-1),
      topics: [{ name: 'zz', partitions: ask(-1).topics[0]!.partitions }],
    });
    t.equal(unknown.topics[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  },
);
