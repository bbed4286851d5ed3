// Tests record batch v2: header fields, CRC over bytes 21..end, base offset rewrite keeping the CRC
// valid, splitting a records blob, corrupted and old-format input, and batches built by kafkajs's
// own encoder (an implementation nobody here wrote) read back, and ours read by its decoder
// (kafka.apache.org/documentation "Record Batch"; KIP-98).

import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import t, { type Test } from 'tap';
import { CompressionCodec } from '../../../src/kafka/protocol/compression.js';
import { crc32c } from '../../../src/kafka/protocol/crc32c.js';
import { ErrorCode } from '../../../src/kafka/protocol/error-codes.js';
import {
  computeRecordBatchCrc,
  readRecordBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  splitRecordBatches,
  verifyRecordBatchCrc,
} from '../../../src/kafka/protocol/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/kafka/protocol/records.js';

const require = createRequire(import.meta.url);
const { RecordBatch: KafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const kafkajsBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const KafkajsDecoder = require('kafkajs/src/protocol/decoder.js');

const T0 = 1_700_000_000_000;
const records = [
  {
    key: Buffer.from('k1'),
    value: Buffer.from('v1'),
    timestamp: T0,
    headers: [{ key: 'h', value: Buffer.from('x') }],
  },
  { key: null, value: Buffer.from('v2'), timestamp: T0 + 5 },
  { value: null, timestamp: T0 + 2, headers: [{ key: 'n', value: null }] },
];

function expectCode(t: Test, fn: () => unknown, errorCode: number, message: RegExp) {
  t.throws(fn, { name: 'KafkaProtocolError', errorCode, message });
}

t.test('a built batch has the documented header and a valid CRC', async (t) => {
  const batch = buildRecordBatch(records, { producerId: 7, producerEpoch: 1, baseSequence: 10 });
  const h = readRecordBatchHeader(batch);
  t.match(h, {
    baseOffset: 0,
    batchLength: batch.length - 12,
    partitionLeaderEpoch: -1,
    magic: 2,
    compression: 0,
    timestampType: 0,
    isTransactional: false,
    isControl: false,
    lastOffsetDelta: 2,
    baseTimestamp: T0,
    maxTimestamp: T0 + 5,
    producerId: 7,
    producerEpoch: 1,
    baseSequence: 10,
    recordCount: 3,
  });
  t.equal(h.crc, crc32c(batch, 21), 'CRC-32C over bytes 21 to the end');
  t.equal(batch.readInt8(16), 2);
  verifyRecordBatchCrc(batch);
  const flags = readRecordBatchHeader(
    buildRecordBatch(records, { isTransactional: true, isControl: true, timestampType: 1 }),
  );
  t.match(flags, { isTransactional: true, isControl: true, timestampType: 1, attributes: 0x38 });
});

t.test('records decode with offsets, timestamps, null key/value and headers', async (t) => {
  const batch = buildRecordBatch(records, { baseOffset: 100 });
  const { records: decoded } = decodeRecordBatch(batch);
  t.same(
    decoded.map((r) => [
      r.offset,
      r.timestamp,
      r.key?.toString() ?? null,
      r.value?.toString() ?? null,
    ]),
    [
      [100, T0, 'k1', 'v1'],
      [101, T0 + 5, null, 'v2'],
      [102, T0 + 2, null, null],
    ],
  );
  t.same(decoded[0]!.headers, [{ key: 'h', value: Buffer.from('x') }]);
  t.same(decoded[2]!.headers, [{ key: 'n', value: null }]);
  t.equal(decoded[0]!.value!.buffer, batch.buffer, 'uncompressed values are views of the batch');
});

t.test('rewriting the base offset (and leader epoch) keeps the CRC valid', async (t) => {
  const batch = buildRecordBatch(records);
  const crc = batch.readUInt32BE(17);
  setBaseOffset(batch, 2 ** 40 + 3);
  setPartitionLeaderEpoch(batch, 9);
  t.equal(batch.readBigInt64BE(0), 2n ** 40n + 3n);
  t.equal(computeRecordBatchCrc(batch), crc);
  t.doesNotThrow(() => verifyRecordBatchCrc(batch));
  t.equal(decodeRecordBatch(batch).records[2]!.offset, 2 ** 40 + 5);
  t.equal(readRecordBatchHeader(batch).partitionLeaderEpoch, 9);
  t.throws(() => setBaseOffset(batch, 2 ** 53), /not a safe integer/);
});

t.test('gzip batches round-trip and are really compressed', async (t) => {
  const big = Array.from({ length: 50 }, (_, i) => ({
    key: null,
    value: Buffer.alloc(100, i % 3),
    timestamp: T0,
  }));
  const gzipped = buildRecordBatch(big, { compression: CompressionCodec.gzip });
  const plain = buildRecordBatch(big);
  t.equal(readRecordBatchHeader(gzipped).compression, 1);
  t.ok(gzipped.length < plain.length / 5, `${gzipped.length} bytes against ${plain.length}`);
  t.same(
    decodeRecordBatch(gzipped).records.map((r) => r.value),
    big.map((r) => r.value),
  );
});

t.test('kafkajs-built batches (plain and gzip) decode here, CRC included', async (t) => {
  for (const compression of [0, 1]) {
    const encoder = await KafkajsRecordBatch({
      compression,
      firstTimestamp: T0,
      maxTimestamp: T0 + 1,
      lastOffsetDelta: 1,
      records: [
        KafkajsRecord({
          offsetDelta: 0,
          key: Buffer.from('a'),
          value: Buffer.from('one'),
          headers: { h: 'v' },
        }),
        KafkajsRecord({ offsetDelta: 1, timestampDelta: 1, key: null, value: Buffer.from('two') }),
      ],
    });
    const bytes: Buffer = encoder.buffer;
    const [view] = splitRecordBatches(bytes);
    t.equal(view!.header.compression, compression);
    const { records: decoded } = decodeRecordBatch(view!.bytes);
    t.same(
      decoded.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value!.toString()]),
      [
        [0, T0, 'a', 'one'],
        [1, T0 + 1, null, 'two'],
      ],
      `codec ${compression}`,
    );
    t.same(decoded[0]!.headers, [{ key: 'h', value: Buffer.from('v') }]);
  }
});

t.test('kafkajs decodes batches built here', async (t) => {
  for (const compression of [CompressionCodec.none, CompressionCodec.gzip]) {
    const batch = buildRecordBatch(records, { baseOffset: 5, compression });
    const decoded = await kafkajsBatchDecoder(new KafkajsDecoder(batch));
    t.equal(decoded.firstOffset, '5');
    t.same(
      decoded.records.map((r: any) => [
        r.offset,
        r.key?.toString() ?? null,
        r.value?.toString() ?? null,
      ]),
      [
        ['5', 'k1', 'v1'],
        ['6', null, 'v2'],
        ['7', null, null],
      ],
    );
  }
});

t.test('splitting a blob of several batches gives views and checks each', async (t) => {
  const a = buildRecordBatch(records.slice(0, 1));
  const b = buildRecordBatch(records.slice(1), { baseOffset: 1 });
  const blob = Buffer.concat([a, b]);
  const batches = splitRecordBatches(blob);
  t.equal(batches.length, 2);
  t.same(batches[1]!.bytes, b);
  t.equal(batches[1]!.bytes.buffer, blob.buffer, 'views, not copies');
  t.same(splitRecordBatches(Buffer.alloc(0)), []);
  const cut = blob.subarray(0, blob.length - 3);
  expectCode(t, () => splitRecordBatches(cut), ErrorCode.CORRUPT_MESSAGE, /runs past/);
  t.equal(
    splitRecordBatches(cut, { allowPartialTail: true }).length,
    1,
    'a fetch may end mid-batch',
  );
  t.equal(
    splitRecordBatches(blob.subarray(0, a.length + 10), { allowPartialTail: true }).length,
    1,
  );
  expectCode(
    t,
    () => splitRecordBatches(blob.subarray(0, a.length + 10)),
    2,
    /not even a batch header/,
  );
});

t.test('a corrupted batch is detected: CRC, magic, lengths, counts', async (t) => {
  const good = buildRecordBatch(records);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 2]! ^= 0x40;
  expectCode(t, () => splitRecordBatches(flipped), ErrorCode.CORRUPT_MESSAGE, /CRC is 0x/);
  t.equal(splitRecordBatches(flipped, { verifyCrc: false }).length, 1);
  expectCode(t, () => decodeRecordBatch(flipped), ErrorCode.CORRUPT_MESSAGE, /CRC/);

  for (const magic of [0, 1]) {
    const old = Buffer.from(good);
    old.writeInt8(magic, 16);
    expectCode(t, () => splitRecordBatches(old), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, /magic/);
  }
  // A magic-1 message set is shorter than a v2 header: its magic is still what is reported.
  const v1MessageSet = Buffer.concat([
    Buffer.alloc(8),
    Buffer.from([0, 0, 0, 20]),
    Buffer.alloc(4),
    Buffer.from([1]),
    Buffer.alloc(15),
  ]);
  expectCode(
    t,
    () => splitRecordBatches(v1MessageSet),
    ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
    /magic 1/,
  );
  const future = Buffer.from(good);
  future.writeInt8(3, 16);
  expectCode(t, () => readRecordBatchHeader(future), ErrorCode.CORRUPT_MESSAGE, /magic 3/);

  const shortLength = Buffer.from(good);
  shortLength.writeInt32BE(10, 8);
  expectCode(t, () => splitRecordBatches(shortLength), 2, /shorter than a batch header/);
  expectCode(t, () => readRecordBatchHeader(good.subarray(0, 40)), 2, /needs 61 header bytes/);

  const withCount = (count: number) => {
    const b = Buffer.from(good);
    b.writeInt32BE(count, 57);
    b.writeUInt32BE(computeRecordBatchCrc(b), 17);
    return b;
  };
  expectCode(t, () => decodeRecordBatch(withCount(2)), 2, /bytes follow the batch's 2 records/);
  expectCode(t, () => decodeRecordBatch(withCount(4)), 2, /record data/);
  expectCode(t, () => decodeRecordBatch(withCount(1_000_000)), 2, /record count 1000000/);
  expectCode(t, () => splitRecordBatches(withCount(-1)), 2, /record count -1/);
  expectCode(
    t,
    () => decodeRecordBatch(Buffer.concat([good, Buffer.alloc(1)])),
    2,
    /does not match/,
  );
});

t.test('malformed records inside a valid CRC are CORRUPT_MESSAGE', async (t) => {
  const withData = (data: Buffer, count: number) => {
    const header = Buffer.from(buildRecordBatch([{ value: null, timestamp: T0 }]).subarray(0, 61));
    const b = Buffer.concat([header, data]);
    b.writeInt32BE(b.length - 12, 8);
    b.writeInt32BE(count, 57);
    b.writeUInt32BE(computeRecordBatchCrc(b), 17);
    return b;
  };
  // length 7 but only 3 bytes follow
  expectCode(
    t,
    () => decodeRecordBatch(withData(Buffer.from([14, 0, 0, 0]), 1)),
    2,
    /record length 7/,
  );
  t.throws(
    () => decodeRecordBatch(withData(Buffer.from([14, 0, 0, 0]), 1)),
    {
      name: 'KafkaProtocolError',
      offset: 62,
      message: 'record length 7 with 3 bytes left at byte 62',
    },
    'uncompressed records report offsets within the batch',
  );
  // a record whose fields stop short of its length
  expectCode(
    t,
    () => decodeRecordBatch(withData(Buffer.from([16, 0, 0, 0, 1, 1, 0, 9, 9]), 1)),
    2,
    /past its fields/,
  );
  // key length -2
  expectCode(
    t,
    () => decodeRecordBatch(withData(Buffer.from([10, 0, 0, 0, 3, 1, 0]), 1)),
    2,
    /record key length -2/,
  );
  // header count larger than the bytes
  expectCode(
    t,
    () => decodeRecordBatch(withData(Buffer.from([12, 0, 0, 0, 1, 1, 100]), 1)),
    2,
    /header count 50/,
  );
  // a null header key
  expectCode(
    t,
    () => decodeRecordBatch(withData(Buffer.from([16, 0, 0, 0, 1, 1, 2, 1, 1]), 1)),
    2,
    /header key is null/,
  );
});

t.test('codecs other than none and gzip are refused; bad gzip and bombs are corrupt', async (t) => {
  for (const codec of [2, 3, 4, 7]) {
    const b = Buffer.from(buildRecordBatch(records));
    b.writeInt16BE(codec, 21);
    b.writeUInt32BE(computeRecordBatchCrc(b), 17);
    expectCode(
      t,
      () => decodeRecordBatch(b),
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      /not supported/,
    );
  }
  t.throws(() => buildRecordBatch(records, { compression: 4 }), {
    name: 'KafkaProtocolError',
    errorCode: 76,
  });
  const notGzip = Buffer.from(buildRecordBatch(records));
  notGzip.writeInt16BE(1, 21);
  notGzip.writeUInt32BE(computeRecordBatchCrc(notGzip), 17);
  expectCode(t, () => decodeRecordBatch(notGzip), ErrorCode.CORRUPT_MESSAGE, /does not decompress/);
  const bomb = buildRecordBatch([{ value: Buffer.alloc(1 << 16), timestamp: T0 }], {
    compression: CompressionCodec.gzip,
  });
  expectCode(t, () => decodeRecordBatch(bomb, { maxDecompressedBytes: 1024 }), 2, /decompress/);
  t.ok(gzipSync(Buffer.alloc(1 << 16)).length < 200, 'the bomb is small on the wire');
});

t.test('building needs a record, and int64 header fields beyond 2^53 are corrupt', async (t) => {
  t.throws(() => buildRecordBatch([]), /needs a record/);
  const b = Buffer.from(buildRecordBatch(records));
  b.writeBigInt64BE(2n ** 62n, 43);
  expectCode(t, () => readRecordBatchHeader(b), 2, /producerId is beyond 2\^53/);
  const now = buildRecordBatch([{ value: null }]);
  t.ok(
    Math.abs(readRecordBatchHeader(now).baseTimestamp - Date.now()) < 60_000,
    'timestamp defaults to now',
  );
});
