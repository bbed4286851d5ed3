// Encoded sizes of protobuf values (protobuf.dev "Encoding"): what each codec's `size` adds up,
// for a Writer of a known size (`Writer.ofSize`). encodeMessage itself writes without sizing.

import { checkInt64, checkUint64, scratch, splitInt64, splitUint64, zigzagSplit } from './int64.js';

/** Bytes a varint of an unsigned 32-bit value takes: 1 to 5. */
export function varint32Size(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Bytes an `int32` takes: negative values are sign-extended to 64 bits, so always 10. */
export function int32Size(value: number): number {
  return value < 0 ? 10 : varint32Size(value);
}

/** Bytes a `sint32` takes after zigzag encoding. */
export function sint32Size(value: number): number {
  return varint32Size(((value << 1) ^ (value >> 31)) >>> 0);
}

/** Bytes a 64-bit varint takes, from its low and high 32-bit halves. */
export function varint64SizeSplit(lo: number, hi: number): number {
  if (hi === 0) return varint32Size(lo);
  // Bits above 28 of the whole value decide the length: 28 bits fit in 4 bytes, 7 more per byte.
  if (hi < 0x8) return 5;
  if (hi < 0x400) return 6;
  if (hi < 0x20000) return 7;
  if (hi < 0x1000000) return 8;
  if (hi < 0x80000000) return 9;
  return 10;
}

/** Bytes an `int64` takes (a number within the safe range, or a bigint). */
export function int64Size(value: number | bigint): number {
  if (typeof value === 'number' && value >= 0 && value < 0x80000000) return varint32Size(value);
  checkInt64(value);
  splitInt64(value);
  return varint64SizeSplit(scratch.lo, scratch.hi);
}

/** Bytes a `uint64` takes. */
export function uint64Size(value: number | bigint): number {
  if (typeof value === 'number' && value >= 0 && value < 0x80000000) return varint32Size(value);
  checkUint64(value);
  splitUint64(value);
  return varint64SizeSplit(scratch.lo, scratch.hi);
}

/** Bytes a `sint64` takes after zigzag encoding. */
export function sint64Size(value: number | bigint): number {
  checkInt64(value, 'sint64');
  zigzagSplit(value);
  return varint64SizeSplit(scratch.lo, scratch.hi);
}

/**
 * Bytes the UTF-8 encoding of a string takes; a lone surrogate becomes U+FFFD (3 bytes), as the
 * Writer writes it. V8's native count (about 20 ns for a short string here) beats a JavaScript
 * loop over the characters (50-80 ns) at every length measured.
 */
export function utf8Length(text: string): number {
  return text.length === 0 ? 0 : Buffer.byteLength(text, 'utf8');
}

/** Bytes a length-delimited string field's payload takes: its length varint plus its UTF-8. */
export function stringSize(text: string): number {
  const bytes = utf8Length(text);
  return varint32Size(bytes) + bytes;
}

/** Bytes a length-delimited bytes field's payload takes. */
export function bytesSize(value: Uint8Array): number {
  return varint32Size(value.length) + value.length;
}

/** Bytes a field's tag takes: the field number shifted left by three, as a varint. */
export function tagSize(fieldNumber: number): number {
  return varint32Size((fieldNumber << 3) >>> 0);
}
