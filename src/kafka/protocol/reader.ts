// KafkaReader: bounded big-endian decoder of Kafka's primitive types (kafka.apache.org/protocol
// "Protocol Primitive Types"; compact forms and tagged fields from KIP-482).
//
// Every read checks that its bytes are there, and every length is checked against the bytes left
// before anything is allocated, so a truncated or lying input becomes a KafkaProtocolError naming
// the field and the byte offset: never a RangeError, never a huge allocation. Byte fields (bytes,
// records) are returned as views into the input buffer, never copied.
//
// int64 values are JavaScript numbers: offsets, timestamps and producer ids are far below 2^53 in
// practice, and a number is what the broker computes with. A value outside ±(2^53 - 1) cannot be
// represented exactly, so it is rejected rather than rounded.

import { KafkaProtocolError } from './errors.js';

const TWO_POW_32 = 4294967296;

/** The all-zero UUID in Kafka's text form (base64url, 22 characters): "no topic id". */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export class KafkaReader {
  readonly buf: Buffer;
  /** The next byte to read. */
  pos: number;
  /** One past the last readable byte. */
  readonly end: number;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    if (!(Number.isInteger(pos) && Number.isInteger(end) && pos >= 0 && pos <= end)) {
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
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes are there; returns where they start. */
  private take(n: number, field: string): number {
    const at = this.pos;
    if (n > this.end - at) {
      throw new KafkaProtocolError(`${field}: needs ${n} bytes, only ${this.end - at} left`, at);
    }
    this.pos = at + n;
    return at;
  }

  int8(field = 'int8'): number {
    return this.buf.readInt8(this.take(1, field));
  }

  int16(field = 'int16'): number {
    return this.buf.readInt16BE(this.take(2, field));
  }

  uint16(field = 'uint16'): number {
    return this.buf.readUInt16BE(this.take(2, field));
  }

  int32(field = 'int32'): number {
    return this.buf.readInt32BE(this.take(4, field));
  }

  uint32(field = 'uint32'): number {
    return this.buf.readUInt32BE(this.take(4, field));
  }

  /** A big-endian int64 as a number; a value beyond ±(2^53 - 1) is an error (see the top). */
  int64(field = 'int64'): number {
    const at = this.take(8, field);
    const value = this.buf.readInt32BE(at) * TWO_POW_32 + this.buf.readUInt32BE(at + 4);
    // Rounding is monotonic, so any true value outside the safe range computes to one outside it.
    if (!Number.isSafeInteger(value)) {
      throw new KafkaProtocolError(
        `${field}: int64 ${this.buf.readBigInt64BE(at)} is beyond 2^53`,
        at,
      );
    }
    return value;
  }

  float64(field = 'float64'): number {
    return this.buf.readDoubleBE(this.take(8, field));
  }

  /** A boolean: any non-zero byte is true, as Kafka's own reader does. */
  bool(field = 'bool'): boolean {
    return this.buf[this.take(1, field)] !== 0;
  }

  /** An unsigned varint of at most 5 bytes (0..2^32-1), as Kafka's ByteUtils.readUnsignedVarint. */
  uvarint(field = 'uvarint'): number {
    const buf = this.buf;
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (start + i >= this.end) {
        throw new KafkaProtocolError(`${field}: varint runs past the end`, start);
      }
      const byte = buf[start + i]!;
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) {
        this.pos = start + i + 1;
        if (value > 0xffffffff) {
          throw new KafkaProtocolError(`${field}: varint ${value} exceeds 32 bits`, start);
        }
        return value;
      }
    }
    throw new KafkaProtocolError(`${field}: varint longer than 5 bytes`, start);
  }

  /** A zigzag-encoded signed 32-bit varint (record fields). */
  varint(field = 'varint'): number {
    const u = this.uvarint(field);
    // Zigzag: even n encodes n/2, odd n encodes -(n+1)/2.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** A zigzag-encoded signed 64-bit varint of at most 10 bytes, as a safe-integer number. */
  varlong(field = 'varlong'): number {
    const buf = this.buf;
    const start = this.pos;
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      if (start + i >= this.end) {
        throw new KafkaProtocolError(`${field}: varlong runs past the end`, start);
      }
      const byte = buf[start + i]!;
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) {
        this.pos = start + i + 1;
        const signed = (value >> 1n) ^ -(value & 1n);
        const n = Number(signed);
        if (!Number.isSafeInteger(n)) {
          throw new KafkaProtocolError(`${field}: varlong ${signed} is beyond 2^53`, start);
        }
        return n;
      }
    }
    throw new KafkaProtocolError(`${field}: varlong longer than 10 bytes`, start);
  }

  /** A 16-byte UUID in Kafka's text form: unpadded base64url, 22 characters. */
  uuid(field = 'uuid'): string {
    const at = this.take(16, field);
    return this.buf.toString('base64url', at, at + 16);
  }

  /** `n` raw bytes as a view into the input (no copy). */
  raw(n: number, field = 'bytes'): Buffer {
    const at = this.take(n, field);
    return this.buf.subarray(at, at + n);
  }

  private utf8(n: number, field: string): string {
    const at = this.take(n, field);
    return this.buf.toString('utf8', at, at + n);
  }

  /** A length read by a caller: checked for sign and against the bytes left. */
  private checkedLength(length: number, at: number, field: string, nullable: boolean): number {
    if (length < 0 && !(nullable && length === -1)) {
      throw new KafkaProtocolError(`${field}: invalid length ${length}`, at);
    }
    if (length > this.end - this.pos) {
      throw new KafkaProtocolError(
        `${field}: length ${length} exceeds the ${this.end - this.pos} bytes left`,
        at,
      );
    }
    return length;
  }

  /** STRING / NULLABLE_STRING: int16 length (-1 = null when nullable), UTF-8 bytes. */
  string(field = 'string'): string {
    return this.stringOrNull(field, false) as string;
  }

  nullableString(field = 'string'): string | null {
    return this.stringOrNull(field, true);
  }

  private stringOrNull(field: string, nullable: boolean): string | null {
    const at = this.pos;
    const n = this.checkedLength(this.int16(field), at, field, nullable);
    return n === -1 ? null : this.utf8(n, field);
  }

  /** COMPACT_STRING / COMPACT_NULLABLE_STRING: uvarint length + 1 (0 = null), UTF-8 bytes. */
  compactString(field = 'string'): string {
    return this.compactStringOrNull(field, false) as string;
  }

  compactNullableString(field = 'string'): string | null {
    return this.compactStringOrNull(field, true);
  }

  private compactStringOrNull(field: string, nullable: boolean): string | null {
    const at = this.pos;
    const n = this.checkedLength(this.uvarint(field) - 1, at, field, nullable);
    return n === -1 ? null : this.utf8(n, field);
  }

  /** BYTES / NULLABLE_BYTES (and RECORDS): int32 length (-1 = null), a view of the bytes. */
  bytes(field = 'bytes'): Buffer {
    return this.bytesOrNull(field, false) as Buffer;
  }

  nullableBytes(field = 'bytes'): Buffer | null {
    return this.bytesOrNull(field, true);
  }

  private bytesOrNull(field: string, nullable: boolean): Buffer | null {
    const at = this.pos;
    const n = this.checkedLength(this.int32(field), at, field, nullable);
    return n === -1 ? null : this.raw(n, field);
  }

  /** COMPACT_BYTES / COMPACT_NULLABLE_BYTES (and COMPACT_RECORDS): uvarint length + 1. */
  compactBytes(field = 'bytes'): Buffer {
    return this.compactBytesOrNull(field, false) as Buffer;
  }

  compactNullableBytes(field = 'bytes'): Buffer | null {
    return this.compactBytesOrNull(field, true);
  }

  private compactBytesOrNull(field: string, nullable: boolean): Buffer | null {
    const at = this.pos;
    const n = this.checkedLength(this.uvarint(field) - 1, at, field, nullable);
    return n === -1 ? null : this.raw(n, field);
  }

  /**
   * An ARRAY's int32 count (-1 = null), or a COMPACT_ARRAY's uvarint count + 1 (0 = null). A
   * count above the bytes left is a lie (every element takes at least one byte) and is rejected
   * before the caller allocates for it.
   */
  arrayLength(compact: boolean, nullable: boolean, field = 'array'): number {
    const at = this.pos;
    const count = compact ? this.uvarint(field) - 1 : this.int32(field);
    return this.checkedLength(count, at, field, nullable);
  }

  /**
   * A tagged-field section (KIP-482): a uvarint count, then per field a uvarint tag, a uvarint
   * size and that many bytes. `onTag` reads the fields it knows with a reader bounded to the
   * field's bytes and returns false for a tag it does not know, which is skipped.
   */
  taggedFields(
    onTag?: (tag: number, field: KafkaReader) => boolean,
    field = 'tagged fields',
  ): void {
    // Like Kafka's generated readers, this does not insist on ascending tags: writers sort them,
    // readers stay lenient.
    const count = this.uvarint(field);
    for (let i = 0; i < count; i++) {
      const at = this.pos;
      const tag = this.uvarint(field);
      const size = this.checkedLength(this.uvarint(field), at, field, false);
      const start = this.pos;
      this.pos = start + size;
      if (onTag !== undefined) {
        const sub = new KafkaReader(this.buf, start, start + size);
        if (onTag(tag, sub) && sub.pos !== sub.end) {
          throw new KafkaProtocolError(
            `${field}: tag ${tag} declared ${size} bytes, its value used ${sub.pos - start}`,
            start,
          );
        }
      }
    }
  }
}
