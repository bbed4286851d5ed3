// Record batch v2 framing: the 61-byte batch header, its CRC-32C, splitting a `records` blob into
// batches, and rewriting the base offset in place (kafka.apache.org/documentation "Record Batch";
// KIP-98 introduced this format, magic 2).
//
//   offset  field                 bytes      offset  field            bytes
//        0  baseOffset            int64          27  baseTimestamp    int64
//        8  batchLength           int32          35  maxTimestamp     int64
//       12  partitionLeaderEpoch  int32          43  producerId       int64
//       16  magic (2)             int8           51  producerEpoch    int16
//       17  crc                   uint32         53  baseSequence     int32
//       21  attributes            int16          57  recordCount      int32
//       23  lastOffsetDelta       int32          61  records...
//
// batchLength counts the bytes after itself (total - 12). The CRC covers bytes 21 to the end, so
// baseOffset and partitionLeaderEpoch lie outside it: a broker assigns offsets by overwriting
// bytes 0-7 and then stores and serves the batch unchanged, CRC still valid.

import { crc32c } from './crc32c.js';
import { ErrorCode } from './error-codes.js';
import { KafkaProtocolError } from './errors.js';

export const RECORD_BATCH_HEADER_BYTES = 61;
/** baseOffset + batchLength: the bytes before what batchLength counts. */
export const LOG_OVERHEAD_BYTES = 12;
const MAGIC_AT = 16;
const CRC_AT = 17;
export const CRC_START = 21;

/** Attribute bits (bits 0-2 are the compression codec). */
export const BatchAttribute = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

export interface RecordBatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  /** Attributes bits 0-2: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number;
  /** Attributes bit 3: 0 = CreateTime, 1 = LogAppendTime. */
  timestampType: number;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  /** -1 for a producer that is not idempotent. */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

function corrupt(problem: string, offset: number): KafkaProtocolError {
  return new KafkaProtocolError(problem, offset, ErrorCode.CORRUPT_MESSAGE);
}

function readInt64(buf: Buffer, at: number, field: string): number {
  const value = buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
  if (!Number.isSafeInteger(value)) throw corrupt(`record batch ${field} is beyond 2^53`, at);
  return value;
}

/**
 * Reads the header of the batch starting at `at`, checking that its 61 bytes are there and that
 * it is magic 2 (magic 0 and 1 are UNSUPPORTED_FOR_MESSAGE_FORMAT). Does not check the CRC.
 */
export function readRecordBatchHeader(buf: Buffer, at = 0): RecordBatchHeader {
  if (buf.length - at < RECORD_BATCH_HEADER_BYTES) {
    throw corrupt(
      `record batch needs ${RECORD_BATCH_HEADER_BYTES} header bytes, ${buf.length - at} left`,
      at,
    );
  }
  const magic = checkMagic(buf, at);
  const attributes = buf.readInt16BE(at + 21);
  return {
    baseOffset: readInt64(buf, at, 'baseOffset'),
    batchLength: buf.readInt32BE(at + 8),
    partitionLeaderEpoch: buf.readInt32BE(at + 12),
    magic,
    crc: buf.readUInt32BE(at + CRC_AT),
    attributes,
    compression: attributes & BatchAttribute.compressionMask,
    timestampType: (attributes & BatchAttribute.logAppendTime) !== 0 ? 1 : 0,
    isTransactional: (attributes & BatchAttribute.transactional) !== 0,
    isControl: (attributes & BatchAttribute.control) !== 0,
    lastOffsetDelta: buf.readInt32BE(at + 23),
    baseTimestamp: readInt64(buf, at + 27, 'baseTimestamp'),
    maxTimestamp: readInt64(buf, at + 35, 'maxTimestamp'),
    producerId: readInt64(buf, at + 43, 'producerId'),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    recordCount: buf.readInt32BE(at + 57),
  };
}

/** Reads the magic byte; anything but 2 is an error (0 and 1: an old message set). */
function checkMagic(buf: Buffer, at: number): number {
  const magic = buf.readInt8(at + MAGIC_AT);
  if (magic !== 2) {
    throw new KafkaProtocolError(
      `record batch magic ${magic} is not supported (only record batch v2, magic 2)`,
      at + MAGIC_AT,
      magic === 0 || magic === 1
        ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT
        : ErrorCode.CORRUPT_MESSAGE,
    );
  }
  return magic;
}

/** The CRC-32C a batch (exactly one, starting at byte 0) should carry. */
export function computeRecordBatchCrc(batch: Buffer): number {
  return crc32c(batch, CRC_START, batch.length);
}

/** Throws CORRUPT_MESSAGE unless the batch's stored CRC matches its bytes. */
export function verifyRecordBatchCrc(batch: Buffer, offset = 0): void {
  const stored = batch.readUInt32BE(CRC_AT);
  const computed = computeRecordBatchCrc(batch);
  if (stored !== computed) {
    throw corrupt(
      `record batch CRC is 0x${stored.toString(16)}, its bytes give 0x${computed.toString(16)}`,
      offset + CRC_AT,
    );
  }
}

/** Overwrites a batch's baseOffset (bytes 0-7): outside the CRC, which stays valid. */
export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  if (!Number.isSafeInteger(baseOffset)) {
    throw new KafkaProtocolError(`base offset ${baseOffset} is not a safe integer`, -1);
  }
  const high = Math.floor(baseOffset / 4294967296);
  batch.writeInt32BE(high, 0);
  batch.writeUInt32BE(baseOffset - high * 4294967296, 4);
}

/** Overwrites a batch's partitionLeaderEpoch (bytes 12-15): also outside the CRC. */
export function setPartitionLeaderEpoch(batch: Buffer, epoch: number): void {
  batch.writeInt32BE(epoch, 12);
}

export interface RecordBatchView {
  header: RecordBatchHeader;
  /** The whole batch, a view of the input (no copy). */
  bytes: Buffer;
}

export interface SplitOptions {
  /** Verify each batch's CRC (default true). */
  verifyCrc?: boolean;
  /**
   * Ignore an incomplete batch at the end instead of failing: a Fetch response may end in a
   * partial batch cut at the fetch size (default false, as a Produce request must not).
   */
  allowPartialTail?: boolean;
}

/**
 * Splits a `records` blob (a Produce partition's data, a Fetch partition's records) into its
 * batches, checking for each that the length fits, that it is magic 2 and, unless told not to,
 * that the CRC matches. Problems are CORRUPT_MESSAGE (UNSUPPORTED_FOR_MESSAGE_FORMAT for magic
 * 0/1), naming the byte offset in the blob.
 */
export function splitRecordBatches(records: Buffer, options: SplitOptions = {}): RecordBatchView[] {
  const batches: RecordBatchView[] = [];
  let at = 0;
  while (at < records.length) {
    const left = records.length - at;
    if (left < LOG_OVERHEAD_BYTES + 5) {
      if (options.allowPartialTail) break;
      throw corrupt(`record batch truncated: ${left} bytes left, not even a batch header`, at);
    }
    const batchLength = records.readInt32BE(at + 8);
    if (batchLength < RECORD_BATCH_HEADER_BYTES - LOG_OVERHEAD_BYTES) {
      // An old-format message set has a shorter header: report its magic rather than its length.
      checkMagic(records, at);
      throw corrupt(`record batch length ${batchLength} is shorter than a batch header`, at + 8);
    }
    const total = LOG_OVERHEAD_BYTES + batchLength;
    if (total > left) {
      if (options.allowPartialTail) break;
      throw corrupt(`record batch of ${total} bytes runs past the ${left} bytes left`, at + 8);
    }
    const bytes = records.subarray(at, at + total);
    const header = readRecordBatchHeader(bytes);
    if (header.recordCount < 0) throw corrupt(`record count ${header.recordCount}`, at + 57);
    if (options.verifyCrc ?? true) verifyRecordBatchCrc(bytes, at);
    batches.push({ header, bytes });
    at += total;
  }
  return batches;
}
