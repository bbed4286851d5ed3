// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as record batch v2 uses it over the bytes
// from `attributes` to the end of the batch (kafka.apache.org/documentation "Record Batch"; KIP-98).
//
// Table-driven slicing-by-8: eight 256-entry tables let each step fold 8 input bytes with eight
// lookups instead of one byte per lookup. Check value: crc32c("123456789") = 0xE3069283. Measured
// on a shared 2-core machine on 1 MiB inputs: about 460-520 MB/s, against about 320 MB/s for the
// one-table byte-at-a-time loop (test/kafka/protocol/crc32c.test.ts prints its own figure).

const POLYNOMIAL = 0x82f63b78;

/** TABLES[k * 256 + b]: the CRC of byte b followed by k zero bytes. */
const TABLES = buildTables();

function buildTables(): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    tables[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < 8; k++) {
      const previous = tables[(k - 1) * 256 + b]!;
      tables[k * 256 + b] = (previous >>> 8) ^ tables[previous & 0xff]!;
    }
  }
  return tables;
}

/** CRC-32C of `bytes[start..end)`; pass a previous result as `crc` to continue over more bytes. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  const t = TABLES;
  let c = ~crc >>> 0;
  let i = start;
  for (; end - i >= 8; i += 8) {
    const low =
      c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
