// The records inside a record batch v2: decoding them (after decompression) and building a batch
// from records (kafka.apache.org/documentation "Record Batch" / "Record" / "Record Header";
// KIP-98; record headers: KIP-82). Each record is:
//   length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
//   keyLength varint (-1 = null), key, valueLength varint (-1 = null), value,
//   headerCount varint, then per header: keyLength varint, key (UTF-8), valueLength varint, value.

import { CompressionCodec, compress, decompress } from './compression.js';
import { ErrorCode } from './error-codes.js';
import { KafkaProtocolError } from './errors.js';
import { KafkaReader } from './reader.js';
import {
  BatchAttribute,
  computeRecordBatchCrc,
  RECORD_BATCH_HEADER_BYTES,
  type RecordBatchHeader,
  readRecordBatchHeader,
  setBaseOffset,
  verifyRecordBatchCrc,
} from './record-batch.js';
import { KafkaWriter } from './writer.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  /** baseOffset + offsetDelta. */
  offset: number;
  /** baseTimestamp + timestampDelta (with LogAppendTime, the batch's maxTimestamp applies). */
  timestamp: number;
  offsetDelta: number;
  timestampDelta: number;
  attributes: number;
  /** Views of the batch (or of its decompressed data). */
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface DecodeBatchOptions {
  /** Verify the CRC first (default true). */
  verifyCrc?: boolean;
  /** Largest decompressed record data accepted. */
  maxDecompressedBytes?: number;
}

function corrupt(problem: string, offset: number): KafkaProtocolError {
  return new KafkaProtocolError(problem, offset, ErrorCode.CORRUPT_MESSAGE);
}

/**
 * Decodes one whole batch (as splitRecordBatches gives it) into its header and records. Malformed
 * records, a record count that does not match, or bytes left over are CORRUPT_MESSAGE.
 */
export function decodeRecordBatch(
  batch: Buffer,
  options: DecodeBatchOptions = {},
): { header: RecordBatchHeader; records: KafkaRecord[] } {
  const header = readRecordBatchHeader(batch);
  if (header.batchLength + 12 !== batch.length) {
    throw corrupt(
      `record batch length ${header.batchLength} does not match its ${batch.length} bytes`,
      8,
    );
  }
  if (options.verifyCrc ?? true) verifyRecordBatchCrc(batch);
  // Uncompressed records are read in place, so error offsets count from the batch's first byte;
  // compressed ones count from the start of the decompressed records.
  const compressed = header.compression !== 0;
  const r = compressed
    ? new KafkaReader(
        decompress(
          header.compression,
          batch.subarray(RECORD_BATCH_HEADER_BYTES),
          RECORD_BATCH_HEADER_BYTES,
          options.maxDecompressedBytes,
        ),
      )
    : new KafkaReader(batch, RECORD_BATCH_HEADER_BYTES);
  const where = compressed ? ' of the decompressed records' : '';
  // Every record takes at least 7 bytes: a lying count must not size an allocation.
  if (header.recordCount < 0 || header.recordCount > r.remaining) {
    throw corrupt(`record count ${header.recordCount} does not fit the batch`, 57);
  }
  const records: KafkaRecord[] = new Array(header.recordCount);
  try {
    for (let i = 0; i < header.recordCount; i++) records[i] = readRecord(r, header);
  } catch (error) {
    if (error instanceof KafkaProtocolError && error.errorCode === ErrorCode.INVALID_REQUEST) {
      throw corrupt(`record data: ${error.problem}${where}`, error.offset);
    }
    throw error;
  }
  if (r.remaining !== 0) {
    throw corrupt(
      `${r.remaining} bytes follow the batch's ${header.recordCount} records${where}`,
      r.pos,
    );
  }
  return { header, records };
}

function nullableVarBytes(r: KafkaReader, field: string): Buffer | null {
  const length = r.varint(field);
  if (length < -1) throw corrupt(`${field} length ${length}`, r.pos);
  return length === -1 ? null : r.raw(length, field);
}

function readRecord(r: KafkaReader, header: RecordBatchHeader): KafkaRecord {
  const length = r.varint('record length');
  const start = r.pos;
  if (length < 0 || length > r.remaining) {
    throw corrupt(`record length ${length} with ${r.remaining} bytes left`, start);
  }
  const rr = new KafkaReader(r.buf, start, start + length);
  const attributes = rr.int8('record attributes');
  const timestampDelta = rr.varlong('record timestampDelta');
  const offsetDelta = rr.varint('record offsetDelta');
  const key = nullableVarBytes(rr, 'record key');
  const value = nullableVarBytes(rr, 'record value');
  const headerCount = rr.varint('record header count');
  if (headerCount < 0 || headerCount > rr.remaining) {
    throw corrupt(`record header count ${headerCount}`, rr.pos);
  }
  const headers: RecordHeader[] = new Array(headerCount);
  for (let i = 0; i < headerCount; i++) {
    const keyBytes = nullableVarBytes(rr, 'record header key');
    if (keyBytes === null) throw corrupt('record header key is null', rr.pos);
    headers[i] = {
      key: keyBytes.toString('utf8'),
      value: nullableVarBytes(rr, 'record header value'),
    };
  }
  if (rr.pos !== rr.end)
    throw corrupt(`record has ${rr.end - rr.pos} bytes past its fields`, rr.pos);
  r.pos = rr.end;
  return {
    offset: header.baseOffset + offsetDelta,
    timestamp: header.baseTimestamp + timestampDelta,
    offsetDelta,
    timestampDelta,
    attributes,
    key,
    value,
    headers,
  };
}

export interface RecordInput {
  key?: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly { key: string; value: Uint8Array | null }[];
  /** Milliseconds since the epoch (default: now). */
  timestamp?: number;
}

export interface BuildBatchOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  /** A CompressionCodec number: none (default) or gzip. */
  compression?: number;
  /** 0 = CreateTime (default), 1 = LogAppendTime. */
  timestampType?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /** -1 (default) for a producer that is not idempotent. */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
}

function writeVarBytes(w: KafkaWriter, bytes: Uint8Array | null | undefined): void {
  if (bytes === null || bytes === undefined) w.varint(-1);
  else w.varint(bytes.length).raw(bytes);
}

function encodeRecords(
  records: readonly RecordInput[],
  timestamps: number[],
  base: number,
): Buffer {
  const out = new KafkaWriter(1024);
  records.forEach((record, i) => {
    const body = new KafkaWriter(64);
    body
      .int8(0)
      .varlong(timestamps[i]! - base)
      .varint(i);
    writeVarBytes(body, record.key);
    writeVarBytes(body, record.value);
    const headers = record.headers ?? [];
    body.varint(headers.length);
    for (const h of headers) {
      writeVarBytes(body, Buffer.from(h.key, 'utf8'));
      writeVarBytes(body, h.value);
    }
    out.varint(body.length).append(body);
  });
  return out.toBuffer();
}

/**
 * Builds one record batch v2 from records: offset deltas 0..n-1, the first record's timestamp as
 * the base, the CRC computed last. Used by the broker for records it writes itself and by tests.
 */
export function buildRecordBatch(
  records: readonly RecordInput[],
  options: BuildBatchOptions = {},
): Buffer {
  if (records.length === 0) throw new KafkaProtocolError('a record batch needs a record', -1);
  const now = Date.now();
  const timestamps = records.map((record) => record.timestamp ?? now);
  const baseTimestamp = timestamps[0]!;
  // A loop, not Math.max(...timestamps): spreading a large batch would overflow the stack.
  let maxTimestamp = baseTimestamp;
  for (const t of timestamps) if (t > maxTimestamp) maxTimestamp = t;
  const codec = options.compression ?? CompressionCodec.none;
  const data = compress(codec, encodeRecords(records, timestamps, baseTimestamp));
  let attributes = codec;
  if (options.timestampType === 1) attributes |= BatchAttribute.logAppendTime;
  if (options.isTransactional) attributes |= BatchAttribute.transactional;
  if (options.isControl) attributes |= BatchAttribute.control;

  const header = new KafkaWriter(RECORD_BATCH_HEADER_BYTES);
  header
    .int64(0)
    .int32(RECORD_BATCH_HEADER_BYTES - 12 + data.length)
    .int32(options.partitionLeaderEpoch ?? -1)
    .int8(2)
    .uint32(0)
    .int16(attributes)
    .int32(records.length - 1)
    .int64(baseTimestamp)
    .int64(maxTimestamp)
    .int64(options.producerId ?? -1)
    .int16(options.producerEpoch ?? -1)
    .int32(options.baseSequence ?? -1)
    .int32(records.length);
  const batch = Buffer.concat([header.toBuffer(), data]);
  setBaseOffset(batch, options.baseOffset ?? 0);
  batch.writeUInt32BE(computeRecordBatchCrc(batch), 17);
  return batch;
}
