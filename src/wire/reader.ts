// Reader: strict, bounded protobuf wire-format decoder (protobuf.dev "Encoding").
//
// Every read checks the bytes are there, so truncated or corrupt input becomes a WireError naming
// the problem and its byte offset: never a RangeError from Buffer internals, never a hang, never
// silent garbage. A nested message is read with `end` narrowed to its own length, so a field can
// not run past the message that contains it; nesting is limited to MAX_DEPTH.

import { isUtf8 } from 'node:buffer';
import './buffer-natives.js';
import {
  exactNumber,
  joinInt64,
  joinInt64BigInt,
  joinUint64,
  joinUint64BigInt,
  readVarint64,
  scratch,
  unzigzagScratch,
} from './int64.js';
import { skipField } from './skip-field.js';
import { WireError } from './wire-error.js';
import { MAX_DEPTH, WireType } from './wire-types.js';

export { MAX_DEPTH };

export class Reader {
  readonly buf: Buffer;
  /** The next byte to read. */
  pos: number;
  /** One past the last byte of the message being read; narrowed while inside a nested one. */
  end: number;
  /** How many messages and groups enclose the current position. */
  depth = 0;

  /** Where the key of the field being read began: the offset reported for a stray end-group. */
  private tagAt = 0;
  /** One past the last byte this reader may ever read (its `end` when it was made). */
  readonly limit: number;
  /** Used by readString only: a latin1 copy of the input from `textAt` (readString, below). */
  text = '';
  /** Used by readString only: where `text` begins in `buf`. */
  textAt = 0;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    // Every read trusts `end`: one past the buffer would read `undefined` as if it were a byte.
    if (!(Number.isInteger(pos) && Number.isInteger(end) && 0 <= pos && pos <= end)) {
      throw new RangeError(`reader range ${pos}..${end} is not a valid range of byte offsets`);
    }
    if (end > bytes.length) {
      throw new RangeError(`reader end ${end} is past the end of a ${bytes.length}-byte buffer`);
    }
    this.buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
    this.end = end;
    this.limit = end;
  }

  /**
   * A field key. Field number 0, wire types 6 and 7, and keys longer than 5 bytes or above 32 bits
   * (field numbers over 2^29-1) are errors; returns the whole key so a codec can `switch` on
   * field number and wire type at once.
   */
  tag(): number {
    const pos = this.pos;
    let key: number;
    if (pos < this.end && this.buf[pos]! < 0x80) {
      // Fields 1-15 have one-byte keys: the common case.
      key = this.buf[pos]!;
      this.pos = pos + 1;
    } else {
      key = this.tagSlow();
    }
    this.tagAt = pos;
    if (key < 8 || (key & 7) > 5) {
      const wireType = key & 7;
      if (wireType > 5) throw new WireError(`invalid wire type ${wireType}`, pos);
      throw new WireError('invalid field number 0', pos);
    }
    return key;
  }

  /** A key of 2 to 5 bytes: a 32-bit varint, where bits past 32 would be a field number > 2^29-1. */
  private tagSlow(): number {
    const buf = this.buf;
    const start = this.pos;
    const end = this.end;
    let pos = start;
    let key = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint', start);
      const byte = buf[pos++]!;
      if (shift === 28 && byte > 0x0f) {
        throw new WireError(
          byte < 0x80 ? 'field number beyond 2^29-1' : 'field key longer than 5 bytes',
          start,
        );
      }
      key |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    this.pos = pos;
    return key >>> 0;
  }

  /** An unsigned varint truncated to 32 bits (uint32, enum, lengths); at most 10 bytes. */
  uint32(): number {
    const buf = this.buf;
    const pos = this.pos;
    if (pos < this.end) {
      const first = buf[pos]!;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    return this.uint32Slow();
  }

  private uint32Slow(): number {
    const buf = this.buf;
    const start = this.pos;
    const end = this.end;
    let pos = start;
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint', start);
      const byte = buf[pos++]!;
      // Bits past 32 are dropped: protobuf reads a 64-bit varint into a 32-bit field this way.
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        // The 10th byte holds bit 63 only; anything more is not a 64-bit value at all.
        if (shift === 63 && byte > 1) throw new WireError('varint overflows 64 bits', start);
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new WireError('varint longer than 10 bytes', start);
  }

  /** A signed 32-bit varint (int32): the low 32 bits of a possibly sign-extended 64-bit value. */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A zigzag-encoded signed 32-bit varint (sint32). */
  sint32(): number {
    const value = this.uint32();
    return (value >>> 1) ^ -(value & 1);
  }

  /** A boolean: any non-zero varint is true. */
  bool(): boolean {
    this.varint64();
    return scratch.lo !== 0 || scratch.hi !== 0;
  }

  /** A signed 64-bit varint as a number; a WireError if it is beyond ±(2^53-1). */
  int64(): number {
    // Up to 7 bytes (49 bits, non-negative) a varint is exact as a double summed byte by byte:
    // Unix-millisecond timestamps take 6. Negative and longer values take the path below.
    let pos = this.pos;
    let value = 0;
    for (let scale = 1; scale < 2 ** 49 && pos < this.end; scale *= 128) {
      const byte = this.buf[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = pos;
        return value;
      }
    }
    const start = this.pos;
    this.varint64();
    return exactNumber(joinInt64(scratch.lo, scratch.hi), 'int64', start);
  }

  /** An unsigned 64-bit varint as a number; a WireError if it is beyond 2^53-1. */
  uint64(): number {
    const start = this.pos;
    this.varint64();
    return exactNumber(joinUint64(scratch.lo, scratch.hi), 'uint64', start);
  }

  /** A zigzag-encoded signed 64-bit varint as a number. */
  sint64(): number {
    const start = this.pos;
    this.varint64();
    unzigzagScratch();
    return exactNumber(joinInt64(scratch.lo, scratch.hi), 'sint64', start);
  }

  /** A signed 64-bit varint as a bigint, exact over the whole range. */
  int64BigInt(): bigint {
    this.varint64();
    return joinInt64BigInt(scratch.lo, scratch.hi);
  }

  /** An unsigned 64-bit varint as a bigint. */
  uint64BigInt(): bigint {
    this.varint64();
    return joinUint64BigInt(scratch.lo, scratch.hi);
  }

  /** A zigzag-encoded signed 64-bit varint as a bigint. */
  sint64BigInt(): bigint {
    this.varint64();
    unzigzagScratch();
    return joinInt64BigInt(scratch.lo, scratch.hi);
  }

  /** Four little-endian bytes, unsigned (fixed32). */
  fixed32(): number {
    const pos = this.need(4);
    return this.buf.readUInt32LE(pos);
  }

  /** Four little-endian bytes, signed (sfixed32). */
  sfixed32(): number {
    const pos = this.need(4);
    return this.buf.readInt32LE(pos);
  }

  /** Eight little-endian bytes, unsigned, as a number; a WireError beyond 2^53-1. */
  fixed64(): number {
    const pos = this.need(8);
    const value = joinUint64(this.buf.readUInt32LE(pos), this.buf.readUInt32LE(pos + 4));
    return exactNumber(value, 'fixed64', pos);
  }

  /** Eight little-endian bytes, signed, as a number; a WireError beyond ±(2^53-1). */
  sfixed64(): number {
    const pos = this.need(8);
    const value = joinInt64(this.buf.readUInt32LE(pos), this.buf.readUInt32LE(pos + 4));
    return exactNumber(value, 'sfixed64', pos);
  }

  /** Eight little-endian bytes, unsigned, as a bigint. */
  fixed64BigInt(): bigint {
    const pos = this.need(8);
    return this.buf.readBigUInt64LE(pos);
  }

  /** Eight little-endian bytes, signed, as a bigint. */
  sfixed64BigInt(): bigint {
    const pos = this.need(8);
    return this.buf.readBigInt64LE(pos);
  }

  /** An IEEE 754 single, little-endian. */
  float(): number {
    const pos = this.need(4);
    return this.buf.readFloatLE(pos);
  }

  /** An IEEE 754 double, little-endian. */
  double(): number {
    const pos = this.need(8);
    return this.buf.readDoubleLE(pos);
  }

  /** A length-delimited UTF-8 string; invalid UTF-8 is a WireError, not U+FFFD (readString, below). */
  string(): string {
    const start = this.delimited();
    return start === this.pos ? '' : readString(this, start, this.pos);
  }

  /** Length-delimited bytes, copied out so the result does not pin the whole input chunk. */
  bytes(): Uint8Array {
    const start = this.delimited();
    return Uint8Array.prototype.slice.call(this.buf, start, this.pos);
  }

  /**
   * Reads a length prefix, checks the bytes are there, moves past them and returns where they
   * begin. The building block of strings, bytes, packed fields and nested messages.
   */
  delimited(): number {
    const lengthAt = this.pos;
    const length = this.uint32();
    const start = this.pos;
    if (length > this.end - start) {
      throw new WireError(
        `length ${length} runs past the end of the message (${this.end - start} bytes left)`,
        lengthAt,
      );
    }
    this.pos = start + length;
    return start;
  }

  /**
   * A nested message: reads its length, narrows `end` to it, lets `read` decode it and checks
   * it consumed exactly those bytes. Depth beyond MAX_DEPTH is an error, not a stack overflow.
   */
  message<T>(read: (reader: Reader) => T): T {
    const start = this.delimited();
    const messageEnd = this.pos;
    const outerEnd = this.end;
    if (++this.depth > MAX_DEPTH) {
      throw new WireError(`messages nested deeper than ${MAX_DEPTH}`, start);
    }
    this.pos = start;
    this.end = messageEnd;
    const value = read(this);
    // A reader that stopped early would leave the rest to be parsed as the outer message's fields.
    if (this.pos !== messageEnd) {
      throw new WireError(
        `nested message not read to its end (${messageEnd - this.pos} bytes left)`,
        this.pos,
      );
    }
    this.end = outerEnd;
    this.depth--;
    return value;
  }

  /**
   * Reads a repeated scalar (numbers, bools, enums) in either encoding: packed (one
   * length-delimited run, wire type 2) or unpacked (one key per element). Parsers must accept
   * both, whatever the .proto says.
   */
  repeatedScalar<T>(key: number, readOne: (reader: Reader) => T, into: T[]): T[] {
    if ((key & 7) !== WireType.LengthDelimited) {
      into.push(readOne(this));
      return into;
    }
    const start = this.delimited();
    const packedEnd = this.pos;
    const outerEnd = this.end;
    this.pos = start;
    this.end = packedEnd;
    while (this.pos < packedEnd) into.push(readOne(this));
    this.end = outerEnd;
    return into;
  }

  /** Skips the value that follows `key`, whatever its wire type, groups included (skip-field.ts). */
  skip(key: number): void {
    skipField(this, key, this.tagAt);
  }

  /** A 64-bit varint into scratch.lo / scratch.hi (int64.ts decodes it). */
  private varint64(): void {
    this.pos = readVarint64(this.buf, this.pos, this.end);
  }

  /** Checks `count` bytes remain, moves past them and returns where they began. */
  private need(count: number): number {
    const pos = this.pos;
    if (this.end - pos < count) {
      throw new WireError(`truncated: ${count} bytes needed, ${this.end - pos} left`, pos);
    }
    this.pos = pos + count;
    return pos;
  }
}

// Decoding a string field's bytes (protobuf.dev "Encoding", "Strings": a string must be valid
// UTF-8, so invalid UTF-8 is a WireError here, never U+FFFD). Short ASCII strings (ids, names,
// emails: the common case) are cut out of `text`, one latin1 copy of up to TEXT_WINDOW_BYTES of the
// input, in which each ASCII byte is its own character: a JavaScript check of the bytes and a
// substring, where a native utf8Slice per string cost a call into C++ each time (User decode went
// from 1.00× to 1.40× protobufjs, docs/codec-performance.md). Anything else goes to V8's decoder.

/** Strings up to this long are checked for ASCII in JavaScript; longer ones go to V8's decoder. */
const SHORT_TEXT_BYTES = 64;

/**
 * How much of the input one latin1 copy covers. A string cut from it keeps the copy alive (V8
 * shares the characters of a substring of 13 or more), so this bounds what one string can keep.
 */
const TEXT_WINDOW_BYTES = 1024;

/** The string in bytes [start, end) of `source.buf` (not empty); a WireError if not UTF-8. */
function readString(source: Reader, start: number, end: number): string {
  const buf = source.buf;
  if (end - start <= SHORT_TEXT_BYTES) {
    let i = start;
    while (i < end && buf[i]! < 0x80) i++;
    if (i === end) {
      if (start < source.textAt || end > source.textAt + source.text.length) {
        source.textAt = start;
        source.text = buf.latin1Slice(start, Math.min(start + TEXT_WINDOW_BYTES, source.limit));
      }
      return source.text.substring(start - source.textAt, end - source.textAt);
    }
  }
  // Invalid UTF-8 always decodes to U+FFFD, so only a string holding U+FFFD needs the slower
  // validity check (a valid one may contain U+FFFD legitimately).
  const text = buf.utf8Slice(start, end);
  if (text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) {
    throw new WireError('invalid UTF-8 in a string field', start);
  }
  return text;
}
