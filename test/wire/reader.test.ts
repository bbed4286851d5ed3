// Tests Reader: every wire value read back, varint edge cases, nesting, packed runs and skipping (protobuf.dev "Encoding").

import fc from 'fast-check';
import t from 'tap';
import { MAX_DEPTH, Reader } from '../../src/wire/reader.js';
import { WireError } from '../../src/wire/wire-error.js';
import { makeTag, WireType } from '../../src/wire/wire-types.js';

const SEED = 4242;

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');
const reader = (text: string) => new Reader(hex(text));

/** Reference varint of a value taken as unsigned 64-bit, independent of the Writer. */
function refVarint(value: bigint): Buffer {
  let rest = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Buffer.from(out);
}

function wireError(problem: string, offset: number): WireError {
  return new WireError(problem, offset);
}

t.test('WireError carries the offset and says it', async (t) => {
  const err = wireError('truncated varint', 7);
  t.equal(err.offset, 7);
  t.equal(err.name, 'WireError');
  t.equal(err.message, 'truncated varint at byte 7');
  t.ok(err instanceof Error);
});

t.test('reads from a Uint8Array view at any offset, not only a Buffer', async (t) => {
  const backing = new Uint8Array([0xff, 0xff, 0x96, 0x01, 0x05, 0xff]);
  const r = new Reader(backing.subarray(2, 5));
  t.equal(r.end, 3);
  t.equal(r.uint32(), 150);
  t.equal(r.uint32(), 5);
  t.equal(r.pos, r.end);
  const ranged = new Reader(backing, 2, 4);
  t.equal(ranged.uint32(), 150);
  t.equal(ranged.pos, 4);
});

t.test('the constructor refuses a range outside the buffer', async (t) => {
  const bytes = new Uint8Array(4);
  t.throws(
    () => new Reader(bytes, 0, 5),
    new RangeError('reader end 5 is past the end of a 4-byte buffer'),
  );
  t.throws(
    () => new Reader(bytes, 3, 2),
    new RangeError('reader range 3..2 is not a valid range of byte offsets'),
  );
  t.throws(() => new Reader(bytes, -1), RangeError);
  t.throws(() => new Reader(bytes, 0.5, 2), RangeError);
  t.doesNotThrow(() => new Reader(bytes, 4, 4));
});

t.test('uint32 / int32 / sint32', async (t) => {
  t.equal(reader('00').uint32(), 0);
  t.equal(reader('7f').uint32(), 127);
  t.equal(reader('9601').uint32(), 150);
  t.equal(reader('ffffffff0f').uint32(), 2 ** 32 - 1);
  // A 64-bit value in a 32-bit field keeps its low 32 bits, as protobuf's parsers do.
  t.equal(new Reader(refVarint(2n ** 32n + 5n)).uint32(), 5);
  t.equal(new Reader(refVarint(-1n)).uint32(), 2 ** 32 - 1);
  t.equal(new Reader(refVarint(-1n)).int32(), -1, 'a 10-byte negative int32');
  t.equal(new Reader(refVarint(-(2n ** 31n))).int32(), -(2 ** 31));
  // An int32 written by an encoder that sign-extends only to 32 bits (5 bytes) reads the same.
  t.equal(reader('ffffffff0f').int32(), -1);
  t.equal(reader('00').sint32(), 0);
  t.equal(reader('01').sint32(), -1);
  t.equal(reader('02').sint32(), 1);
  t.equal(reader('feffffff0f').sint32(), 2 ** 31 - 1);
  t.equal(reader('ffffffff0f').sint32(), -(2 ** 31));
  t.equal(reader('8001').uint32(), 128, 'a padded encoding is accepted');
  t.equal(reader('ff80808000').uint32(), 127, 'non-canonical zero-padded bytes too');
});

t.test('the 10th byte of a varint may carry bit 63 only', async (t) => {
  t.equal(reader('80808080808080808001').uint64BigInt(), 2n ** 63n);
  t.equal(reader('80808080808080808000').uint64BigInt(), 0n, 'a padded zero');
  t.equal(reader('ffffffffffffffffff01').uint32(), 2 ** 32 - 1);
  for (const read of [
    (r: Reader) => r.uint64BigInt(),
    (r: Reader) => r.uint32(),
    (r: Reader) => r.bool(),
  ]) {
    t.throws(() => read(reader('ffffffffffffffffff02')), wireError('varint overflows 64 bits', 0));
    t.throws(() => read(reader('8080808080808080807f')), wireError('varint overflows 64 bits', 0));
    t.throws(
      () => read(reader('ffffffffffffffffff8101')),
      wireError('varint longer than 10 bytes', 0),
    );
  }
});

t.test('bool reads all 64 bits: any non-zero varint is true', async (t) => {
  t.equal(reader('00').bool(), false);
  t.equal(reader('01').bool(), true);
  t.equal(reader('02').bool(), true);
  t.equal(reader('ffffffffffffffffff01').bool(), true);
  t.equal(reader('8080808010').bool(), true, '2^32: zero in its low 32 bits');
  t.equal(reader('80808080808080808001').bool(), true, '2^63: only the top bit set');
  t.equal(reader('80808080808080808000').bool(), false, 'a padded zero is false');
});

const EDGES = [
  0n,
  1n,
  -1n,
  127n,
  128n,
  2n ** 28n - 1n,
  2n ** 28n,
  2n ** 31n - 1n,
  2n ** 31n,
  -(2n ** 31n),
  2n ** 32n - 1n,
  2n ** 32n,
  -(2n ** 32n),
  2n ** 35n,
  2n ** 53n - 1n,
  -(2n ** 53n - 1n),
  2n ** 53n,
  -(2n ** 53n),
  2n ** 63n - 1n,
  -(2n ** 63n),
];
const SAFE = 2n ** 53n - 1n;
const zigzag = (v: bigint) => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));

t.test('64-bit varints as bigints and, when safe, as numbers', async (t) => {
  for (const v of EDGES) {
    t.equal(new Reader(refVarint(v)).int64BigInt(), v, `int64 ${v}`);
    t.equal(new Reader(refVarint(v)).uint64BigInt(), BigInt.asUintN(64, v), `uint64 ${v}`);
    t.equal(new Reader(refVarint(zigzag(v))).sint64BigInt(), v, `sint64 ${v}`);
    const safe = v >= -SAFE && v <= SAFE;
    if (safe) {
      t.equal(new Reader(refVarint(v)).int64(), Number(v));
      t.equal(new Reader(refVarint(zigzag(v))).sint64(), Number(v));
    } else {
      t.throws(
        () => new Reader(refVarint(v)).int64(),
        wireError('int64 value beyond ±(2^53-1) cannot be read as a number', 0),
      );
      t.throws(
        () => new Reader(refVarint(zigzag(v))).sint64(),
        wireError('sint64 value beyond ±(2^53-1) cannot be read as a number', 0),
      );
    }
    const unsigned = BigInt.asUintN(64, v);
    if (unsigned <= SAFE) t.equal(new Reader(refVarint(v)).uint64(), Number(unsigned));
    else {
      t.throws(
        () => new Reader(refVarint(v)).uint64(),
        wireError('uint64 value beyond ±(2^53-1) cannot be read as a number', 0),
      );
    }
  }
});

t.test('fixed-width values', async (t) => {
  t.equal(reader('04030201').fixed32(), 0x01020304);
  t.equal(reader('ffffffff').fixed32(), 2 ** 32 - 1);
  t.equal(reader('ffffffff').sfixed32(), -1);
  t.equal(reader('0000803f').float(), 1);
  t.ok(Object.is(reader('00000080').float(), -0));
  t.ok(Number.isNaN(reader('0000c07f').float()));
  t.equal(reader('000080ff').float(), Number.NEGATIVE_INFINITY);
  t.equal(reader('000000000000f03f').double(), 1);
  t.ok(Object.is(reader('0000000000000080').double(), -0));
  t.equal(reader('ffffffffffff1f00').fixed64(), Number.MAX_SAFE_INTEGER);
  t.equal(reader('0100000000000000').sfixed64(), 1);
  t.equal(reader('00000000ffffffff').sfixed64(), -(2 ** 32));
  t.equal(reader('010000000000e0ff').sfixed64(), Number.MIN_SAFE_INTEGER);
  t.equal(reader('ffffffffffffffff').fixed64BigInt(), 2n ** 64n - 1n);
  t.equal(reader('ffffffffffffffff').sfixed64BigInt(), -1n);
  t.equal(reader('0000000000000080').sfixed64BigInt(), -(2n ** 63n));
  t.throws(
    () => reader('0000000000002000').fixed64(),
    wireError('fixed64 value beyond ±(2^53-1) cannot be read as a number', 0),
  );
  t.throws(
    () => reader('000000000000e0ff').sfixed64(),
    wireError('sfixed64 value beyond ±(2^53-1) cannot be read as a number', 0),
  );
  t.throws(() => reader('010203').fixed32(), wireError('truncated: 4 bytes needed, 3 left', 0));
  t.throws(
    () => reader('01020304050607').double(),
    wireError('truncated: 8 bytes needed, 7 left', 0),
  );
});

t.test('strings: ASCII and UTF-8, short and long; invalid UTF-8 is an error', async (t) => {
  t.equal(reader('00').string(), '');
  t.equal(reader('026869').string(), 'hi');
  const ascii = 'x'.repeat(16);
  t.equal(new Reader(Buffer.concat([hex('10'), Buffer.from(ascii)])).string(), ascii);
  const longer = 'y'.repeat(17);
  t.equal(new Reader(Buffer.concat([hex('11'), Buffer.from(longer)])).string(), longer);
  t.equal(reader('09c3a9e282acf09f9880').string(), 'é€😀', 'short, not ASCII');
  const utf8 = Buffer.from('日本語'.repeat(10));
  t.equal(
    new Reader(Buffer.concat([Buffer.from([utf8.length]), utf8])).string(),
    '日本語'.repeat(10),
  );
  t.equal(reader('03efbfbd').string(), '\uFFFD', 'U+FFFD itself is valid');
  const bad = reader('05 02 c0 80');
  bad.uint32();
  t.throws(() => bad.string(), wireError('invalid UTF-8 in a string field', 2));
  const badLong = Buffer.concat([hex('14'), Buffer.from('a'.repeat(19)), hex('ff')]);
  t.throws(() => new Reader(badLong).string(), wireError('invalid UTF-8 in a string field', 1));
});

t.test(
  'strings decoded natively: every ASCII byte exact, each kind of invalid UTF-8 refused',
  async (t) => {
    const allAscii = Buffer.from(Array.from({ length: 128 }, (_, i) => i));
    const r = new Reader(Buffer.concat([hex('8001'), allAscii]));
    t.equal(r.string(), String.fromCharCode(...allAscii), 'NUL to DEL, none changed');
    const invalid: Array<[string, string]> = [
      ['80', 'a lone continuation byte'],
      ['e9', 'a Latin-1 é, not UTF-8'],
      ['e282', 'a truncated 3-byte sequence'],
      ['eda080', 'an encoded surrogate (U+D800)'],
      ['f4908080', 'a code point above U+10FFFF'],
      ['efbfbd80', 'U+FFFD followed by garbage'],
    ];
    for (const [bytes, what] of invalid) {
      const body = hex(`61${bytes}62`);
      const input = Buffer.concat([Buffer.from([body.length]), body]);
      t.throws(
        () => new Reader(input).string(),
        wireError('invalid UTF-8 in a string field', 1),
        what,
      );
    }
  },
);

t.test('bytes are copied out of the input', async (t) => {
  const input = hex('03 010203 ff');
  const r = new Reader(input);
  const value = r.bytes();
  t.same([...value], [1, 2, 3]);
  t.equal(r.pos, 4);
  input[1] = 9;
  t.equal(value[0], 1, 'changing the input later leaves the value alone');
  t.not(value.buffer, input.buffer);
  t.equal(reader('00').bytes().length, 0);
});

t.test('delimited moves past the bytes and returns where they begin', async (t) => {
  const r = reader('03 aabbcc 01');
  t.equal(r.delimited(), 1);
  t.equal(r.pos, 4);
  t.equal(r.uint32(), 1);
  t.throws(
    () => reader('05 aabb').delimited(),
    wireError('length 5 runs past the end of the message (2 bytes left)', 0),
  );
});

t.test('message narrows end to the nested message, then restores end and depth', async (t) => {
  const r = reader('03 0801 ff 7f');
  const seen = r.message((inner) => {
    t.equal(inner.end, 4);
    t.equal(inner.depth, 1);
    const key = inner.tag();
    inner.skip(key);
    t.throws(
      () => inner.uint32(),
      wireError('truncated varint', 3),
      'cannot read past the nested end',
    );
    inner.pos = 4;
    return key;
  });
  t.equal(seen, 8);
  t.equal(r.end, 5);
  t.equal(r.depth, 0);
  t.equal(r.uint32(), 127);
  t.throws(
    () => reader('02 0801').message((inner) => inner.tag()),
    wireError('nested message not read to its end (1 bytes left)', 2),
  );
});

t.test(
  `MAX_DEPTH is ${MAX_DEPTH}: that many nested messages are fine, one more is not`,
  async (t) => {
    /** `depth` messages, each field 1 of the one around it; `bodyAt[i]` is where level i+1 begins. */
    const nest = (depth: number): { bytes: Buffer; bodyAt: number[] } => {
      let body = Buffer.alloc(0);
      const prefixes: number[] = [];
      for (let i = 0; i < depth; i++) {
        const prefix = Buffer.concat([Buffer.from([0x0a]), refVarint(BigInt(body.length))]);
        prefixes.unshift(prefix.length);
        body = Buffer.concat([prefix, body]);
      }
      const bodyAt: number[] = [];
      let at = 0;
      for (const length of prefixes) {
        at += length;
        bodyAt.push(at);
      }
      return { bytes: body, bodyAt };
    };
    const readAll = (r: Reader): void => {
      while (r.pos < r.end) {
        r.tag();
        r.message(readAll);
      }
    };
    t.doesNotThrow(() => readAll(new Reader(nest(MAX_DEPTH).bytes)));
    const tooDeep = nest(MAX_DEPTH + 1);
    t.throws(
      () => readAll(new Reader(tooDeep.bytes)),
      wireError('messages nested deeper than 100', tooDeep.bodyAt[MAX_DEPTH]!),
      'reported where the 101st message begins',
    );
  },
);

const readUint32 = (r: Reader) => r.uint32();
const readFixed32 = (r: Reader) => r.fixed32();

t.test('repeatedScalar reads packed and unpacked elements into one list', async (t) => {
  const packed = makeTag(4, WireType.LengthDelimited);
  const unpacked = makeTag(4, WireType.Varint);
  const r = reader('04 01 9601 02 07 09');
  const list: number[] = [];
  r.repeatedScalar(packed, readUint32, list);
  t.same(list, [1, 150, 2]);
  t.equal(r.end, 7, 'end is restored after the packed run');
  r.repeatedScalar(unpacked, readUint32, list);
  t.same(list, [1, 150, 2, 7]);
  t.same(reader('00').repeatedScalar(packed, readUint32, []), [], 'an empty packed run');
  const fixed = makeTag(5, WireType.LengthDelimited);
  t.same(reader('08 01000000 02000000').repeatedScalar(fixed, readFixed32, []), [1, 2]);
});

t.test('a packed run whose last element is cut short is an error, not a short list', async (t) => {
  const packed = makeTag(4, WireType.LengthDelimited);
  // The run says 3 bytes: 01, then 96 whose continuation byte lies past the run's end.
  t.throws(
    () => reader('03 01 0296 01').repeatedScalar(packed, readUint32, []),
    wireError('truncated varint', 3),
  );
  const fixed = makeTag(5, WireType.LengthDelimited);
  t.throws(
    () => reader('05 01000000 02 000000').repeatedScalar(fixed, readFixed32, []),
    wireError('truncated: 4 bytes needed, 1 left', 5),
  );
});

t.test('tag: keys of 1 to 5 bytes; bad keys are errors at the key offset', async (t) => {
  t.equal(reader('08').tag(), 8);
  t.equal(reader('8001').tag(), 128);
  t.equal(reader('f8ffffff0f').tag(), makeTag(2 ** 29 - 1, WireType.Varint));
  t.equal(reader('8880808000').tag(), 8, 'a zero-padded 5-byte key is still a key');
  t.throws(() => reader('00').tag(), wireError('invalid field number 0', 0));
  t.throws(() => reader('8000').tag(), wireError('invalid field number 0', 0));
  t.throws(() => reader('0e').tag(), wireError('invalid wire type 6', 0));
  t.throws(() => reader('0f').tag(), wireError('invalid wire type 7', 0));
  t.throws(() => reader('07').tag(), wireError('invalid wire type 7', 0), 'wire type first');
  t.throws(() => reader('88').tag(), wireError('truncated varint', 0));
  t.throws(() => reader('').tag(), wireError('truncated varint', 0));
  t.throws(() => reader('8880808010').tag(), wireError('field number beyond 2^29-1', 0));
  t.throws(() => reader('888080808001').tag(), wireError('field key longer than 5 bytes', 0));
});

t.test('skip: every wire type, groups nested in groups', async (t) => {
  const cases: [string, number][] = [
    ['08 ffffffffffffffffff01', 11],
    ['09 0102030405060708', 9],
    ['0a 03 aabbcc', 5],
    ['0d 01020304', 5],
    ['0b 1001 13 1a01ff 14 0c', 9],
    ['0b 0c', 2],
  ];
  for (const [bytes, end] of cases) {
    const r = reader(`${bytes} 7f`);
    r.skip(r.tag());
    t.equal(r.pos, end, bytes);
    t.equal(r.depth, 0);
  }
});

t.test('skip: group errors', async (t) => {
  const skipOne = (bytes: string) => () => {
    const r = reader(bytes);
    r.skip(r.tag());
  };
  t.throws(skipOne('0b 1001'), wireError('unterminated group 1', 1));
  t.throws(skipOne('0b 14'), wireError('end-group for field 2 closes group 1', 1));
  t.throws(
    () => {
      const r = reader('1001 0c');
      r.skip(r.tag());
      r.skip(r.tag());
    },
    wireError('unexpected end-group for field 1', 2),
  );
  t.throws(skipOne('0b 1e'), wireError('invalid wire type 6', 1));
  // A group inside a nested message cannot run past that message's end.
  t.throws(
    () =>
      reader('02 0b10 01 0c').message((inner) => {
        inner.skip(inner.tag());
      }),
    wireError('truncated varint', 3),
  );
  // Groups count against the same depth limit as messages.
  const deep = Buffer.concat([
    Buffer.alloc(MAX_DEPTH + 1, 0x0b),
    Buffer.alloc(MAX_DEPTH + 1, 0x0c),
  ]);
  t.throws(skipOneBuffer(deep), wireError('groups nested deeper than 100', MAX_DEPTH + 1));
  const deepest = Buffer.concat([Buffer.alloc(MAX_DEPTH, 0x0b), Buffer.alloc(MAX_DEPTH, 0x0c)]);
  t.doesNotThrow(skipOneBuffer(deepest));
});

function skipOneBuffer(bytes: Buffer): () => void {
  return () => {
    const r = new Reader(bytes);
    r.skip(r.tag());
    if (r.pos !== r.end) throw new Error('group not skipped to the end');
  };
}

t.test(`property (seed ${SEED}): any 64-bit value reads back from its varint`, async (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
      const varint = refVarint(v);
      const r = new Reader(varint);
      if (r.int64BigInt() !== v || r.pos !== varint.length) return false;
      if (new Reader(refVarint(zigzag(v))).sint64BigInt() !== v) return false;
      if (new Reader(varint).uint32() !== Number(BigInt.asUintN(32, v))) return false;
      return new Reader(varint).bool() === (v !== 0n);
    }),
    { seed: SEED, numRuns: 3000 },
  );
  t.pass('3000 values');
});
