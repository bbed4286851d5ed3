// Record batch compression (kafka.apache.org/documentation "Record Batch": attributes bits 0-2).
// handwire reads and writes gzip (node:zlib); snappy, lz4 and zstd batches are refused with
// UNSUPPORTED_COMPRESSION_TYPE (Node 20's zlib has no zstd, and no producer here compresses by
// default).

import { gunzipSync, gzipSync } from 'node:zlib';
import { ErrorCode } from './error-codes.js';
import { KafkaProtocolError } from './errors.js';

/** The codec numbers of a batch's attributes (bits 0-2). */
export const CompressionCodec = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
} as const;

export type CompressionCodecName = keyof typeof CompressionCodec;

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Largest decompressed record data accepted: Kafka's default max.message.bytes is far below. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 100 * 1024 * 1024;

function unsupported(codec: number, offset: number): KafkaProtocolError {
  return new KafkaProtocolError(
    `compression codec ${NAMES[codec] ?? codec} is not supported (only none and gzip)`,
    offset,
    ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  );
}

/**
 * The record data of a batch, decompressed. Output beyond `maxBytes` (a decompression bomb) and
 * data that is not valid for its codec are CORRUPT_MESSAGE.
 */
export function decompress(
  codec: number,
  data: Buffer,
  offset = 0,
  maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Buffer {
  if (codec === CompressionCodec.none) return data;
  if (codec !== CompressionCodec.gzip) throw unsupported(codec, offset);
  try {
    return gunzipSync(data, { maxOutputLength: maxBytes });
  } catch (error) {
    throw new KafkaProtocolError(
      `gzip record data does not decompress: ${(error as Error).message}`,
      offset,
      ErrorCode.CORRUPT_MESSAGE,
    );
  }
}

/** Compresses record data with a codec handwire writes (none or gzip). */
export function compress(codec: number, data: Buffer): Buffer {
  if (codec === CompressionCodec.none) return data;
  if (codec !== CompressionCodec.gzip) throw unsupported(codec, -1);
  return gzipSync(data);
}
