// Tests sizes.ts: every size function agrees with the bytes the Writer actually writes (protobuf.dev "Encoding").

import fc from 'fast-check';
import t from 'tap';
import {
  bytesSize,
  int32Size,
  int64Size,
  sint32Size,
  sint64Size,
  stringSize,
  tagSize,
  uint64Size,
  utf8Length,
  varint32Size,
  varint64SizeSplit,
} from '../../src/wire/sizes.js';
import { WireType } from '../../src/wire/wire-types.js';
import { Writer } from '../../src/wire/writer.js';

const SEED = 1337;

/** How many bytes `write` puts into a Writer with room to spare. */
function written(write: (w: Writer) => unknown): number {
  const w = new Writer(Buffer.alloc(1024));
  write(w);
  return w.pos;
}

t.test('varint32Size and int32Size at every length boundary', async (t) => {
  const cases: [number, number][] = [
    [0, 1],
    [127, 1],
    [128, 2],
    [16383, 2],
    [16384, 3],
    [2 ** 21 - 1, 3],
    [2 ** 21, 4],
    [2 ** 28 - 1, 4],
    [2 ** 28, 5],
    [2 ** 32 - 1, 5],
  ];
  for (const [value, size] of cases) {
    t.equal(varint32Size(value), size, `${value}`);
    t.equal(
      written((w) => w.uint32(value)),
      size,
    );
    if (value < 2 ** 31) t.equal(int32Size(value), size);
  }
  for (const value of [-1, -(2 ** 31)]) {
    t.equal(int32Size(value), 10);
    t.equal(
      written((w) => w.int32(value)),
      10,
    );
  }
});

t.test('sint32Size', async (t) => {
  for (const value of [0, -1, 1, -64, 63, -65, 64, 2 ** 31 - 1, -(2 ** 31)]) {
    t.equal(
      sint32Size(value),
      written((w) => w.sint32(value)),
      `${value}`,
    );
  }
  t.equal(sint32Size(-64), 1);
  t.equal(sint32Size(64), 2);
});

t.test('varint64SizeSplit: from 1 to 10 bytes', async (t) => {
  for (let bytes = 1; bytes <= 10; bytes++) {
    // The largest value that fits in `bytes` bytes is 2^(7·bytes) - 1 (capped at 2^64 - 1).
    const largest = bytes === 10 ? 2n ** 64n - 1n : 2n ** BigInt(7 * bytes) - 1n;
    const lo = Number(largest & 0xffffffffn);
    const hi = Number(largest >> 32n);
    t.equal(varint64SizeSplit(lo, hi), bytes, `2^${7 * bytes} - 1`);
    const next = largest + 1n;
    if (bytes < 10) {
      t.equal(varint64SizeSplit(Number(next & 0xffffffffn), Number(next >> 32n)), bytes + 1);
    }
  }
});

const INT64_EDGES = [
  0n,
  1n,
  -1n,
  2n ** 31n - 1n,
  2n ** 31n,
  -(2n ** 31n),
  2n ** 32n,
  -(2n ** 32n),
  2n ** 35n,
  2n ** 53n - 1n,
  -(2n ** 53n - 1n),
  2n ** 63n - 1n,
  -(2n ** 63n),
];

t.test(
  'int64Size / uint64Size / sint64Size match the Writer for numbers and bigints',
  async (t) => {
    for (const v of INT64_EDGES) {
      t.equal(
        int64Size(v),
        written((w) => w.int64(v)),
        `int64 ${v}n`,
      );
      t.equal(
        sint64Size(v),
        written((w) => w.sint64(v)),
        `sint64 ${v}n`,
      );
      const u = BigInt.asUintN(64, v);
      t.equal(
        uint64Size(u),
        written((w) => w.uint64(u)),
        `uint64 ${u}n`,
      );
      if (v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n) {
        const n = Number(v);
        t.equal(
          int64Size(n),
          written((w) => w.int64(n)),
          `int64 ${n}`,
        );
        t.equal(
          sint64Size(n),
          written((w) => w.sint64(n)),
          `sint64 ${n}`,
        );
        if (n >= 0)
          t.equal(
            uint64Size(n),
            written((w) => w.uint64(n)),
            `uint64 ${n}`,
          );
      }
    }
    t.equal(int64Size(-1), 10);
    t.equal(uint64Size(2n ** 64n - 1n), 10);
    t.equal(sint64Size(-(2n ** 63n)), 10);
  },
);

t.test('64-bit sizes refuse what the Writer refuses', async (t) => {
  t.throws(() => int64Size(2 ** 53), RangeError);
  t.throws(() => uint64Size(-1), RangeError);
  t.throws(() => uint64Size(2n ** 64n), RangeError);
  t.throws(() => sint64Size(2n ** 63n), { message: /^sint64 value 9223372036854775808/ });
});

t.test('utf8Length equals Buffer.byteLength, which is what Buffer.write writes', async (t) => {
  const cases = [
    '',
    'a',
    'é',
    '€',
    '😀',
    '\uD800',
    '\uDC00',
    '\uD800\uD800',
    '\uD800a',
    '\uDBFF\uDFFF',
    '\uD83D',
    `a${'é'.repeat(70)}`,
    '\uD800'.repeat(65),
  ];
  for (const text of cases) {
    t.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
  }
  t.equal(utf8Length('\uD800'), 3, 'a lone surrogate is U+FFFD: 3 bytes');
  t.equal(utf8Length('😀'), 4, 'a surrogate pair is one 4-byte code point');
});

t.test(`property (seed ${SEED}): utf8Length on arbitrary UTF-16, short and long`, async (t) => {
  const units = fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 0x7f }),
        fc.integer({ min: 0x80, max: 0x7ff }),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.integer({ min: 0, max: 0xffff }),
      ),
      { maxLength: 150 },
    )
    .map((codes) => String.fromCharCode(...codes));
  fc.assert(
    fc.property(units, (text) => {
      const length = utf8Length(text);
      return (
        length === Buffer.byteLength(text, 'utf8') &&
        stringSize(text) === written((w) => w.string(text)) &&
        stringSize(text) === varint32Size(length) + length
      );
    }),
    { seed: SEED, numRuns: 3000 },
  );
  t.pass('3000 strings');
});

t.test('bytesSize and tagSize', async (t) => {
  t.equal(bytesSize(new Uint8Array(0)), 1);
  t.equal(bytesSize(new Uint8Array(200)), 202);
  const tags: [number, number][] = [
    [1, 1],
    [15, 1],
    [16, 2],
    [2047, 2],
    [2048, 3],
    [262143, 3],
    [262144, 4],
    [2 ** 25 - 1, 4],
    [2 ** 25, 5],
    [2 ** 29 - 1, 5],
  ];
  for (const [field, size] of tags) {
    t.equal(tagSize(field), size, `field ${field}`);
    t.equal(
      written((w) => w.tag(field, WireType.Fixed32)),
      size,
    );
  }
});
