// The server's answer to a request whose headers it refuses (grpc PROTOCOL-HTTP2.md "Requests";
// the checks themselves are transport/requests.ts, run by server.ts on every stream): a
// Trailers-Only status, or, for a request that is not gRPC at all, a plain HTTP error. No call is
// created for such a stream.

import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { ACCEPT_ENCODING_HEADER } from '../transport/compression.js';
import type { GrpcError } from '../transport/grpc-error.js';
import { encodeGrpcMessage } from '../transport/grpc-message.js';
import {
  CONTENT_TYPE,
  GRPC_ACCEPT_ENCODING,
  GRPC_MESSAGE,
  GRPC_STATUS,
  PSEUDO_STATUS,
} from '../transport/headers.js';
import { Metadata } from '../transport/metadata.js';
import type { Refusal } from '../transport/requests.js';
import { trailersOnlyHeaders } from '../transport/responses.js';
import { Status } from '../transport/status.js';
import type { EarlyResponseHeaders } from './server-options.js';

/**
 * Answers a stream whose request headers `checkRequestHeaders` refused: a Trailers-Only status,
 * or a plain HTTP error for a request that is not gRPC at all. `early` adds what interceptors
 * would have added; `onRefused` hears of it with the headers sent.
 */
export function refuseRequest(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  refusal: Refusal,
  early: EarlyResponseHeaders | undefined,
  onRefused?: (error: GrpcError, sent: OutgoingHttpHeaders) => void,
): void {
  const extra = earlyHeaders(early, headers);
  if (refusal.httpStatus === undefined) respondStatus(stream, extra, refusal.refused);
  else respondHttpError(stream, extra, refusal.httpStatus, refusal.refused.message);
  onRefused?.(refusal.refused, extra ?? {});
}

/** What `early` adds to an answer given before any interceptor ran, as HTTP/2 headers. */
export function earlyHeaders(
  early: EarlyResponseHeaders | undefined,
  requestHeaders: IncomingHttpHeaders,
): OutgoingHttpHeaders | undefined {
  if (early === undefined) return undefined;
  let requestMetadata: Metadata;
  try {
    requestMetadata = Metadata.fromHttp2Headers(requestHeaders);
  } catch {
    // Metadata the client sent malformed is not what this answer is about: it gets none.
    requestMetadata = new Metadata();
  }
  return early(requestMetadata).toHttp2Headers();
}

/** A Trailers-Only response: HTTP 200 with the status in the only HEADERS frame, plus `extra`. */
export function respondStatus(
  stream: ServerHttp2Stream,
  extra: OutgoingHttpHeaders | undefined,
  error: GrpcError,
): void {
  if (stream.destroyed || stream.headersSent) return;
  // A GrpcError is an OutgoingStatus (code, message, details, metadata).
  const headers: OutgoingHttpHeaders = {
    [GRPC_ACCEPT_ENCODING]: ACCEPT_ENCODING_HEADER,
    ...extra,
    ...trailersOnlyHeaders(error),
  };
  stream.respond(headers, { endStream: true });
  // Whatever the client still sends is read and dropped, so its flow-control window never stalls.
  stream.resume();
}

/**
 * A non-gRPC answer for a request that is not gRPC at all, with a readable body for curl and
 * browsers, and grpc-status too so a gRPC client that got here by mistake still gets a status.
 */
function respondHttpError(
  stream: ServerHttp2Stream,
  extra: OutgoingHttpHeaders | undefined,
  httpStatus: number,
  message: string,
): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond({
    ...extra,
    [PSEUDO_STATUS]: httpStatus,
    [CONTENT_TYPE]: 'text/plain; charset=utf-8',
    [GRPC_STATUS]: String(Status.INTERNAL),
    [GRPC_MESSAGE]: encodeGrpcMessage(message),
  });
  stream.end(`${message}\n`);
  stream.resume();
}
