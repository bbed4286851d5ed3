// KafkaWriter: big-endian encoder of Kafka's primitive types (kafka.apache.org/protocol
// "Protocol Primitive Types"; compact forms and tagged fields from KIP-482).
//
// Small values go into a growing scratch buffer; a large byte field (a record set, an assignment)
// is kept by reference as its own chunk, so a Fetch response carries stored batches to the socket
// without copying them (`chunks()` for writev, `toBuffer()` when one buffer is wanted).
// int64 values are numbers and must be safe integers (see reader.ts).

import { KafkaProtocolError } from './errors.js';

const TWO_POW_32 = 4294967296;
/** Byte fields at least this long are referenced, not copied. */
const REFERENCE_AT_BYTES = 512;

export class KafkaWriter {
  private buf: Buffer;
  private pos = 0;
  /** Finished chunks before `buf`: earlier scratch slices and referenced byte fields. */
  private done: Buffer[] = [];
  private doneLength = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.doneLength + this.pos;
  }

  /** The written bytes as chunks in order (for socket.writev or framing without a copy). */
  chunks(): Buffer[] {
    const out = this.done.slice();
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    return out;
  }

  /** The written bytes as one buffer. */
  toBuffer(): Buffer {
    const chunks = this.chunks();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.length);
  }

  private room(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      if (this.pos > 0) this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
    }
    return this.buf;
  }

  /** Moves the scratch bytes into `done` and starts a fresh scratch buffer. */
  private flush(): void {
    this.done.push(this.buf.subarray(0, this.pos));
    this.doneLength += this.pos;
    this.buf = Buffer.allocUnsafe(Math.max(256, this.buf.length * 2));
    this.pos = 0;
  }

  private checkInt(value: number, min: number, max: number, type: string): void {
    if (!(Number.isInteger(value) && value >= min && value <= max)) {
      throw new KafkaProtocolError(
        `${type} value ${value} is not an integer in ${min}..${max}`,
        -1,
      );
    }
  }

  int8(value: number): this {
    this.checkInt(value, -128, 127, 'int8');
    this.pos = this.room(1).writeInt8(value, this.pos);
    return this;
  }

  int16(value: number): this {
    this.checkInt(value, -32768, 32767, 'int16');
    this.pos = this.room(2).writeInt16BE(value, this.pos);
    return this;
  }

  uint16(value: number): this {
    this.checkInt(value, 0, 65535, 'uint16');
    this.pos = this.room(2).writeUInt16BE(value, this.pos);
    return this;
  }

  int32(value: number): this {
    this.checkInt(value, -2147483648, 2147483647, 'int32');
    this.pos = this.room(4).writeInt32BE(value, this.pos);
    return this;
  }

  uint32(value: number): this {
    this.checkInt(value, 0, 0xffffffff, 'uint32');
    this.pos = this.room(4).writeUInt32BE(value, this.pos);
    return this;
  }

  /** A big-endian int64 from a safe-integer number. */
  int64(value: number): this {
    this.checkInt(value, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'int64');
    const high = Math.floor(value / TWO_POW_32);
    const buf = this.room(8);
    buf.writeInt32BE(high, this.pos);
    buf.writeUInt32BE(value - high * TWO_POW_32, this.pos + 4);
    this.pos += 8;
    return this;
  }

  float64(value: number): this {
    this.pos = this.room(8).writeDoubleBE(value, this.pos);
    return this;
  }

  bool(value: boolean): this {
    this.room(1)[this.pos++] = value ? 1 : 0;
    return this;
  }

  /** An unsigned varint, 0..2^32-1. */
  uvarint(value: number): this {
    this.checkInt(value, 0, 0xffffffff, 'unsigned varint');
    const buf = this.room(5);
    while (value > 0x7f) {
      buf[this.pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    buf[this.pos++] = value;
    return this;
  }

  /** A zigzag-encoded signed 32-bit varint. */
  varint(value: number): this {
    this.checkInt(value, -2147483648, 2147483647, 'varint');
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** A zigzag-encoded signed 64-bit varint from a safe-integer number. */
  varlong(value: number): this {
    this.checkInt(value, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'varlong');
    // Zigzag of a safe integer reaches 2^54: past exact doubles, so it is done in bigint.
    let u = value >= 0 ? BigInt(value) << 1n : (BigInt(-value) << 1n) - 1n;
    const buf = this.room(10);
    while (u > 0x7fn) {
      buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    buf[this.pos++] = Number(u);
    return this;
  }

  /** A UUID given in Kafka's text form (unpadded base64url of 16 bytes). */
  uuid(value: string): this {
    const bytes = Buffer.from(value, 'base64url');
    if (bytes.length !== 16 || bytes.toString('base64url') !== value) {
      throw new KafkaProtocolError(
        `uuid ${JSON.stringify(value)} is not 16 bytes in base64url`,
        -1,
      );
    }
    return this.raw(bytes);
  }

  /** Bytes as they are: copied when small, referenced as their own chunk when large. */
  raw(bytes: Uint8Array): this {
    const n = bytes.length;
    if (n >= REFERENCE_AT_BYTES) {
      if (this.pos > 0) this.flush();
      this.done.push(
        Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, n),
      );
      this.doneLength += n;
      return this;
    }
    const buf = this.room(n);
    buf.set(bytes, this.pos);
    this.pos += n;
    return this;
  }

  private utf8(value: string, length: number): void {
    // room() first: it may start a new scratch buffer and so move `pos`.
    const buf = this.room(length);
    this.pos += buf.write(value, this.pos, length, 'utf8');
  }

  /** STRING (int16 length); null writes length -1 (NULLABLE_STRING). */
  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    if (length > 32767) {
      throw new KafkaProtocolError(`string of ${length} bytes is longer than 32767`, -1);
    }
    this.int16(length).utf8(value, length);
    return this;
  }

  /** COMPACT_STRING (uvarint length + 1); null writes 0 (COMPACT_NULLABLE_STRING). */
  compactString(value: string | null): this {
    if (value === null) return this.uvarint(0);
    const length = Buffer.byteLength(value, 'utf8');
    this.uvarint(length + 1).utf8(value, length);
    return this;
  }

  /** BYTES (int32 length); null writes -1 (NULLABLE_BYTES). */
  bytes(value: Uint8Array | null): this {
    if (value === null) return this.int32(-1);
    return this.int32(value.length).raw(value);
  }

  /** COMPACT_BYTES (uvarint length + 1); null writes 0. */
  compactBytes(value: Uint8Array | null): this {
    if (value === null) return this.uvarint(0);
    return this.uvarint(value.length + 1).raw(value);
  }

  /** An ARRAY's int32 count or a COMPACT_ARRAY's uvarint count + 1; null is -1 / 0. */
  arrayLength(count: number | null, compact: boolean): this {
    if (compact) return this.uvarint(count === null ? 0 : count + 1);
    return this.int32(count === null ? -1 : count);
  }

  /** Appends everything another writer wrote (used for tagged fields, whose size comes first). */
  append(other: KafkaWriter): this {
    for (const chunk of other.chunks()) this.raw(chunk);
    return this;
  }
}
