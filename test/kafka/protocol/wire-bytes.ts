// Test helper: builds expected Kafka bytes from primitives written out by hand, independently of
// KafkaWriter (kafka.apache.org/protocol "Protocol Primitive Types"; compact forms: KIP-482).

export const i8 = (v: number) => Buffer.from([v & 0xff]);

export function i16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}

export function i32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

export function i64(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return b;
}

export const bool = (v: boolean) => Buffer.from([v ? 1 : 0]);

/** Unsigned varint, 7 bits a byte, low first. */
export function uv(v: number | bigint): Buffer {
  const out: number[] = [];
  let rest = BigInt(v);
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Buffer.from(out);
}

/** Zigzag signed varint (32 or 64 bits). */
export function zz(v: number): Buffer {
  const n = BigInt(v);
  return uv(n >= 0n ? n << 1n : (-n << 1n) - 1n);
}

/** STRING / NULLABLE_STRING. */
export function str(v: string | null): Buffer {
  if (v === null) return i16(-1);
  const b = Buffer.from(v, 'utf8');
  return Buffer.concat([i16(b.length), b]);
}

/** COMPACT_STRING / COMPACT_NULLABLE_STRING. */
export function cstr(v: string | null): Buffer {
  if (v === null) return uv(0);
  const b = Buffer.from(v, 'utf8');
  return Buffer.concat([uv(b.length + 1), b]);
}

/** BYTES / NULLABLE_BYTES. */
export function byt(v: Uint8Array | null): Buffer {
  if (v === null) return i32(-1);
  return Buffer.concat([i32(v.length), v]);
}

/** COMPACT_BYTES / COMPACT_NULLABLE_BYTES. */
export function cbyt(v: Uint8Array | null): Buffer {
  if (v === null) return uv(0);
  return Buffer.concat([uv(v.length + 1), v]);
}

/** ARRAY count (int32) and COMPACT_ARRAY count (uvarint n + 1). */
export const arr = (n: number | null) => i32(n === null ? -1 : n);
export const carr = (n: number | null) => uv(n === null ? 0 : n + 1);

/** An empty tagged-field section. */
export const noTags = () => uv(0);

export const cat = (...parts: Buffer[]) => Buffer.concat(parts);
