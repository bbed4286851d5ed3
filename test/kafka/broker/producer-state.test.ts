// Idempotent producers as Kafka (KIP-98, ProducerStateManager): duplicates acknowledged with their
// original offsets and stored once, real gaps refused, fencing by epoch, new epochs from sequence 0,
// non-idempotent batches (producer id -1, whatever their epoch and sequence) never checked.

import t from 'tap';
import { BrokerError } from '../../../src/kafka/broker/broker-errors.js';
import { appendProducedBatch } from '../../../src/kafka/broker/partition-append.js';
import { PartitionLog } from '../../../src/kafka/broker/partition-log.js';
import {
  BATCHES_RETAINED_PER_PRODUCER,
  incrementSequence,
  ProducerIdAllocator,
} from '../../../src/kafka/broker/producer-state.js';

function produced(producerId: number, producerEpoch: number, baseSequence: number, records = 1) {
  return {
    bytes: Buffer.alloc(70),
    lastOffsetDelta: records - 1,
    maxTimestamp: 0,
    producerId,
    producerEpoch,
    baseSequence,
  };
}

t.test(
  'InitProducerId without a transactional id: a new producer id each time, epoch 0',
  async (t) => {
    const ids = new ProducerIdAllocator();
    t.same(ids.allocate(), { producerId: 0, producerEpoch: 0 });
    t.same(ids.allocate(), { producerId: 1, producerEpoch: 0 });
    t.same(new ProducerIdAllocator(500).allocate(), { producerId: 500, producerEpoch: 0 });
  },
);

t.test('sequences wrap past Int32.MAX to 0', async (t) => {
  t.equal(incrementSequence(5, 3), 8);
  t.equal(incrementSequence(0x7fffffff, 1), 0);
  t.equal(incrementSequence(0x7ffffffe, 3), 1);
});

t.test('a retried batch is acknowledged with its original offset and stored once', async (t) => {
  const log = new PartitionLog();
  t.equal(appendProducedBatch(log, produced(7, 0, 0, 3)).baseOffset, 0);
  t.equal(appendProducedBatch(log, produced(7, 0, 3, 2)).baseOffset, 3);
  const retry = appendProducedBatch(log, produced(7, 0, 0, 3));
  t.equal(retry.errorCode, BrokerError.NONE);
  t.equal(retry.baseOffset, 0, 'the original offset');
  t.equal(log.logEndOffset, 5, 'nothing stored twice');
  t.equal(appendProducedBatch(log, produced(7, 0, 3, 2)).baseOffset, 3);
  t.equal(appendProducedBatch(log, produced(7, 0, 5, 1)).baseOffset, 5);
});

t.test('only the last five batches are remembered; an older retry is out of order', async (t) => {
  const log = new PartitionLog();
  for (let seq = 0; seq < BATCHES_RETAINED_PER_PRODUCER + 1; seq++) {
    appendProducedBatch(log, produced(1, 0, seq));
  }
  t.equal(
    appendProducedBatch(log, produced(1, 0, 1)).baseOffset,
    1,
    'seq 1 is among the last five',
  );
  const forgotten = appendProducedBatch(log, produced(1, 0, 0));
  t.equal(forgotten.errorCode, BrokerError.OUT_OF_ORDER_SEQUENCE_NUMBER);
  t.equal(forgotten.baseOffset, -1);
});

t.test('a gap is OUT_OF_ORDER_SEQUENCE_NUMBER and stores nothing', async (t) => {
  const log = new PartitionLog();
  appendProducedBatch(log, produced(3, 0, 0, 2));
  const gap = appendProducedBatch(log, produced(3, 0, 3));
  t.equal(gap.errorCode, BrokerError.OUT_OF_ORDER_SEQUENCE_NUMBER);
  t.match(gap.errorMessage, /3 \(incoming seq\. number\), 1/);
  t.equal(log.logEndOffset, 2);
  t.equal(appendProducedBatch(log, produced(3, 0, 2)).errorCode, BrokerError.NONE);
});

t.test('epochs: older refused, a newer one must start at 0, the new one then rules', async (t) => {
  const log = new PartitionLog();
  appendProducedBatch(log, produced(9, 1, 0));
  t.equal(
    appendProducedBatch(log, produced(9, 0, 1)).errorCode,
    BrokerError.INVALID_PRODUCER_EPOCH,
  );
  t.equal(
    appendProducedBatch(log, produced(9, 2, 5)).errorCode,
    BrokerError.OUT_OF_ORDER_SEQUENCE_NUMBER,
  );
  t.equal(appendProducedBatch(log, produced(9, 2, 0)).errorCode, BrokerError.NONE, 'KIP-360 bump');
  t.equal(log.producerStates.epochOf(9), 2);
  t.equal(
    appendProducedBatch(log, produced(9, 1, 1)).errorCode,
    BrokerError.INVALID_PRODUCER_EPOCH,
  );
  t.equal(appendProducedBatch(log, produced(9, 2, 0)).baseOffset, 1, 'duplicate in the new epoch');
  t.equal(log.logEndOffset, 2);
});

t.test(
  'an unknown producer may start at any sequence (state lost to retention, KIP-360)',
  async (t) => {
    const log = new PartitionLog();
    t.equal(appendProducedBatch(log, produced(44, 3, 17)).errorCode, BrokerError.NONE);
    t.equal(appendProducedBatch(log, produced(44, 3, 18)).errorCode, BrokerError.NONE);
    t.equal(log.producerStates.epochOf(44), 3);
  },
);

t.test('an idempotent batch without a sequence is an invalid record', async (t) => {
  const log = new PartitionLog();
  const result = appendProducedBatch(log, produced(5, 0, -1));
  t.equal(result.errorCode, BrokerError.INVALID_RECORD);
  t.equal(log.logEndOffset, 0);
});

t.test(
  'non-idempotent batches: librdkafka (-1/-1/-1) and kafkajs (-1/0/0) are never checked',
  async (t) => {
    const log = new PartitionLog();
    for (let i = 0; i < 3; i++) appendProducedBatch(log, produced(-1, -1, -1));
    for (let i = 0; i < 3; i++) appendProducedBatch(log, produced(-1, 0, 0));
    t.equal(log.logEndOffset, 6, 'each stored, none taken for a duplicate');
    t.equal(log.producerStates.epochOf(-1), undefined);
  },
);
