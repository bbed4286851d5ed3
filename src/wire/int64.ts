// 64-bit integers on the protobuf wire (protobuf.dev "Encoding", "Varints" and "Signed Integers"):
// JavaScript numbers are exact only up to 2^53, so a 64-bit value travels as two 32-bit halves.
// A value is accepted as a number when it is a safe integer, or as a bigint for the full range.

/**
 * The low and high 32-bit halves (both unsigned) of the last value split. One shared object
 * rather than a fresh pair per value keeps the encoder free of allocation; every caller reads
 * the halves straight after the call that set them.
 */
export const scratch = { lo: 0, hi: 0 };

const TWO_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Throws a RangeError naming the value unless it fits a signed 64-bit field exactly; `type` is
 * the field type named in the message (int64, sint64, sfixed64).
 */
export function checkInt64(value: number | bigint, type = 'int64'): void {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new RangeError(`${type} value ${value} is outside -2^63..2^63-1`);
    }
  } else if (!Number.isSafeInteger(value)) {
    throw new RangeError(
      Number.isInteger(value)
        ? `${type} value ${value} is beyond ±(2^53-1), where numbers lose precision: pass a bigint`
        : `${type} value ${value} is not an integer`,
    );
  }
}

/** Throws a RangeError naming the value unless it fits an unsigned 64-bit field (uint64, fixed64). */
export function checkUint64(value: number | bigint, type = 'uint64'): void {
  if (typeof value === 'bigint') {
    if (value < 0n || value > UINT64_MAX) {
      throw new RangeError(`${type} value ${value} is outside 0..2^64-1`);
    }
  } else if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      !Number.isInteger(value) || value < 0
        ? `${type} value ${value} is not an integer in 0..2^64-1`
        : `${type} value ${value} is beyond 2^53-1, where numbers lose precision: pass a bigint`,
    );
  }
}

/** Splits a checked signed value into two's-complement halves in `scratch`. */
export function splitInt64(value: number | bigint): void {
  if (typeof value === 'bigint') {
    const bits = BigInt.asUintN(64, value);
    scratch.lo = Number(bits & 0xffffffffn);
    scratch.hi = Number(bits >> 32n);
  } else {
    // `>>> 0` takes the value modulo 2^32, which is the low half in two's complement too.
    scratch.lo = value >>> 0;
    scratch.hi = Math.floor(value / TWO_32) >>> 0;
  }
}

/** Splits a checked unsigned value into halves in `scratch`. */
export function splitUint64(value: number | bigint): void {
  if (typeof value === 'bigint') {
    scratch.lo = Number(value & 0xffffffffn);
    scratch.hi = Number(value >> 32n);
  } else {
    scratch.lo = value >>> 0;
    scratch.hi = Math.floor(value / TWO_32) >>> 0;
  }
}

/** Splits a checked signed value and zigzag-encodes it: 0,-1,1,-2 → 0,1,2,3 (sint64). */
export function zigzagSplit(value: number | bigint): void {
  splitInt64(value);
  const sign = scratch.hi >> 31; // all ones for a negative value, else zero
  const lo = scratch.lo;
  scratch.hi = (((scratch.hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  scratch.lo = ((lo << 1) ^ sign) >>> 0;
}

/** Undoes zigzag on halves in place in `scratch`. */
export function unzigzagScratch(): void {
  const mask = -(scratch.lo & 1);
  const hi = scratch.hi;
  scratch.lo = (((scratch.lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
  scratch.hi = ((hi >>> 1) ^ mask) >>> 0;
}

/** Joins halves as a signed value; null when it is not a safe integer. */
export function joinInt64(lo: number, hi: number): number | null {
  const value = (hi | 0) * TWO_32 + lo;
  return Number.isSafeInteger(value) ? value : null;
}

/** Joins halves as an unsigned value; null when it is not a safe integer. */
export function joinUint64(lo: number, hi: number): number | null {
  const value = hi * TWO_32 + lo;
  return Number.isSafeInteger(value) ? value : null;
}

/** Joins halves as a signed bigint (exact over the whole range). */
export function joinInt64BigInt(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** Joins halves as an unsigned bigint. */
export function joinUint64BigInt(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}
