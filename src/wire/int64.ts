// 64-bit integers on the protobuf wire (protobuf.dev "Encoding", "Varints" and "Signed Integers"):
// JavaScript numbers are exact only up to 2^53, so a 64-bit value travels as two 32-bit halves.
// A value is accepted as a number when it is a safe integer, or as a bigint for the full range;
// a 64-bit varint is decoded into the two halves here too.

import { WireError } from './wire-error.js';

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

/** A joined value (null: beyond ±(2^53-1)) as a number, or a WireError naming `type` at `offset`. */
export function exactNumber(value: number | null, type: string, offset: number): number {
  if (value === null) {
    throw new WireError(`${type} value beyond ±(2^53-1) cannot be read as a number`, offset);
  }
  return value;
}

/**
 * Decodes the 64-bit varint at `start` (at most 10 bytes, never past `end`) into scratch.lo /
 * scratch.hi, and returns the offset after it; a WireError for a truncated or overlong one.
 */
export function readVarint64(buf: Buffer, start: number, end: number): number {
  let pos = start;
  let lo = 0;
  let hi = 0;
  let byte = 0;
  // Bytes 0-3 carry bits 0-27 of the low half.
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw new WireError('truncated varint', start);
    byte = buf[pos++]!;
    lo |= (byte & 0x7f) << shift;
    if (byte < 0x80) return setScratch(pos, lo, 0);
  }
  // Byte 4 straddles the halves: bits 28-31 of the low, 0-2 of the high.
  if (pos >= end) throw new WireError('truncated varint', start);
  byte = buf[pos++]!;
  lo |= (byte & 0x7f) << 28;
  hi = (byte & 0x7f) >> 4;
  if (byte < 0x80) return setScratch(pos, lo, hi);
  // Bytes 5-9 carry bits 3-31 of the high half; the 10th byte (shift 31) holds bit 63 only.
  for (let shift = 3; shift < 38; shift += 7) {
    if (pos >= end) throw new WireError('truncated varint', start);
    byte = buf[pos++]!;
    hi |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      if (shift === 31 && byte > 1) throw new WireError('varint overflows 64 bits', start);
      return setScratch(pos, lo, hi);
    }
  }
  throw new WireError('varint longer than 10 bytes', start);
}

function setScratch(pos: number, lo: number, hi: number): number {
  scratch.lo = lo >>> 0;
  scratch.hi = hi >>> 0;
  return pos;
}
