// fast-check arbitraries for the protobuf scalar types the message codecs carry (protobuf.dev
// "Encoding"): values chosen to reach every size boundary of the wire format, not just typical ones.

import fc from 'fast-check';

/**
 * A proto3 `string`: empty, ASCII, full Unicode (graphemes and any code point, astral planes
 * included), and lengths on each side of the shortcuts in sizes.ts and writer/reader (16, 32, 64
 * UTF-16 units). Lone surrogates are left out: they are not text and cannot round-trip (handwire
 * writes U+FFFD for them; a test of its own checks that).
 */
export const protoString: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', minLength: 14, maxLength: 70 }),
  fc.string({ minLength: 60, maxLength: 200 }),
  fc.string({ unit: 'grapheme', minLength: 30, maxLength: 90 }),
);

/** A proto3 `int32` (also an enum's wire type): the full range, small values more often. */
export const protoInt32: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -2, max: 300 }),
  fc.integer({ min: -2147483648, max: 2147483647 }),
  fc.constantFrom(-2147483648, 2147483647, 127, 128, 16383, 16384, -1),
);

/**
 * A proto3 `int64` held in a number: the whole safe range, negatives included, with the values
 * where the varint changes length or crosses 32 bits, and millisecond timestamps.
 */
export const protoInt64: fc.Arbitrary<number> = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
  fc.constantFrom(
    0,
    -1,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    2 ** 32 - 1,
    2 ** 32,
    -(2 ** 32),
    2 ** 35,
    2 ** 49,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ),
);

/** A proto3 `bool`. */
export const protoBool: fc.Arbitrary<boolean> = fc.boolean();

/** A proto3 `bytes` value. */
export const protoBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ maxLength: 40 }),
  fc.uint8Array({ minLength: 100, maxLength: 400 }),
);

/**
 * An open enum field: mostly the listed values, often a number the schema does not list (a newer
 * peer's value), negative ones included — proto3 keeps those as numbers.
 */
export function protoEnum(listed: readonly number[]): fc.Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...listed), weight: 3 },
    { arbitrary: protoInt32, weight: 1 },
  );
}

/**
 * A repeated field: usually empty or short, sometimes long, so both the empty list and many
 * elements (hundreds) are seen in every run.
 */
export function protoRepeated<T>(element: fc.Arbitrary<T>, long = 300): fc.Arbitrary<T[]> {
  return fc.oneof(
    { arbitrary: fc.constant([] as T[]), weight: 2 },
    { arbitrary: fc.array(element, { minLength: 1, maxLength: 5 }), weight: 5 },
    { arbitrary: fc.array(element, { minLength: 50, maxLength: long }), weight: 1 },
  );
}

const uint64Decimal = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const int64Decimal = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);

/**
 * Values for the extra fields of the wider test schemas (test/fixtures/wider/*.proto): each one
 * present or not, over its whole range (64-bit values as decimal strings, which protobufjs's
 * `fromObject` takes exactly). Field names are protobufjs's camelCase of the .proto names.
 */
export const widerExtras: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    xVarint: uint64Decimal,
    xFixed64: uint64Decimal,
    xBytes: protoBytes,
    xGroup: fc.record(
      { a: protoInt32, inner: fc.record({ b: protoString }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
    xFixed32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    xMessage: fc.record({ a: protoInt32, b: protoString }, { requiredKeys: [] }),
    xPacked: fc.array(protoInt32, { maxLength: 6 }),
    xUnpacked: fc.array(int64Decimal, { maxLength: 4 }),
    xDouble: fc.double(),
    xFloat: fc.float(),
    xMax: protoString,
  },
  { requiredKeys: [] },
);
