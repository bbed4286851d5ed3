// Tests Writer/Reader over every scalar type against protobufjs, both directions and byte for byte (protobuf.dev "Encoding").

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js';
import { WireError } from '../../src/wire/wire-error.js';
import {
  describe,
  INT32_EDGES,
  INT64_EDGES,
  type KitchenSink,
  KitchenSinkCodec,
  kitchenSinkArbitrary,
  type Nested,
  NestedCodec,
  type Numbers64,
  Numbers64Codec,
  SAFE_EDGES,
  UINT32_EDGES,
  UINT64_EDGES,
} from '../fixtures/kitchen-sink-codec.js';

const SEED = 20240521;
const PROTO_PATH = new URL('../fixtures/kitchen_sink.proto', import.meta.url);
const source = readFileSync(PROTO_PATH, 'utf8');
const root = protobuf.parse(source).root;
const KitchenSinkType = root.lookupType('handwire.test.KitchenSink');

/**
 * The same schema with every repeated scalar's encoding flipped (packed ↔ unpacked): a parser
 * must accept both, whatever the .proto says.
 */
const flippedSource = source.replace(
  /(repeated (?:u?int(?:32|64)|sint(?:32|64)|s?fixed(?:32|64)|float|double|bool|Color) \w+ = \d+)( \[packed = false\])?;/g,
  (_, decl: string, unpacked: string | undefined) =>
    `${decl} [packed = ${unpacked ? 'true' : 'false'}];`,
);
const FlippedType = protobuf.parse(flippedSource).root.lookupType('handwire.test.KitchenSink');

/** A proto2 message whose groups KitchenSinkCodec does not know: they must be skipped whole. */
const GROUPS_PROTO = `
syntax = "proto2";
package handwire.test2;
message WithGroups {
  optional int32 f_int32 = 1;
  optional group Outer = 90 {
    optional int32 x = 1;
    repeated group Inner = 2 {
      optional string s = 1;
      optional fixed64 f = 2;
      optional double d = 3;
      optional fixed32 g = 4;
    }
  }
  optional string f_string = 14;
  repeated group Tail = 91 { optional bytes b = 1; }
}`;
const WithGroupsType = protobuf.parse(GROUPS_PROTO).root.lookupType('handwire.test2.WithGroups');

type Loose = any;

/** A bigint as the { low, high } pair protobufjs accepts for 64-bit fields. */
function long(value: bigint): { low: number; high: number } {
  return {
    low: Number(BigInt.asUintN(32, value)) | 0,
    high: Number(BigInt.asUintN(32, value >> 32n)) | 0,
  };
}

const isZero = (value: number) => Object.is(value, 0);

function nestedToPbjs(m: Nested): Loose {
  const o: Loose = {};
  if (m.a !== 0) o.a = m.a;
  if (m.b !== '') o.b = m.b;
  if (m.child !== null) o.child = nestedToPbjs(m.child);
  return o;
}

function numbersToPbjs(m: Numbers64): Loose {
  const o: Loose = {};
  if (m.i64 !== 0) o.i64 = m.i64;
  if (m.u64 !== 0) o.u64 = m.u64;
  if (m.s64 !== 0) o.s64 = m.s64;
  if (m.f64 !== 0) o.f64 = m.f64;
  if (m.sf64 !== 0) o.sf64 = m.sf64;
  for (const k of ['rI64', 'rU64', 'rS64', 'rF64', 'rSf64'] as const) {
    if (m[k].length > 0) o[k] = m[k];
  }
  return o;
}

/** Our message as a protobufjs object with only the fields proto3 would write (non-default). */
function toPbjs(m: KitchenSink): Loose {
  const o: Loose = {};
  for (const k of [
    'fInt32',
    'fUint32',
    'fSint32',
    'fFixed32',
    'fSfixed32',
    'fEnum',
    'fMaxField',
  ] as const) {
    if (m[k] !== 0) o[k] = m[k];
  }
  for (const k of ['fInt64', 'fUint64', 'fSint64', 'fFixed64', 'fSfixed64'] as const) {
    if (m[k] !== 0n) o[k] = long(m[k]);
  }
  if (!isZero(m.fFloat)) o.fFloat = m.fFloat;
  if (!isZero(m.fDouble)) o.fDouble = m.fDouble;
  if (m.fBool) o.fBool = true;
  if (m.fString !== '') o.fString = m.fString;
  if (m.fBytes.length > 0) o.fBytes = m.fBytes;
  if (m.fNested !== null) o.fNested = nestedToPbjs(m.fNested);
  if (m.fNumbers !== null) o.fNumbers = numbersToPbjs(m.fNumbers);
  for (const k of [
    'rInt32',
    'rUint32',
    'rSint32',
    'rFixed32',
    'rSfixed32',
    'rFloat',
    'rDouble',
    'rBool',
    'rEnum',
    'uInt32',
    'uFixed32',
    'uDouble',
    'uBool',
    'rString',
    'rBytes',
  ] as const) {
    if (m[k].length > 0) o[k] = m[k];
  }
  for (const k of ['rInt64', 'rUint64', 'rSint64', 'rFixed64', 'rSfixed64', 'uSint64'] as const) {
    if (m[k].length > 0) o[k] = m[k].map(long);
  }
  if (m.rNested.length > 0) o.rNested = m.rNested.map(nestedToPbjs);
  if (m.mStringInt64.size > 0) {
    o.mStringInt64 = {};
    for (const [k, v] of m.mStringInt64) o.mStringInt64[k] = long(v);
  }
  if (m.mInt32String.size > 0) {
    o.mInt32String = {};
    for (const [k, v] of m.mInt32String) o.mInt32String[k] = v;
  }
  return o;
}

const toObjectOptions = {
  longs: BigInt,
  enums: Number,
  defaults: true,
  arrays: true,
  objects: true,
} as const;

function nestedFromPbjs(o: Loose): Nested {
  return { a: o.a, b: o.b, child: o.child ? nestedFromPbjs(o.child) : null };
}

function numbersFromPbjs(o: Loose): Numbers64 {
  const n = (list: bigint[]) => list.map(Number);
  return {
    i64: Number(o.i64),
    u64: Number(o.u64),
    s64: Number(o.s64),
    f64: Number(o.f64),
    sf64: Number(o.sf64),
    rI64: n(o.rI64),
    rU64: n(o.rU64),
    rS64: n(o.rS64),
    rF64: n(o.rF64),
    rSf64: n(o.rSf64),
  };
}

/** What protobufjs decodes from `bytes`, in our message shape. */
function decodeWithPbjs(bytes: Uint8Array): KitchenSink {
  const o: Loose = KitchenSinkType.toObject(KitchenSinkType.decode(bytes), toObjectOptions);
  const m: Loose = { ...o, unknown: [] };
  m.fBytes = new Uint8Array(o.fBytes);
  m.rBytes = o.rBytes.map((b: Uint8Array) => new Uint8Array(b));
  m.fNested = o.fNested ? nestedFromPbjs(o.fNested) : null;
  m.fNumbers = o.fNumbers ? numbersFromPbjs(o.fNumbers) : null;
  m.rNested = o.rNested.map(nestedFromPbjs);
  m.mStringInt64 = new Map(Object.entries(o.mStringInt64));
  m.mInt32String = new Map(Object.entries(o.mInt32String).map(([k, v]) => [Number(k), v]));
  return m;
}

/** Map entries in the order protobufjs writes them (an object's key order), for byte comparison. */
function inObjectOrder(m: KitchenSink): KitchenSink {
  const strings: Record<string, bigint> = {};
  for (const [k, v] of m.mStringInt64) strings[k] = v;
  const ints: Record<string, string> = {};
  for (const [k, v] of m.mInt32String) ints[k] = v;
  return {
    ...m,
    mStringInt64: new Map(Object.entries(strings)),
    mInt32String: new Map(Object.entries(ints).map(([k, v]) => [Number(k), v])),
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A value with every lone surrogate replaced by U+FFFD, as the Writer encodes it. */
function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [wellFormed(k), wellFormed(v)])) as T;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)])) as T;
  }
  return value;
}

const message = (fields: Partial<KitchenSink>): KitchenSink => ({
  ...KitchenSinkCodec.create(),
  ...fields,
});

t.test('a message with every field at its default encodes to no bytes', async (t) => {
  t.equal(encodeMessage(KitchenSinkCodec, KitchenSinkCodec.create()).length, 0);
  t.equal(describe(decodeMessage(KitchenSinkCodec, new Uint8Array(0))), describe(message({})));
});

t.test('known encodings from the protobuf.dev examples', async (t) => {
  const hex = (m: Partial<KitchenSink>) =>
    encodeMessage(KitchenSinkCodec, message(m)).toString('hex');
  t.equal(hex({ fInt32: 150 }), '089601');
  t.equal(hex({ fInt32: -1 }), '08ffffffffffffffffff01', 'a negative int32 takes 10 bytes');
  t.equal(hex({ fSint32: -1 }), '2801', 'zigzag: -1 → 1');
  t.equal(hex({ fSint64: -2n }), '3003', 'zigzag: -2 → 3');
  t.equal(hex({ fString: 'testing' }), '720774657374696e67');
  t.equal(hex({ fEnum: -1 }), '8001ffffffffffffffffff01', 'a negative enum is a 10-byte varint');
  t.equal(
    hex({ rInt32: [3, 270, 86942] }),
    'a20106038e029ea705',
    'packed, as in "Packed Repeated Fields"',
  );
  t.equal(hex({ fMaxField: 1 }), 'f8ffffff0f02', 'field 2^29-1 has a 5-byte key');
  t.equal(hex({ fFloat: -0 }), '5d00000080', '-0 is not the default: it is written');
  t.equal(hex({ fDouble: Number.NaN }), '61000000000000f87f');
});

t.test('edge values of every width are byte-identical to protobufjs and round-trip', async (t) => {
  const cases: KitchenSink[] = [];
  for (const v of INT64_EDGES) {
    cases.push(
      message({
        fInt64: v,
        fSint64: v,
        fSfixed64: v,
        rInt64: [v, v],
        rSint64: [v],
        rSfixed64: [v],
        uSint64: [v],
        mStringInt64: new Map([['k', v]]),
      }),
    );
  }
  for (const v of UINT64_EDGES) {
    cases.push(message({ fUint64: v, fFixed64: v, rUint64: [v], rFixed64: [v] }));
  }
  for (const v of INT32_EDGES) {
    cases.push(
      message({
        fInt32: v,
        fSint32: v,
        fSfixed32: v,
        fEnum: v,
        fMaxField: v,
        rInt32: [v],
        rSint32: [v],
        rSfixed32: [v],
        rEnum: [v],
        uInt32: [v],
        mInt32String: new Map([[v, 'v']]),
      }),
    );
  }
  for (const v of UINT32_EDGES) {
    cases.push(message({ fUint32: v, fFixed32: v, rUint32: [v], rFixed32: [v], uFixed32: [v] }));
  }
  for (const v of SAFE_EDGES) {
    cases.push(
      message({
        fNumbers: {
          i64: v,
          u64: Math.abs(v),
          s64: v,
          f64: Math.abs(v),
          sf64: v,
          rI64: [v],
          rU64: [Math.abs(v)],
          rS64: [v],
          rF64: [Math.abs(v)],
          rSf64: [v],
        },
      }),
    );
  }
  for (const v of [
    Math.fround(0.1),
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    3.4028234663852886e38,
    1.401298464324817e-45,
  ]) {
    cases.push(message({ fFloat: v, fDouble: v, rFloat: [v], rDouble: [v], uDouble: [v] }));
  }
  cases.push(message({ fDouble: Number.MIN_VALUE, rDouble: [Number.MAX_VALUE] }));
  for (const s of ['a', 'é', '€', '😀', 'a😀b', '\u0000', 'x'.repeat(200), '日本語'.repeat(30)]) {
    cases.push(message({ fString: s, rString: [s, ''], mStringInt64: new Map([[s, 1n]]) }));
  }
  for (const m of cases) {
    const ours = encodeMessage(KitchenSinkCodec, m);
    const theirs = Buffer.from(KitchenSinkType.encode(toPbjs(m)).finish());
    t.equal(ours.toString('hex'), theirs.toString('hex'), describe(m).slice(0, 200));
    t.equal(describe(decodeMessage(KitchenSinkCodec, ours)), describe(m));
    t.equal(describe(decodeWithPbjs(ours)), describe(m));
  }
});

t.test(`property (seed ${SEED}): byte-identical to protobufjs and round-trips`, async (t) => {
  fc.assert(
    fc.property(kitchenSinkArbitrary(), (generated) => {
      const m = inObjectOrder(generated);
      const ours = encodeMessage(KitchenSinkCodec, m);
      const theirs = Buffer.from(KitchenSinkType.encode(toPbjs(m)).finish());
      if (!ours.equals(theirs)) return false;
      return describe(decodeMessage(KitchenSinkCodec, ours)) === describe(m);
    }),
    { seed: SEED, numRuns: 300 },
  );
  t.pass('300 messages');
});

t.test(
  `property (seed ${SEED}): protobufjs decodes what we encode, lone surrogates too`,
  async (t) => {
    fc.assert(
      fc.property(kitchenSinkArbitrary(true), (m) => {
        const ours = encodeMessage(KitchenSinkCodec, m);
        return describe(decodeWithPbjs(ours)) === describe(wellFormed(m));
      }),
      { seed: SEED, numRuns: 300 },
    );
    t.pass('300 messages');
  },
);

t.test(`property (seed ${SEED}): we decode what protobufjs encodes, packed or not`, async (t) => {
  fc.assert(
    fc.property(kitchenSinkArbitrary(), (m) => {
      const expected = describe(m);
      const asDeclared = KitchenSinkType.encode(toPbjs(m)).finish();
      const flipped = FlippedType.encode(toPbjs(m)).finish();
      return (
        describe(decodeMessage(KitchenSinkCodec, asDeclared)) === expected &&
        describe(decodeMessage(KitchenSinkCodec, flipped)) === expected
      );
    }),
    { seed: SEED, numRuns: 300 },
  );
  t.pass('300 messages');
});

t.test('lone surrogates are written as U+FFFD and sized to match', async (t) => {
  for (const [text, hex] of [
    ['\uD800', 'efbfbd'],
    ['\uDC00', 'efbfbd'],
    ['a\uD83D', '61efbfbd'],
    ['\uDE00b', 'efbfbd62'],
    ['\uD83D\uD83D\uDE00', 'efbfbdf09f9880'],
    ['\uDE00\uD83D', 'efbfbdefbfbd'],
  ] as const) {
    const bytes = encodeMessage(KitchenSinkCodec, message({ fString: text }));
    t.equal(bytes.subarray(2).toString('hex'), hex, JSON.stringify(text));
    t.equal(bytes[1], hex.length / 2, 'length prefix counts U+FFFD as 3 bytes');
    t.equal(decodeMessage(KitchenSinkCodec, bytes).fString, wellFormed(text));
  }
  // Long text takes the Writer's native path (Buffer.byteLength): same answer.
  const long = `${'\uD800'.repeat(40)}${'x'.repeat(40)}`;
  const decoded = decodeMessage(
    KitchenSinkCodec,
    encodeMessage(KitchenSinkCodec, message({ fString: long })),
  );
  t.equal(decoded.fString, wellFormed(long));
});

t.test('the encoding protobufjs gives a lone surrogate (CESU, ED A0 80) is rejected', async (t) => {
  const theirs = KitchenSinkType.encode({ fString: 'a\uD800' }).finish();
  t.equal(Buffer.from(theirs).toString('hex'), '720461eda080');
  t.throws(
    () => decodeMessage(KitchenSinkCodec, theirs),
    new WireError('invalid UTF-8 in a string field', 2),
  );
});

t.test('packed and unpacked runs of one field are concatenated, in order', async (t) => {
  // Field 20 (packed in the .proto) sent unpacked, packed, unpacked; field 40 (unpacked) packed.
  const bytes = Buffer.from('a00105' + 'a201020607' + 'a00101' + 'c202020506' + 'c00207', 'hex');
  const m = decodeMessage(KitchenSinkCodec, bytes);
  t.same(m.rInt32, [5, 6, 7, 1]);
  t.same(m.uInt32, [5, 6, 7]);
  t.same(m.unknown, []);
});

t.test(
  'fields met with an unexpected wire type or number are kept as unknown and re-sent',
  async (t) => {
    // Field 1 as fixed32 (schema says varint), field 99 as a varint, field 7 as a varint.
    const bytes = Buffer.from('0d01020304' + '980601' + '3805' + '0802', 'hex');
    const m = decodeMessage(KitchenSinkCodec, bytes);
    t.equal(m.fInt32, 2);
    t.equal(m.fFixed32, 0);
    t.same(
      m.unknown.map((u) => Buffer.from(u).toString('hex')),
      ['0d01020304', '980601', '3805'],
    );
    t.equal(
      encodeMessage(KitchenSinkCodec, m).toString('hex'),
      '0802' + '0d01020304' + '980601' + '3805',
    );
  },
);

t.test('unknown enum values are kept as their numbers (open enums)', async (t) => {
  const m = decodeMessage(KitchenSinkCodec, Buffer.from('800105' + '8a0202' + '7f05', 'hex'));
  t.equal(m.fEnum, 5);
  t.same(m.rEnum, [127, 5]);
});

t.test(
  'a message seen twice is merged: scalars replaced, repeated appended, nested merged',
  async (t) => {
    const first = message({
      fInt32: 1,
      fString: 'first',
      rInt32: [1],
      fNested: { a: 1, b: 'keep', child: null },
      mStringInt64: new Map([
        ['a', 1n],
        ['b', 2n],
      ]),
    });
    const second = message({
      fInt32: 2,
      rInt32: [2],
      fNested: { a: 0, b: '', child: { a: 9, b: '', child: null } },
      mStringInt64: new Map([['b', 3n]]),
    });
    const both = Buffer.concat([
      encodeMessage(KitchenSinkCodec, first),
      encodeMessage(KitchenSinkCodec, second),
    ]);
    const m = decodeMessage(KitchenSinkCodec, both);
    t.equal(m.fInt32, 2);
    t.equal(m.fString, 'first');
    t.same(m.rInt32, [1, 2]);
    t.equal(
      describe(m.fNested),
      describe({ a: 1, b: 'keep', child: { a: 9, b: '', child: null } }),
    );
    t.equal(
      describe(m.mStringInt64),
      describe(
        new Map([
          ['a', 1n],
          ['b', 3n],
        ]),
      ),
    );
  },
);

t.test('map entries with a key or value missing take the defaults', async (t) => {
  // Entry of field 60 with only a value; entry of field 61 with only a key; an empty entry.
  const m = decodeMessage(
    KitchenSinkCodec,
    Buffer.from('e20302102a' + 'ea03020807' + 'ea0300', 'hex'),
  );
  t.equal(describe(m.mStringInt64), describe(new Map([['', 42n]])));
  t.equal(
    describe(m.mInt32String),
    describe(
      new Map([
        [7, ''],
        [0, ''],
      ]),
    ),
  );
  // Unknown fields inside an entry are skipped.
  const withExtra = decodeMessage(
    KitchenSinkCodec,
    Buffer.from('e20305' + '180a' + '0a0161', 'hex'),
  );
  t.equal(describe(withExtra.mStringInt64), describe(new Map([['a', 0n]])));
  const intExtra = decodeMessage(KitchenSinkCodec, Buffer.from('ea0304180a0801', 'hex'));
  t.equal(describe(intExtra.mInt32String), describe(new Map([[1, '']])));
});

t.test('proto2 groups the codec does not know are skipped whole and passed through', async (t) => {
  const value = {
    fInt32: -7,
    outer: {
      x: 3,
      inner: [{ s: 'é', f: long(2n ** 64n - 1n), d: 1.5, g: 9 }, { s: 'two' }],
    },
    fString: 'after the group',
    tail: [{ b: new Uint8Array([1, 2, 3]) }, {}],
  };
  const bytes = WithGroupsType.encode(WithGroupsType.fromObject(value)).finish();
  const m = decodeMessage(KitchenSinkCodec, bytes);
  t.equal(m.fInt32, -7);
  t.equal(m.fString, 'after the group');
  t.equal(m.unknown.length, 3, 'the Outer group and two Tail groups');
  // Key (90 << 3) | 3 = 723 is the varint d3 05; the Tail groups' keys are (91 << 3) | 3 = 731.
  t.same(
    m.unknown.map((u) => Buffer.from(u.subarray(0, 2)).toString('hex')),
    ['d305', 'db05', 'db05'],
    'each starts with its start-group key',
  );
  const again = encodeMessage(KitchenSinkCodec, m);
  t.equal(again.length, bytes.length);
  const back = WithGroupsType.toObject(WithGroupsType.decode(again), { longs: BigInt });
  const expected = WithGroupsType.toObject(WithGroupsType.decode(bytes), { longs: BigInt });
  t.equal(describe(back), describe(expected));
});

t.test('Numbers64 reads 64-bit fields as numbers, exactly up to ±(2^53-1)', async (t) => {
  const max = Number.MAX_SAFE_INTEGER;
  const m: Numbers64 = {
    i64: -max,
    u64: max,
    s64: -max,
    f64: max,
    sf64: -max,
    rI64: [max, -max, -1],
    rU64: [max, 0],
    rS64: [-max, max],
    rF64: [max],
    rSf64: [-max],
  };
  const bytes = encodeMessage(Numbers64Codec, m);
  t.equal(describe(decodeMessage(Numbers64Codec, bytes)), describe(m));
  const theirs = root.lookupType('handwire.test.Numbers64');
  t.equal(
    Buffer.from(theirs.encode(numbersToPbjs(m)).finish()).toString('hex'),
    bytes.toString('hex'),
  );
});

t.test('nesting to the depth limit (100) round-trips', async (t) => {
  let nested: Nested = { a: 100, b: '', child: null };
  for (let i = 99; i >= 1; i--) nested = { a: i, b: '', child: nested };
  const m = message({ fNested: nested });
  const bytes = encodeMessage(KitchenSinkCodec, m);
  t.equal(describe(decodeMessage(KitchenSinkCodec, bytes)), describe(m));
  t.equal(describe(decodeWithPbjs(bytes)), describe(m));
  t.equal(
    describe(decodeMessage(NestedCodec, encodeMessage(NestedCodec, nested))),
    describe(nested),
  );
});
