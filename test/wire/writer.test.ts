// Tests Writer: exact bytes of every wire value and the range checks on write (protobuf.dev "Encoding").

import fc from 'fast-check';
import t from 'tap';
import { WireType } from '../../src/wire/wire-types.js';
import { Writer } from '../../src/wire/writer.js';

const SEED = 7031;

/** Reference encoder, independent of the Writer: the varint of a value taken as unsigned 64-bit. */
function refVarint(value: bigint): string {
  let rest = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Buffer.from(out).toString('hex');
}

/** Runs `write` on a Writer with room to spare and returns the bytes it wrote, as hex. */
function bytesOf(write: (w: Writer) => unknown): string {
  const w = new Writer(Buffer.alloc(64));
  write(w);
  return w.buf.subarray(0, w.pos).toString('hex');
}

t.test('ofSize and finish: the buffer must be filled exactly', async (t) => {
  const w = Writer.ofSize(3);
  t.equal(w.buf.length, 3);
  t.equal(w.pos, 0);
  t.throws(() => w.finish(), {
    message: "encoder wrote 0 bytes into a buffer sized 3: a codec's size and write disagree",
  });
  w.uint32(1).uint32(2).uint32(3);
  t.equal(w.finish().toString('hex'), '010203');
  const over = Writer.ofSize(1);
  over.uint32(300);
  t.throws(() => over.finish(), /wrote 2 bytes into a buffer sized 1/);
});

t.test('a Writer can start part-way into a buffer', async (t) => {
  const w = new Writer(Buffer.alloc(4), 2);
  w.uint32(1).bool(true);
  t.equal(w.finish().toString('hex'), '00000101');
});

t.test('tag: field number and wire type, as a varint', async (t) => {
  t.equal(
    bytesOf((w) => w.tag(1, WireType.Varint)),
    '08',
  );
  t.equal(
    bytesOf((w) => w.tag(2, WireType.LengthDelimited)),
    '12',
  );
  t.equal(
    bytesOf((w) => w.tag(15, WireType.Fixed32)),
    '7d',
  );
  t.equal(
    bytesOf((w) => w.tag(16, WireType.Varint)),
    '8001',
  );
  t.equal(
    bytesOf((w) => w.tag(90, WireType.StartGroup)),
    'd305',
  );
  t.equal(
    bytesOf((w) => w.tag(90, WireType.EndGroup)),
    'd405',
  );
  t.equal(
    bytesOf((w) => w.tag(2 ** 29 - 1, WireType.Fixed64)),
    'f9ffffff0f',
  );
  for (const bad of [0, -1, 2 ** 29, 1.5, Number.NaN]) {
    t.throws(
      () => bytesOf((w) => w.tag(bad, WireType.Varint)),
      new RangeError(`field number ${bad} is not an integer in 1..2^29-1`),
    );
  }
});

t.test('uint32: 1 to 5 bytes, and a RangeError naming a value out of range', async (t) => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [150, '9601'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2 ** 28, '8080808001'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ];
  for (const [value, hex] of cases)
    t.equal(
      bytesOf((w) => w.uint32(value)),
      hex,
      `${value}`,
    );
  for (const bad of [-1, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(
      () => bytesOf((w) => w.uint32(bad)),
      new RangeError(`uint32 value ${bad} is not an integer in 0..2^32-1`),
    );
  }
});

t.test('int32: negative values are sign-extended to 10 bytes', async (t) => {
  for (const value of [0, 1, 150, 2 ** 31 - 1, -1, -2, -150, -(2 ** 31)]) {
    t.equal(
      bytesOf((w) => w.int32(value)),
      refVarint(BigInt(value)),
      `${value}`,
    );
  }
  t.equal(bytesOf((w) => w.int32(-1)).length / 2, 10);
  for (const bad of [2 ** 31, -(2 ** 31) - 1, 0.5, Number.NaN]) {
    t.throws(
      () => bytesOf((w) => w.int32(bad)),
      new RangeError(`int32 value ${bad} is not an integer in -2^31..2^31-1`),
    );
  }
});

t.test('sint32: zigzag, so small negative numbers stay small', async (t) => {
  const cases: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [2 ** 31 - 1, 'feffffff0f'],
    [-(2 ** 31), 'ffffffff0f'],
  ];
  for (const [value, hex] of cases)
    t.equal(
      bytesOf((w) => w.sint32(value)),
      hex,
      `${value}`,
    );
  t.throws(() => bytesOf((w) => w.sint32(2 ** 31)), {
    message: 'sint32 value 2147483648 is not an integer in -2^31..2^31-1',
  });
});

const INT64_EDGES = [
  0n,
  1n,
  -1n,
  2n ** 31n,
  -(2n ** 31n),
  2n ** 32n,
  -(2n ** 32n),
  2n ** 53n - 1n,
  -(2n ** 53n - 1n),
  2n ** 63n - 1n,
  -(2n ** 63n),
];

t.test('int64 / uint64 / sint64: numbers and bigints across the whole range', async (t) => {
  for (const value of INT64_EDGES) {
    t.equal(
      bytesOf((w) => w.int64(value)),
      refVarint(value),
      `int64 ${value}n`,
    );
    const zigzag = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    t.equal(
      bytesOf((w) => w.sint64(value)),
      refVarint(zigzag),
      `sint64 ${value}n`,
    );
    if (value >= -(2n ** 53n - 1n) && value <= 2n ** 53n - 1n) {
      t.equal(
        bytesOf((w) => w.int64(Number(value))),
        refVarint(value),
        `int64 ${value}`,
      );
      t.equal(
        bytesOf((w) => w.sint64(Number(value))),
        refVarint(zigzag),
        `sint64 ${value}`,
      );
    }
  }
  for (const value of [
    0n,
    1n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 53n - 1n,
    2n ** 63n,
    2n ** 64n - 1n,
  ]) {
    t.equal(
      bytesOf((w) => w.uint64(value)),
      refVarint(value),
      `uint64 ${value}n`,
    );
    if (value <= 2n ** 53n - 1n) {
      t.equal(
        bytesOf((w) => w.uint64(Number(value))),
        refVarint(value),
        `uint64 ${value}`,
      );
    }
  }
  t.equal(
    bytesOf((w) => w.int64(-1)),
    'ffffffffffffffffff01',
  );
  t.equal(
    bytesOf((w) => w.uint64(2n ** 64n - 1n)),
    'ffffffffffffffffff01',
  );
});

t.test('64-bit range checks name the value and say what to do', async (t) => {
  const cases: [(w: Writer) => unknown, string][] = [
    [
      (w) => w.int64(2 ** 53),
      'int64 value 9007199254740992 is beyond ±(2^53-1), where numbers lose precision: pass a bigint',
    ],
    [
      (w) => w.int64(-(2 ** 53)),
      'int64 value -9007199254740992 is beyond ±(2^53-1), where numbers lose precision: pass a bigint',
    ],
    [(w) => w.int64(1.5), 'int64 value 1.5 is not an integer'],
    [(w) => w.int64(Number.NaN), 'int64 value NaN is not an integer'],
    [(w) => w.int64(2n ** 63n), 'int64 value 9223372036854775808 is outside -2^63..2^63-1'],
    [
      (w) => w.int64(-(2n ** 63n) - 1n),
      'int64 value -9223372036854775809 is outside -2^63..2^63-1',
    ],
    [(w) => w.sint64(2n ** 63n), 'sint64 value 9223372036854775808 is outside -2^63..2^63-1'],
    [
      (w) => w.sint64(2 ** 60),
      'sint64 value 1152921504606847000 is beyond ±(2^53-1), where numbers lose precision: pass a bigint',
    ],
    [
      (w) => w.sfixed64(-(2n ** 63n) - 1n),
      'sfixed64 value -9223372036854775809 is outside -2^63..2^63-1',
    ],
    [(w) => w.uint64(-1), 'uint64 value -1 is not an integer in 0..2^64-1'],
    [(w) => w.uint64(0.5), 'uint64 value 0.5 is not an integer in 0..2^64-1'],
    [
      (w) => w.uint64(2 ** 53),
      'uint64 value 9007199254740992 is beyond 2^53-1, where numbers lose precision: pass a bigint',
    ],
    [(w) => w.uint64(-1n), 'uint64 value -1 is outside 0..2^64-1'],
    [(w) => w.uint64(2n ** 64n), 'uint64 value 18446744073709551616 is outside 0..2^64-1'],
    [(w) => w.fixed64(2n ** 64n), 'fixed64 value 18446744073709551616 is outside 0..2^64-1'],
    [(w) => w.fixed64(-5), 'fixed64 value -5 is not an integer in 0..2^64-1'],
  ];
  for (const [write, message] of cases) t.throws(() => bytesOf(write), new RangeError(message));
});

t.test('bool: one byte', async (t) => {
  t.equal(
    bytesOf((w) => w.bool(false).bool(true)),
    '0001',
  );
});

t.test('fixed32 / sfixed32: four little-endian bytes, range-checked', async (t) => {
  t.equal(
    bytesOf((w) => w.fixed32(0x01020304)),
    '04030201',
  );
  t.equal(
    bytesOf((w) => w.fixed32(2 ** 32 - 1)),
    'ffffffff',
  );
  t.equal(
    bytesOf((w) => w.sfixed32(-1)),
    'ffffffff',
  );
  t.equal(
    bytesOf((w) => w.sfixed32(-(2 ** 31))),
    '00000080',
  );
  t.throws(() => bytesOf((w) => w.fixed32(-1)), {
    message: 'fixed32 value -1 is not an integer in 0..2^32-1',
  });
  t.throws(() => bytesOf((w) => w.fixed32(2 ** 32)), RangeError);
  t.throws(() => bytesOf((w) => w.sfixed32(2 ** 31)), {
    message: 'sfixed32 value 2147483648 is not an integer in -2^31..2^31-1',
  });
});

t.test('fixed64 / sfixed64: eight little-endian bytes from a number or a bigint', async (t) => {
  t.equal(
    bytesOf((w) => w.fixed64(1)),
    '0100000000000000',
  );
  t.equal(
    bytesOf((w) => w.fixed64(2 ** 53 - 1)),
    'ffffffffffff1f00',
  );
  t.equal(
    bytesOf((w) => w.fixed64(2n ** 64n - 1n)),
    'ffffffffffffffff',
  );
  t.equal(
    bytesOf((w) => w.sfixed64(-1)),
    'ffffffffffffffff',
  );
  t.equal(
    bytesOf((w) => w.sfixed64(-(2 ** 32))),
    '00000000ffffffff',
  );
  t.equal(
    bytesOf((w) => w.sfixed64(-(2n ** 63n))),
    '0000000000000080',
  );
  t.equal(
    bytesOf((w) => w.sfixed64(2n ** 63n - 1n)),
    'ffffffffffffff7f',
  );
});

t.test('float / double: IEEE 754 little-endian, NaN, -0 and infinities included', async (t) => {
  t.equal(
    bytesOf((w) => w.float(1)),
    '0000803f',
  );
  t.equal(
    bytesOf((w) => w.float(-0)),
    '00000080',
  );
  t.equal(
    bytesOf((w) => w.float(Number.NaN)),
    '0000c07f',
  );
  t.equal(
    bytesOf((w) => w.float(Number.POSITIVE_INFINITY)),
    '0000807f',
  );
  t.equal(
    bytesOf((w) => w.float(Number.NEGATIVE_INFINITY)),
    '000080ff',
  );
  t.equal(
    bytesOf((w) => w.double(1)),
    '000000000000f03f',
  );
  t.equal(
    bytesOf((w) => w.double(-0)),
    '0000000000000080',
  );
  t.equal(
    bytesOf((w) => w.double(Number.NaN)),
    '000000000000f87f',
  );
});

t.test('string: a length prefix and UTF-8, lone surrogates as U+FFFD', async (t) => {
  t.equal(
    bytesOf((w) => w.string('')),
    '00',
  );
  t.equal(
    bytesOf((w) => w.string('hi')),
    '026869',
  );
  t.equal(
    bytesOf((w) => w.string('é€😀')),
    '09c3a9e282acf09f9880',
  );
  t.equal(
    bytesOf((w) => w.string('\uD800x')),
    '04efbfbd78',
  );
  t.equal(
    bytesOf((w) => w.string('x\uDFFF')),
    '0478efbfbd',
  );
  // 32 ASCII characters take the byte loop, 33 the native latin1 write: both give the same bytes.
  for (const length of [32, 33, 60]) {
    const text = 'abcdefghij'.repeat(6).slice(0, length);
    t.equal(
      bytesOf((w) => w.string(text)),
      length.toString(16).padStart(2, '0') + Buffer.from(text).toString('hex'),
    );
  }
  // Long non-ASCII text, including a lone surrogate, is sized by Buffer.byteLength.
  const long = `${'é'.repeat(40)}\uD800`;
  const w = new Writer(Buffer.alloc(100));
  w.string(long);
  t.equal(w.pos, 1 + 83, 'a 1-byte length (83) and 40 × 2 + 3 bytes');
  t.equal(w.buf.subarray(1, w.pos).toString('utf8'), `${'é'.repeat(40)}\uFFFD`);
});

t.test('bytes has a length prefix, raw has none', async (t) => {
  t.equal(
    bytesOf((w) => w.bytes(new Uint8Array([1, 2, 3]))),
    '03010203',
  );
  t.equal(
    bytesOf((w) => w.bytes(new Uint8Array(0))),
    '00',
  );
  t.equal(
    bytesOf((w) => w.raw(new Uint8Array([9, 8]))),
    '0908',
  );
});

t.test(`property (seed ${SEED}): 64-bit varints match the reference encoder`, async (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
      const zigzag = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
      return (
        bytesOf((w) => w.int64(value)) === refVarint(value) &&
        bytesOf((w) => w.sint64(value)) === refVarint(zigzag) &&
        bytesOf((w) => w.uint64(BigInt.asUintN(64, value))) === refVarint(value)
      );
    }),
    { seed: SEED, numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.maxSafeInteger(), (value) => {
      const big = BigInt(value);
      return (
        bytesOf((w) => w.int64(value)) === refVarint(big) &&
        bytesOf((w) => w.sint64(value)) === bytesOf((w) => w.sint64(big)) &&
        bytesOf((w) => w.sfixed64(value)) === bytesOf((w) => w.sfixed64(big)) &&
        (value < 0 || bytesOf((w) => w.fixed64(value)) === bytesOf((w) => w.fixed64(big)))
      );
    }),
    { seed: SEED, numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.integer(), (value) => {
      const zigzag = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) >> 63n));
      return (
        bytesOf((w) => w.int32(value)) === refVarint(BigInt(value)) &&
        bytesOf((w) => w.sint32(value)) === refVarint(zigzag)
      );
    }),
    { seed: SEED, numRuns: 2000 },
  );
  t.pass('6000 values');
});
