// Tests KafkaReader and KafkaWriter: every primitive against hand-built bytes, round trips, and
// truncated or lying input becoming KafkaProtocolError (kafka.apache.org/protocol "Protocol
// Primitive Types"; KIP-482 compact forms and tagged fields).

import fc from 'fast-check';
import t from 'tap';
import { KafkaProtocolError } from '../../../src/kafka/protocol/errors.js';
import { KafkaReader, ZERO_UUID } from '../../../src/kafka/protocol/reader.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';
import { byt, cat, cbyt, cstr, i16, i32, i64, str, uv, zz } from './wire-bytes.js';

const SEED = 20261203;
const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');
const written = (write: (w: KafkaWriter) => unknown) => {
  const w = new KafkaWriter(8);
  write(w);
  return w.toBuffer();
};

t.test('fixed-width integers are big-endian', async (t) => {
  t.same(
    written((w) => w.int8(-2)),
    hex('fe'),
  );
  t.same(
    written((w) => w.int16(-2)),
    hex('fffe'),
  );
  t.same(
    written((w) => w.uint16(65535)),
    hex('ffff'),
  );
  t.same(
    written((w) => w.int32(0x01020304)),
    hex('01020304'),
  );
  t.same(
    written((w) => w.uint32(0xfffffffe)),
    hex('fffffffe'),
  );
  t.same(
    written((w) => w.int64(-2)),
    hex('ffffffff fffffffe'),
  );
  t.same(
    written((w) => w.int64(2 ** 40 + 5)),
    hex('00000100 00000005'),
  );
  t.same(
    written((w) => w.float64(1.5)),
    hex('3ff8000000000000'),
  );
  t.same(
    written((w) => w.bool(true).bool(false)),
    hex('0100'),
  );
  const r = new KafkaReader(
    hex('fe fffe ffff 01020304 fffffffe fffffffffffffffe 3ff8000000000000 02 00'),
  );
  t.equal(r.int8(), -2);
  t.equal(r.int16(), -2);
  t.equal(r.uint16(), 65535);
  t.equal(r.int32(), 0x01020304);
  t.equal(r.uint32(), 0xfffffffe);
  t.equal(r.int64(), -2);
  t.equal(r.float64(), 1.5);
  t.equal(r.bool(), true, 'any non-zero byte is true');
  t.equal(r.bool(), false);
  t.equal(r.remaining, 0);
});

t.test('int64 beyond 2^53 is refused rather than rounded, both ways', async (t) => {
  t.throws(() => new KafkaReader(i64(2n ** 53n)).int64('offset'), /offset: int64 9007199254740992/);
  t.throws(() => new KafkaReader(i64(-(2n ** 60n))).int64(), KafkaProtocolError);
  t.equal(new KafkaReader(i64(2n ** 53n - 1n)).int64(), Number.MAX_SAFE_INTEGER);
  t.equal(new KafkaReader(i64(-(2n ** 53n) + 1n)).int64(), -Number.MAX_SAFE_INTEGER);
  t.throws(() => new KafkaWriter().int64(2 ** 53), KafkaProtocolError);
  t.throws(() => new KafkaWriter().int64(1.5), KafkaProtocolError);
  t.throws(() => new KafkaWriter().int32(2 ** 31), KafkaProtocolError);
  t.throws(() => new KafkaWriter().int16(Number.NaN), KafkaProtocolError);
});

t.test('varints: unsigned, zigzag 32 and zigzag 64, against hand-built bytes', async (t) => {
  t.same(
    written((w) => w.uvarint(0)),
    hex('00'),
  );
  t.same(
    written((w) => w.uvarint(300)),
    hex('ac02'),
  );
  t.same(
    written((w) => w.uvarint(0xffffffff)),
    hex('ffffffff0f'),
  );
  t.same(
    written((w) => w.varint(-1)),
    hex('01'),
  );
  t.same(
    written((w) => w.varint(1)),
    hex('02'),
  );
  t.same(
    written((w) => w.varint(-2147483648)),
    hex('ffffffff0f'),
  );
  t.same(
    written((w) => w.varlong(-1)),
    hex('01'),
  );
  t.same(
    written((w) => w.varlong(Number.MAX_SAFE_INTEGER)),
    zz(Number.MAX_SAFE_INTEGER),
  );
  t.equal(new KafkaReader(hex('ac02')).uvarint(), 300);
  t.equal(new KafkaReader(hex('ffffffff0f')).varint(), -2147483648);
  t.equal(new KafkaReader(zz(-Number.MAX_SAFE_INTEGER)).varlong(), -Number.MAX_SAFE_INTEGER);
  t.throws(() => new KafkaReader(hex('ffffffff1f')).uvarint(), /exceeds 32 bits/);
  t.throws(() => new KafkaReader(hex('ffffffffff01')).uvarint(), /longer than 5 bytes/);
  t.throws(() => new KafkaReader(hex('8080')).uvarint('len'), /len: varint runs past the end/);
  t.throws(() => new KafkaReader(hex('8080')).varlong(), /varlong runs past the end/);
  t.throws(() => new KafkaReader(hex('ffffffffffffffffffff01')).varlong(), /longer than 10 bytes/);
  t.throws(() => new KafkaReader(zz(2 ** 53)).varlong(), /beyond 2\^53/);
  t.throws(() => new KafkaWriter().varint(2 ** 31), KafkaProtocolError);
  t.throws(() => new KafkaWriter().uvarint(-1), KafkaProtocolError);
});

t.test('varints round-trip over their whole range', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.maxSafeInteger(),
      (v32, u32, v64) => {
        const b = written((w) => w.varint(v32).uvarint(u32).varlong(v64));
        t.same(b, cat(zz(v32), uv(u32), zz(v64)));
        const r = new KafkaReader(b);
        return (
          r.varint() === v32 && r.uvarint() === u32 && r.varlong() === v64 && r.remaining === 0
        );
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
});

t.test('strings and bytes in classic and compact forms, null included', async (t) => {
  const bytes = Buffer.from([1, 2, 3]);
  const b = written((w) =>
    w
      .string('héllo')
      .string(null)
      .compactString('hé')
      .compactString(null)
      .bytes(bytes)
      .bytes(null)
      .compactBytes(bytes)
      .compactBytes(null),
  );
  t.same(
    b,
    cat(
      str('héllo'),
      str(null),
      cstr('hé'),
      cstr(null),
      byt(bytes),
      byt(null),
      cbyt(bytes),
      cbyt(null),
    ),
  );
  const r = new KafkaReader(b);
  t.equal(r.string(), 'héllo');
  t.equal(r.nullableString(), null);
  t.equal(r.compactString(), 'hé');
  t.equal(r.compactNullableString(), null);
  const view = r.bytes();
  t.same(view, bytes);
  t.equal(view.buffer, b.buffer, 'bytes are a view of the input, not a copy');
  t.equal(r.nullableBytes(), null);
  t.same(r.compactBytes(), bytes);
  t.equal(r.compactNullableBytes(), null);
  t.equal(r.remaining, 0);
});

t.test('null where a type is not nullable, and negative lengths, are errors', async (t) => {
  t.throws(() => new KafkaReader(str(null)).string('topic'), /topic: invalid length -1 at byte 0/);
  t.throws(() => new KafkaReader(cstr(null)).compactString('topic'), /invalid length -1/);
  t.throws(() => new KafkaReader(byt(null)).bytes('metadata'), /metadata: invalid length -1/);
  t.throws(() => new KafkaReader(cbyt(null)).compactBytes(), /invalid length -1/);
  t.throws(() => new KafkaReader(i16(-2)).nullableString(), /invalid length -2/);
  t.throws(() => new KafkaReader(i32(-5)).nullableBytes(), /invalid length -5/);
  t.throws(() => new KafkaReader(i32(-2)).arrayLength(false, true), /invalid length -2/);
  t.throws(() => new KafkaReader(i32(-1)).arrayLength(false, false, 'topics'), /topics/);
  t.equal(new KafkaReader(i32(-1)).arrayLength(false, true), -1);
  t.equal(new KafkaReader(uv(0)).arrayLength(true, true), -1);
  t.equal(
    new KafkaReader(cat(uv(3), i16(0))).arrayLength(true, false),
    2,
    'compact count is n + 1',
  );
});

t.test('a lying length is refused before any allocation, naming field and offset', async (t) => {
  const lying = cat(i32(7), i32(0x7fffffff));
  const r = new KafkaReader(lying);
  r.int32();
  t.throws(() => r.bytes('records'), {
    name: 'KafkaProtocolError',
    message: 'records: length 2147483647 exceeds the 0 bytes left at byte 4',
    offset: 4,
  });
  t.throws(() => new KafkaReader(cat(uv(0xffffffff))).compactBytes(), /exceeds the 0 bytes left/);
  t.throws(() => new KafkaReader(i32(1_000_000_000)).arrayLength(false, false, 'topics'), {
    message: /topics: length 1000000000 exceeds the 0 bytes left at byte 0/,
  });
  t.throws(() => new KafkaReader(cat(i16(10), Buffer.from('abc'))).string(), /length 10 exceeds/);
});

t.test('every read past the end is a KafkaProtocolError naming the field', async (t) => {
  const empty = new KafkaReader(Buffer.alloc(3));
  empty.pos = 3;
  for (const read of [
    () => empty.int8('a'),
    () => empty.int16('a'),
    () => empty.uint16('a'),
    () => empty.int32('a'),
    () => empty.uint32('a'),
    () => empty.int64('a'),
    () => empty.float64('a'),
    () => empty.bool('a'),
    () => empty.uuid('a'),
    () => empty.raw(1, 'a'),
  ]) {
    t.throws(read, {
      name: 'KafkaProtocolError',
      message: /^a: needs \d+ bytes, only 0 left at byte 3$/,
    });
  }
});

t.test('UUIDs travel as 16 bytes and read as Kafka base64url text', async (t) => {
  const id = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
  const r = new KafkaReader(Buffer.concat([id, Buffer.alloc(16)]));
  const text = r.uuid();
  t.equal(text, id.toString('base64url'));
  t.equal(r.uuid(), ZERO_UUID);
  t.same(
    written((w) => w.uuid(text)),
    id,
  );
  t.throws(() => new KafkaWriter().uuid('short'), /not 16 bytes/);
  t.throws(() => new KafkaWriter().uuid(`${ZERO_UUID}=`), /not 16 bytes/);
});

t.test('tagged fields: known tags read within their size, unknown ones skipped', async (t) => {
  const bytes = cat(
    uv(3),
    uv(0),
    uv(1),
    hex('07'),
    uv(5),
    uv(2),
    hex('abcd'),
    uv(9),
    uv(0),
    hex('ee'),
  );
  const r = new KafkaReader(bytes);
  const seen: number[] = [];
  r.taggedFields((tag, field) => {
    if (tag !== 0) return false;
    seen.push(field.int8());
    return true;
  });
  t.same(seen, [7]);
  t.equal(r.int8(), -18, 'reading resumes after the section');
  const short = new KafkaReader(cat(uv(1), uv(0), uv(2), hex('07ff')));
  t.throws(
    () =>
      short.taggedFields((_, f) => {
        f.int8();
        return true;
      }),
    /tag 0 declared 2 bytes, its value used 1/,
  );
  t.throws(() => new KafkaReader(cat(uv(1), uv(0), uv(9), hex('07'))).taggedFields(), /length 9/);
});

t.test('the writer references large byte fields instead of copying them', async (t) => {
  const big = Buffer.alloc(4096, 7);
  const w = new KafkaWriter(16);
  w.int32(1).bytes(big).int16(2);
  const chunks = w.chunks();
  t.ok(chunks.includes(big), 'the large buffer is one of the chunks itself');
  t.equal(w.length, 4 + 4 + 4096 + 2);
  t.same(w.toBuffer(), cat(i32(1), i32(4096), big, i16(2)));
  const small = new KafkaWriter(2);
  small.raw(new Uint8Array([1, 2, 3])).raw(Buffer.alloc(600, 1));
  t.equal(small.length, 603);
  t.equal(small.toBuffer().length, 603);
  t.throws(() => new KafkaWriter().string('x'.repeat(40000)), /longer than 32767/);
  t.throws(() => new KafkaWriter().uint16(-1), KafkaProtocolError);
  t.throws(() => new KafkaWriter().uint32(-1), KafkaProtocolError);
  t.throws(() => new KafkaWriter().int8(128), KafkaProtocolError);
});

t.test('the writer grows across many small writes and keeps their order', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 300 }),
        (values) => {
          const w = new KafkaWriter(4);
          for (const v of values) w.int32(v);
          const r = new KafkaReader(w.toBuffer());
          return values.every((v) => r.int32() === v) && r.remaining === 0;
        },
      ),
      { seed: SEED, numRuns: 50 },
    ),
  );
});

t.test('a reader over a Uint8Array view, and its range checks', async (t) => {
  const backing = new Uint8Array([9, 0, 0, 0, 5, 9]);
  const r = new KafkaReader(backing.subarray(1, 5));
  t.equal(r.int32(), 5);
  t.equal(new KafkaReader(backing, 1, 5).int32(), 5);
  t.throws(() => new KafkaReader(backing, 4, 2), RangeError);
  t.throws(() => new KafkaReader(backing, 0, 7), RangeError);
});
