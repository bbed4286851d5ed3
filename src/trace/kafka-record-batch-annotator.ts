// Explains a Kafka record batch v2 byte by byte (kafka.apache.org/documentation "Record Batch",
// "Record", "Record Header"; KIP-98): the 61-byte header field by field, what the CRC-32C covers
// and whether it matches, then each record's zigzag varints, key, value and headers. The header is
// read with src/kafka/protocol's readRecordBatchHeader, the CRC with its crc32c.

import { crc32c } from '../kafka/protocol/crc32c.js';
import { CRC_START, readRecordBatchHeader } from '../kafka/protocol/record-batch.js';
import { line, type TraceLine } from './trace-line.js';

/** The header's fields in wire order: name, size, and how to say what it holds. */
const HEADER_FIELDS: readonly (readonly [string, number, string])[] = [
  ['baseOffset', 8, "int64: the first record's offset, written by the broker on append"],
  ['batchLength', 4, 'int32: the bytes after this field'],
  ['partitionLeaderEpoch', 4, 'int32'],
  ['magic', 1, 'int8: 2, record batch v2'],
  ['crc', 4, 'uint32: CRC-32C (Castagnoli) of every byte from attributes to the end'],
  ['attributes', 2, 'int16'],
  ['lastOffsetDelta', 4, 'int32: offset of the last record minus baseOffset'],
  ['baseTimestamp', 8, "int64: the first record's timestamp, Unix ms"],
  ['maxTimestamp', 8, 'int64: the largest timestamp in the batch'],
  ['producerId', 8, 'int64: -1 when the producer is not idempotent'],
  ['producerEpoch', 2, 'int16'],
  ['baseSequence', 4, 'int32'],
  ['recordCount', 4, 'int32'],
];

const SHOWN_TEXT = 72;

/** A zigzag varint (the protocol guide's "varint"/"varlong") at `at`. */
function readZigzag(bytes: Buffer, at: number): { value: number; next: number } {
  let raw = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= bytes.length) throw new Error('a varint runs past the end of the batch');
    const byte = bytes[at + i]!;
    raw |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value: Number((raw >> 1n) ^ -(raw & 1n)), next: at + i + 1 };
  }
  throw new Error('a varint longer than 10 bytes');
}

function attributesText(attributes: number): string {
  const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
  const parts = [`compression ${codecs[attributes & 7] ?? 'unknown'}`];
  parts.push((attributes & 0x08) !== 0 ? 'LogAppendTime' : 'CreateTime');
  if (attributes & 0x10) parts.push('transactional');
  if (attributes & 0x20) parts.push('control batch');
  return `0x${attributes.toString(16).padStart(4, '0')}: ${parts.join(', ')}`;
}

/** The lines of one whole batch (exactly one, from byte 0). */
export function annotateRecordBatch(batch: Buffer): TraceLine[] {
  const header = readRecordBatchHeader(batch);
  const lines: TraceLine[] = [];
  let at = 0;
  for (const [name, size, meaning] of HEADER_FIELDS) {
    const bytes = batch.subarray(at, at + size);
    const value = (header as unknown as Record<string, number>)[name]!;
    const shown = name === 'crc' ? `0x${value.toString(16).padStart(8, '0')}` : `${value}`;
    const text = name === 'attributes' ? attributesText(value) : `${shown} — ${meaning}`;
    lines.push(line(bytes, `${name} ${text}`));
    at += size;
  }
  const computed = crc32c(batch.subarray(CRC_START));
  lines.push(
    line(
      new Uint8Array(),
      `CRC-32C over bytes ${CRC_START}..${batch.length - 1} = 0x${computed.toString(16).padStart(8, '0')}: ${computed === header.crc ? 'matches' : 'DOES NOT MATCH'}. baseOffset, batchLength and partitionLeaderEpoch lie outside it, so the broker can set the offset without recomputing it`,
      1,
    ),
  );
  for (let i = 0; i < header.recordCount; i++) at = annotateRecord(batch, at, i, lines);
  if (at !== batch.length)
    lines.push(line(batch.subarray(at), `${batch.length - at} bytes after the last record`));
  return lines;
}

/** One record (protocol guide "Record"): every integer a zigzag varint. */
function annotateRecord(batch: Buffer, at: number, index: number, lines: TraceLine[]): number {
  const varint = (name: string, meaning = '') => {
    const { value, next } = readZigzag(batch, at);
    lines.push(line(batch.subarray(at, next), `${name} ${value}${meaning}`, 1));
    at = next;
    return value;
  };
  const bytesField = (name: string) => {
    const length = varint(`${name}Length`, ' (zigzag varint; -1 would be null)');
    if (length < 0) return;
    const bytes = batch.subarray(at, at + length);
    const text = bytes.toString('utf8');
    lines.push(
      line(
        bytes,
        `${name} ${JSON.stringify(text.length > SHOWN_TEXT ? `${text.slice(0, SHOWN_TEXT)}…` : text)}`,
        1,
      ),
    );
    at += length;
  };
  lines.push(line(new Uint8Array(), `record ${index}:`));
  varint('length', ': the bytes of this record after this varint');
  lines.push(line(batch.subarray(at, at + 1), `attributes ${batch[at]} (unused, int8)`, 1));
  at += 1;
  varint('timestampDelta', ' ms after baseTimestamp (varlong)');
  varint('offsetDelta', ' after baseOffset');
  bytesField('key');
  bytesField('value');
  const headers = varint('headersCount');
  for (let h = 0; h < headers; h++) {
    bytesField('headerKey');
    bytesField('headerValue');
  }
  return at;
}
