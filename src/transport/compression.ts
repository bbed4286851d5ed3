// Message compression, grpc-encoding and grpc-accept-encoding (grpc doc/compression.md).
//
// Each message is compressed on its own ("Compression contexts are NOT maintained over message
// boundaries") and flagged with Compressed-Flag 1. gRPC's `deflate` is the zlib format (RFC 1950,
// a header and an Adler-32 around raw deflate), as grpc core and grpc-go write it, not raw deflate.

import { constants as bufferConstants } from 'node:buffer';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** The encodings handwire reads and writes. */
export const SUPPORTED_ENCODINGS = ['identity', 'gzip', 'deflate'] as const;
export type Encoding = (typeof SUPPORTED_ENCODINGS)[number];

/** The grpc-accept-encoding value handwire sends, in grpc core's order. */
export const ACCEPT_ENCODING_HEADER = 'identity,deflate,gzip';

/** True for an encoding handwire supports; names compare exactly, as in grpc-go. */
export function isSupportedEncoding(name: string): name is Encoding {
  return (SUPPORTED_ENCODINGS as readonly string[]).includes(name);
}

/**
 * The encodings a grpc-accept-encoding header lists, in order, trimmed, empty entries dropped.
 * node:http2 gives a repeated header joined by ", " or, for some callers, as an array.
 */
export function parseAcceptEncoding(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = typeof value === 'string' ? value : value.join(',');
  const names: string[] = [];
  for (const name of text.split(',')) {
    const trimmed = name.trim();
    if (trimmed !== '') names.push(trimmed);
  }
  return names;
}

/**
 * The encoding to compress responses with: `preferred` (say, the request's own grpc-encoding)
 * when handwire supports it and the peer's grpc-accept-encoding lists it, else `identity`, which
 * every peer reads. A peer that sent no grpc-accept-encoding gets identity.
 */
export function selectResponseEncoding(
  acceptEncodingHeader: string | readonly string[] | undefined,
  preferred: string,
): Encoding {
  if (preferred === 'identity' || !isSupportedEncoding(preferred)) return 'identity';
  return parseAcceptEncoding(acceptEncodingHeader).includes(preferred) ? preferred : 'identity';
}

/** A grpc-encoding handwire cannot decode: the server answers UNIMPLEMENTED (statuscodes.md). */
export class UnsupportedEncodingError extends Error {
  override readonly name: string = 'UnsupportedEncodingError';
  constructor(readonly encoding: string) {
    super(
      `grpc-encoding ${JSON.stringify(encoding)} is not supported; supported encodings are ${SUPPORTED_ENCODINGS.join(', ')}`,
    );
  }
}

/** A message that inflates past the receive limit; decompression stopped at the limit. */
export class DecompressedTooLargeError extends Error {
  override readonly name: string = 'DecompressedTooLargeError';
  constructor(
    readonly encoding: string,
    readonly limit: number,
  ) {
    super(`a ${encoding}-compressed message decompresses to more than the limit of ${limit} bytes`);
  }
}

/** A compressed message that cannot be decompressed: INTERNAL (statuscodes.md). */
export class CorruptCompressedMessageError extends Error {
  override readonly name: string = 'CorruptCompressedMessageError';
  constructor(
    readonly encoding: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Bodies up to this size are (de)compressed synchronously, as grpc-go does every message: for a
 * small body zlib's own work takes microseconds, far less than the round trip through libuv's
 * thread pool the asynchronous API costs each message (about 250 µs a message on long gzip
 * streams). Larger bodies go to the pool, so one big message does not hold up the event loop.
 */
const SYNC_LIMIT_BYTES = 16 * 1024;

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);

function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Compresses one message body. `identity` returns the bytes as they are (no copy). */
export async function compress(encoding: string, body: Uint8Array): Promise<Buffer> {
  switch (encoding) {
    case 'identity':
      return asBuffer(body);
    case 'gzip':
      return body.length <= SYNC_LIMIT_BYTES ? zlib.gzipSync(body) : gzip(body);
    case 'deflate':
      return body.length <= SYNC_LIMIT_BYTES ? zlib.deflateSync(body) : deflate(body);
    default:
      throw new UnsupportedEncodingError(encoding);
  }
}

/**
 * Decompresses one message body whose Compressed-Flag is 1. The limit applies to the OUTPUT:
 * zlib stops as soon as it has produced more than `maxBytes`, so a small "zip bomb" costs at most
 * `maxBytes` plus one 16 KiB chunk of memory, and throws DecompressedTooLargeError.
 * Corrupt or truncated input throws CorruptCompressedMessageError; so does `identity`, because a
 * compressed message under identity (or no grpc-encoding) breaks PROTOCOL-HTTP2.md
 * ("If the Message-Encoding header is omitted then the Compressed-Flag must be 0").
 * An encoding handwire does not support throws UnsupportedEncodingError.
 */
export async function decompress(
  encoding: string,
  body: Uint8Array,
  maxBytes: number,
): Promise<Buffer> {
  let inflateBody: typeof gunzip;
  let inflateBodySync: typeof zlib.gunzipSync;
  switch (encoding) {
    case 'identity':
      throw new CorruptCompressedMessageError(
        encoding,
        'a message has the compressed flag set, but the call has no grpc-encoding (identity)',
      );
    case 'gzip':
      inflateBody = gunzip;
      inflateBodySync = zlib.gunzipSync;
      break;
    case 'deflate':
      inflateBody = inflate;
      inflateBodySync = zlib.inflateSync;
      break;
    default:
      throw new UnsupportedEncodingError(encoding);
  }
  // zlib requires a limit of at least 1 and at most the largest Buffer; 0 is checked afterwards.
  const maxOutputLength = Math.min(Math.max(1, maxBytes), bufferConstants.MAX_LENGTH);
  let result: Buffer;
  try {
    // The output limit bounds the synchronous work too: at most maxBytes are ever produced.
    result =
      body.length <= SYNC_LIMIT_BYTES
        ? inflateBodySync(body, { maxOutputLength })
        : await inflateBody(body, { maxOutputLength });
  } catch (error) {
    throw translateZlibError(encoding, maxBytes, error);
  }
  if (result.length > maxBytes) throw new DecompressedTooLargeError(encoding, maxBytes);
  return result;
}

/** Turns what zlib throws into one of this module's errors; anything unexpected passes through. */
function translateZlibError(encoding: string, maxBytes: number, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return new DecompressedTooLargeError(encoding, maxBytes);
  if (typeof code === 'string' && code.startsWith('Z_')) {
    const reason = (error as Error).message;
    return new CorruptCompressedMessageError(
      encoding,
      `a ${encoding}-compressed message could not be decompressed: ${reason}`,
      { cause: error },
    );
  }
  return error;
}
