// Writer: protobuf wire-format encoder over a buffer that grows as needed (protobuf.dev "Encoding").
//
// Each method writes one wire value; `tag(field, wireType)` writes the key that precedes it. Every
// method first makes sure the buffer has room for the most bytes its value can take; when it has
// not, the message written so far ([start, pos)) moves to the front of a buffer twice as large.
//
// encodeMessage and encodeFrame write in one pass into a shared slab (the slab, at the end of this file), with no
// sizing pass first (which cost a native Buffer.byteLength per string). A Writer of a known size
// (`ofSize`, then `finish`) remains for codecs that size first, such as reflection's.

import { checkInt64, checkUint64, scratch, splitInt64, splitUint64, zigzagSplit } from './int64.js';
import './buffer-natives.js';
import { utf8Length } from './sizes.js';
import { MAX_FIELD_NUMBER, type WireType } from './wire-types.js';

/** Strings of at most this many UTF-16 units take at most 3 × 42 = 126 bytes: a 1-byte length. */
const SHORT_STRING_UNITS = 42;

/** The smallest buffer a Writer grows into. */
const MIN_GROWN_BYTES = 256;

export class Writer {
  /**
   * The output. Replaced by a larger copy when a value does not fit: read it after writing, and
   * hold positions in it as offsets from `start` across any call that writes (codec.ts does so).
   */
  buf: Buffer;
  /** Where the next byte goes. */
  pos: number;
  /** Where the message being written began: the bytes before it are not carried into a new buffer. */
  start: number;
  /** The least a grown buffer's length is: beginMessage (below) sets it from the last large message. */
  minGrownBytes = MIN_GROWN_BYTES;
  /** The length `finish` expects: the buffer's length when it was given. */
  private readonly sizedFor: number;
  /**
   * Whether a value that does not fit moves the message to a larger buffer. A writer over a
   * buffer sized beforehand does not grow: what `finish` checks is that the sizes agreed.
   */
  private readonly growable: boolean;

  constructor(buf: Buffer, pos = 0, growable = false) {
    this.buf = buf;
    this.pos = pos;
    this.start = 0;
    this.sizedFor = buf.length;
    this.growable = growable;
  }

  /** A writer over a fresh buffer of `size` bytes (its contents are all overwritten). */
  static ofSize(size: number): Writer {
    return new Writer(Buffer.allocUnsafe(size));
  }

  /** The written bytes; throws if the size computed beforehand was not filled exactly. */
  finish(): Buffer {
    if (this.pos !== this.sizedFor) {
      throw new Error(
        `encoder wrote ${this.pos} bytes into a buffer sized ${this.sizedFor}: a codec's size and write disagree`,
      );
    }
    return this.buf;
  }

  /**
   * Makes sure `bytes` more bytes fit after `pos`, moving to a larger buffer if they do not (a
   * growable writer; a sized one writes on, and `finish` reports a codec that overran its size).
   */
  room(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  /**
   * Moves the message written so far, [start, pos), to the front of a new buffer with room for
   * twice its length plus `bytes`; what came before `start` (earlier messages) stays where it was.
   */
  private grow(bytes: number): void {
    if (!this.growable) return;
    const written = this.pos - this.start;
    const grown = Buffer.allocUnsafe(Math.max(this.minGrownBytes, 2 * (written + bytes)));
    this.buf.copy(grown, 0, this.start, this.pos);
    this.buf = grown;
    this.start = 0;
    this.pos = written;
  }

  /** A field key: `(fieldNumber << 3) | wireType` as a varint. */
  tag(fieldNumber: number, wireType: WireType): this {
    // A field number out of range would wrap in `<< 3` and silently name another field.
    if (!(fieldNumber >= 1 && fieldNumber <= MAX_FIELD_NUMBER && fieldNumber % 1 === 0)) {
      throw new RangeError(`field number ${fieldNumber} is not an integer in 1..2^29-1`);
    }
    const key = ((fieldNumber << 3) | wireType) >>> 0;
    // Fields 1-15 have one-byte keys, the common case: stored directly, without uint32's checks.
    if (key < 0x80) {
      this.room(1);
      this.buf[this.pos++] = key;
      return this;
    }
    return this.uint32(key);
  }

  /** An unsigned 32-bit varint (uint32, enum values ≥ 0, lengths, tags). */
  uint32(value: number): this {
    if (value >>> 0 !== value)
      throw new RangeError(`uint32 value ${value} is not an integer in 0..2^32-1`);
    this.room(5);
    const buf = this.buf;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
    return this;
  }

  /** A signed 32-bit varint: negative values are sign-extended to 10 bytes, as protobuf says. */
  int32(value: number): this {
    if ((value | 0) !== value)
      throw new RangeError(`int32 value ${value} is not an integer in -2^31..2^31-1`);
    if (value >= 0) return this.uint32(value);
    return this.varint64(value >>> 0, 0xffffffff);
  }

  /** A zigzag-encoded signed 32-bit varint (sint32). */
  sint32(value: number): this {
    if ((value | 0) !== value)
      throw new RangeError(`sint32 value ${value} is not an integer in -2^31..2^31-1`);
    return this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** A signed 64-bit varint: a safe-integer number or a bigint. */
  int64(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && Number.isSafeInteger(value)) {
      if (value <= 0xffffffff) return this.uint32(value);
      // A safe non-negative number (a millisecond timestamp, say) written 7 bits at a time from
      // the number itself: `& 0x7f` keeps its low bits and dividing by 128 is exact, where
      // splitting it into 32-bit halves first cost more on the User encode of the codec bench.
      this.room(8);
      const buf = this.buf;
      let pos = this.pos;
      let rest = value;
      while (rest > 0x7f) {
        buf[pos++] = (rest & 0x7f) | 0x80;
        rest = Math.floor(rest / 128);
      }
      buf[pos++] = rest;
      this.pos = pos;
      return this;
    }
    checkInt64(value);
    splitInt64(value);
    return this.varint64(scratch.lo, scratch.hi);
  }

  /** An unsigned 64-bit varint. */
  uint64(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value <= 0xffffffff && value % 1 === 0) {
      return this.uint32(value);
    }
    checkUint64(value);
    splitUint64(value);
    return this.varint64(scratch.lo, scratch.hi);
  }

  /** A zigzag-encoded signed 64-bit varint (sint64). */
  sint64(value: number | bigint): this {
    checkInt64(value, 'sint64');
    zigzagSplit(value);
    return this.varint64(scratch.lo, scratch.hi);
  }

  /** A boolean: one varint byte, 0 or 1. */
  bool(value: boolean): this {
    this.room(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
  }

  /** Four little-endian bytes of an unsigned 32-bit value (fixed32). */
  fixed32(value: number): this {
    if (value >>> 0 !== value)
      throw new RangeError(`fixed32 value ${value} is not an integer in 0..2^32-1`);
    this.room(4);
    this.buf.writeUInt32LE(value, this.pos);
    this.pos += 4;
    return this;
  }

  /** Four little-endian bytes of a signed 32-bit value (sfixed32). */
  sfixed32(value: number): this {
    if ((value | 0) !== value) {
      throw new RangeError(`sfixed32 value ${value} is not an integer in -2^31..2^31-1`);
    }
    this.room(4);
    this.buf.writeInt32LE(value, this.pos);
    this.pos += 4;
    return this;
  }

  /** Eight little-endian bytes of an unsigned 64-bit value (fixed64). */
  fixed64(value: number | bigint): this {
    checkUint64(value, 'fixed64');
    splitUint64(value);
    return this.fixedHalves(scratch.lo, scratch.hi);
  }

  /** Eight little-endian bytes of a signed 64-bit value (sfixed64). */
  sfixed64(value: number | bigint): this {
    checkInt64(value, 'sfixed64');
    splitInt64(value);
    return this.fixedHalves(scratch.lo, scratch.hi);
  }

  /** An IEEE 754 single, little-endian (float). */
  float(value: number): this {
    this.room(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
    return this;
  }

  /** An IEEE 754 double, little-endian. */
  double(value: number): this {
    this.room(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
    return this;
  }

  /** A length-delimited UTF-8 string; lone surrogates are written as U+FFFD, as sizes.ts counts. */
  string(text: string): this {
    const length = text.length;
    if (length > SHORT_STRING_UNITS) {
      const byteLength = utf8Length(text);
      this.uint32(byteLength);
      this.room(byteLength);
      this.buf.utf8Write(text, this.pos, byteLength);
      this.pos += byteLength;
      return this;
    }
    // Short strings (ids, names, emails): one pass. A UTF-16 unit never takes more than 3 bytes,
    // so the byte length fits the one-byte length prefix reserved here and filled in after.
    this.room(1 + 3 * length);
    const buf = this.buf;
    const lengthAt = this.pos;
    let pos = lengthAt + 1;
    let i = 0;
    // ASCII, the common case, in the tightest loop; the first other character leaves it.
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) break;
      buf[pos++] = code;
    }
    for (; i < length; i++) {
      let code = text.charCodeAt(i);
      if (code < 0x80) {
        buf[pos++] = code;
        continue;
      }
      if (code < 0x800) {
        buf[pos++] = 0xc0 | (code >> 6);
        buf[pos++] = 0x80 | (code & 0x3f);
        continue;
      }
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          // A surrogate pair: one code point above U+FFFF, four bytes.
          const point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          buf[pos++] = 0xf0 | (point >> 18);
          buf[pos++] = 0x80 | ((point >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((point >> 6) & 0x3f);
          buf[pos++] = 0x80 | (point & 0x3f);
          i++;
          continue;
        }
        code = 0xfffd; // a lone surrogate is not valid UTF-8: write the replacement character
      }
      buf[pos++] = 0xe0 | (code >> 12);
      buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
      buf[pos++] = 0x80 | (code & 0x3f);
    }
    buf[lengthAt] = pos - lengthAt - 1;
    this.pos = pos;
    return this;
  }

  /** Length-delimited raw bytes. */
  bytes(value: Uint8Array): this {
    this.uint32(value.length);
    this.room(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Bytes copied as they are, with no length prefix (an already-encoded message, say). */
  raw(value: Uint8Array): this {
    this.room(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** A varint of up to 10 bytes from its low and high unsigned 32-bit halves. */
  private varint64(lo: number, hi: number): this {
    this.room(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi !== 0 || lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
    return this;
  }

  private fixedHalves(lo: number, hi: number): this {
    this.room(8);
    this.buf.writeUInt32LE(lo, this.pos);
    this.buf.writeUInt32LE(hi, this.pos + 4);
    this.pos += 8;
    return this;
  }
}

// ---------------------------------------------------------------------------------------------
// The slab encodeMessage and encodeFrame write into: one pass per message, no sizing pass, and no
// copy out (protobuf.dev "Encoding" leaves the buffering to the implementation).
//
// Messages are written one after another into a shared buffer (the slab), and each is handed out
// as a Buffer viewing its own bytes, as Buffer.allocUnsafe hands out pieces of Node's 8 KiB pool.
// A message that outgrows what is left of the slab moves, part written, into a buffer of its own
// (Writer.grow). Measured (docs/codec-performance.md): dropping the sizing pass alone took a
// User's encode from 644 to 619 ns; copying a finished message out of a scratch buffer instead of
// handing out a view would cost 7% of the 1,000-error MigrationReport's encode.
//
// What that means for a caller: the Buffer returned may share its ArrayBuffer with other encoded
// messages (never their bytes), exactly as a small Buffer.allocUnsafe does; a message kept for long
// keeps its slab alive: SLAB_BYTES, or for a large message a buffer of its own of up to twice its
// length.

/** A new slab's size: small messages share one; a larger message grows into a buffer of its own. */
const SLAB_BYTES = 16 * 1024;

/** A slab with less room than this left is retired before a message begins. */
const MIN_ROOM_BYTES = 512;

/** The slab's writer when no encode is using it; null while one is (an encode inside a codec). */
let idle: Writer | null = null;

/** The length of the last message that outgrew its slab: the next large one is likely as large. */
let lastLargeLength = 0;

/** A writer positioned at the start of a new message in the slab. */
export function beginMessage(): Writer {
  let writer = idle;
  idle = null;
  // Another encode running inside a codec's write (idle is null then) gets a slab of its own.
  if (writer === null || writer.buf.length - writer.pos < MIN_ROOM_BYTES) {
    writer = new Writer(Buffer.allocUnsafe(SLAB_BYTES), 0, true);
  }
  // A message that outgrows the slab moves at once into room for twice the last large one, so
  // that the same report encoded again moves once: growing in steps from 16 KiB to 80 KiB copied
  // the part written at every step.
  writer.minGrownBytes = 2 * lastLargeLength;
  writer.start = writer.pos;
  return writer;
}

/**
 * The message just written, as a view of the slab; the next message begins after it, on an
 * 8-byte boundary as in Node's pool. A buffer larger than a slab (grown for a large message) is
 * not shared with the messages that follow, so a small one never keeps it alive. A writer whose
 * codec threw is not returned here: it is dropped, with the part-written message, and the next
 * encode starts a new slab.
 */
export function endMessage(writer: Writer): Buffer {
  const message = writer.buf.subarray(writer.start, writer.pos);
  writer.pos = Math.min((writer.pos + 7) & ~7, writer.buf.length);
  if (writer.buf.length > SLAB_BYTES) {
    lastLargeLength = message.length;
    idle = null;
  } else {
    idle = writer;
  }
  return message;
}
