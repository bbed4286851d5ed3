// The partition log: offsets assigned by rewriting bytes 0-7, fetches of whole batches found by
// bisection, the byte budget with KIP-74's first-batch rule, retention, ListOffsets lookups.

import fc from 'fast-check';
import t from 'tap';
import { BrokerError } from '../../../src/kafka/broker/broker-errors.js';
import { PartitionLog } from '../../../src/kafka/broker/partition-log.js';

/** A stand-in batch: `size` bytes, its first 8 set to garbage the log must overwrite. */
function batch(records: number, size = 100, maxTimestamp = 1000) {
  const bytes = Buffer.alloc(size, 0xab);
  return { bytes, lastOffsetDelta: records - 1, maxTimestamp };
}

const offsetsOf = (buffers: Buffer[]) => buffers.map((b) => Number(b.readBigInt64BE(0)));

t.test(
  'append assigns consecutive offsets and writes the base offset into the batch',
  async (t) => {
    const log = new PartitionLog();
    const a = log.append(batch(3));
    const b = log.append(batch(1));
    t.equal(a.baseOffset, 0);
    t.equal(a.lastOffset, 2);
    t.equal(b.baseOffset, 3);
    t.equal(b.bytes.readBigInt64BE(0), 3n);
    t.equal(b.bytes[8], 0xab, 'bytes after the base offset are untouched');
    t.equal(log.logEndOffset, 4);
    t.equal(log.highWatermark, 4);
    t.equal(log.logStartOffset, 0);
    t.equal(log.sizeInBytes, 200);
  },
);

t.test('a batch that is a view into a larger buffer is stored as a copy of its own', async (t) => {
  const log = new PartitionLog();
  // As a produce request's batch is: 100 bytes inside a 64 KiB socket read.
  const read = Buffer.alloc(65_536, 0xab);
  const view = read.subarray(1000, 1100);
  const stored = log.append({ bytes: view, lastOffsetDelta: 0, maxTimestamp: 1000 });
  t.equal(stored.bytes.length, 100);
  t.equal(stored.bytes.buffer.byteLength, 100, 'the log holds 100 bytes, not the 64 KiB read');
  t.equal(stored.bytes.readBigInt64BE(0), 0n, 'the copy got its offset');
  t.equal(stored.bytes[8], 0xab, 'and the rest of the batch as sent');
  const own = Buffer.alloc(100, 0xab);
  t.equal(
    log.append({ bytes: own, lastOffsetDelta: 0, maxTimestamp: 1000 }).bytes,
    own,
    'a batch with a buffer of its own is kept as it is',
  );
});

t.test('a fetch returns whole batches from the one holding the fetch offset', async (t) => {
  const log = new PartitionLog();
  log.append(batch(3));
  log.append(batch(3));
  log.append(batch(3));
  const mid = log.read(4, 10_000);
  t.equal(mid.errorCode, BrokerError.NONE);
  if (mid.errorCode !== BrokerError.NONE) return;
  t.same(offsetsOf(mid.batches), [3, 6], 'the batch holding offset 4 starts at 3');
  t.equal(mid.bytes, 200);
  const atEnd = log.read(9, 10_000);
  t.same(
    atEnd.errorCode === BrokerError.NONE && atEnd.batches,
    [],
    'the log end is in range, empty',
  );
  t.equal(log.read(10, 100).errorCode, BrokerError.OFFSET_OUT_OF_RANGE);
  t.equal(log.read(-1, 100).errorCode, BrokerError.OFFSET_OUT_OF_RANGE);
});

t.test('max bytes: whole batches only, but the first one even if larger (KIP-74)', async (t) => {
  const log = new PartitionLog();
  log.append(batch(1, 300));
  log.append(batch(1, 100));
  const first = log.read(0, 250);
  t.same(first.errorCode === BrokerError.NONE && offsetsOf(first.batches), [0]);
  const none = log.read(0, 250, false);
  t.same(none.errorCode === BrokerError.NONE && none.batches, []);
  const two = log.read(0, 400);
  t.same(two.errorCode === BrokerError.NONE && offsetsOf(two.batches), [0, 1]);
  const cut = log.read(0, 399);
  t.same(cut.errorCode === BrokerError.NONE && offsetsOf(cut.batches), [0]);
});

t.test('bytes available count from the batch holding the offset', async (t) => {
  const log = new PartitionLog();
  t.equal(log.bytesAvailableFrom(0), 0);
  log.append(batch(2, 50));
  log.append(batch(2, 70));
  t.equal(log.bytesAvailableFrom(0), 120);
  t.equal(log.bytesAvailableFrom(1), 120);
  t.equal(log.bytesAvailableFrom(2), 70);
  t.equal(log.bytesAvailableFrom(4), 0);
});

t.test('retention drops the oldest batches and moves the log start offset', async (t) => {
  const log = new PartitionLog({ retentionBytes: 250 });
  log.append(batch(2));
  log.append(batch(2));
  t.equal(log.logStartOffset, 0);
  log.append(batch(2));
  t.equal(log.logStartOffset, 2, 'the first batch went');
  t.equal(log.sizeInBytes, 200);
  t.equal(log.read(1, 1000).errorCode, BrokerError.OFFSET_OUT_OF_RANGE);
  const read = log.read(2, 1000);
  t.same(read.errorCode === BrokerError.NONE && offsetsOf(read.batches), [2, 4]);
  log.append(batch(1, 1000));
  t.equal(log.batchCount, 1, 'a batch larger than the limit stays: the newest is always kept');
  t.equal(log.logStartOffset, 6);
});

t.test('retention over thousands of batches keeps reads right after compaction', async (t) => {
  const log = new PartitionLog({ retentionBytes: 1000 });
  for (let i = 0; i < 5000; i++) log.append(batch(1, 100));
  t.equal(log.batchCount, 10);
  t.equal(log.logStartOffset, 4990);
  const read = log.read(4995, 1_000_000);
  t.same(
    read.errorCode === BrokerError.NONE && offsetsOf(read.batches),
    [4995, 4996, 4997, 4998, 4999],
  );
  t.equal(log.bytesAvailableFrom(4990), 1000);
});

t.test('a log may start at another offset', async (t) => {
  const log = new PartitionLog({ startOffset: 42 });
  t.equal(log.append(batch(1)).baseOffset, 42);
  t.equal(log.read(41, 100).errorCode, BrokerError.OFFSET_OUT_OF_RANGE);
});

t.test('timestamps: the first batch reaching a timestamp, and the latest timestamp', async (t) => {
  const log = new PartitionLog();
  t.equal(log.batchForTimestamp(0), undefined);
  t.equal(log.batchWithMaxTimestamp(), undefined);
  log.append(batch(1, 61, 100));
  log.append(batch(1, 61, 300));
  log.append(batch(1, 61, 200));
  t.equal(log.batchForTimestamp(50)?.baseOffset, 0);
  t.equal(log.batchForTimestamp(150)?.baseOffset, 1);
  t.equal(log.batchForTimestamp(250)?.baseOffset, 1, 'the first batch with a timestamp ≥ 250');
  t.equal(log.batchForTimestamp(301), undefined);
  t.equal(log.batchWithMaxTimestamp()?.baseOffset, 1);
});

t.test('append listeners run on each append until removed', async (t) => {
  const log = new PartitionLog();
  let calls = 0;
  const off = log.onAppend(() => calls++);
  log.append(batch(1));
  off();
  log.append(batch(1));
  t.equal(calls, 1);
});

t.test(
  'property: a fetch starts at the first batch whose last offset ≥ the fetch offset',
  async (t) => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 40 }),
        fc.nat(200),
        (sizes, rawOffset) => {
          const log = new PartitionLog();
          const stored = sizes.map((records) => log.append(batch(records, 61)));
          const offset = rawOffset % (log.logEndOffset + 1);
          const read = log.read(offset, Number.MAX_SAFE_INTEGER);
          if (read.errorCode !== BrokerError.NONE) return false;
          const expected = stored.filter((b) => b.lastOffset >= offset).map((b) => b.baseOffset);
          return JSON.stringify(offsetsOf(read.batches)) === JSON.stringify(expected);
        },
      ),
      { numRuns: 200 },
    );
    t.pass('held for every generated log');
  },
);
