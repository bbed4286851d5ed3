// The status of a client stream that closed without a grpc-status, or could not open: RST_STREAM
// codes, GOAWAY, lost connections and refused requests as GrpcErrors, and whether the server's
// application can have seen the call (grpc PROTOCOL-HTTP2.md "Errors"; gRFC A6 "Transparent
// Retries").

import http2, { type ClientHttp2Stream } from 'node:http2';
import { GrpcError } from '../transport/grpc-error.js';
import { Status, type StatusCode } from '../transport/status.js';
import type { Connection } from './subchannel.js';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_NO_ERROR } =
  http2.constants;

export interface BrokenStream {
  error: GrpcError;
  /**
   * True when the server's application cannot have seen the call: the server refused the
   * stream, or its GOAWAY's last-stream-id is below the stream, or the stream never got an id
   * (its HEADERS never left). Such a call may be sent again (A6 transparent retry).
   */
  neverProcessed: boolean;
}

/** Why `stream`, on `connection`, ended without a status; `streamError` is its 'error', if any. */
export function describeBrokenStream(
  stream: ClientHttp2Stream,
  connection: Connection,
  streamError: unknown,
  receivedHeaders: boolean,
): BrokenStream {
  const label = connection.address.label;
  const rstCode = stream.rstCode ?? NGHTTP2_NO_ERROR;
  const errno = (streamError as { code?: unknown } | undefined)?.code;
  const cause = streamError;
  const unsent = stream.id === undefined;
  const lastProcessed = connection.goawayLastStreamId;
  const aboveGoaway =
    lastProcessed !== undefined && stream.id !== undefined && stream.id > lastProcessed;
  const refused = rstCode === NGHTTP2_REFUSED_STREAM;
  const neverProcessed = refused || ((unsent || aboveGoaway) && !receivedHeaders);
  const fail = (code: StatusCode, message: string): BrokenStream => ({
    error: new GrpcError(code, message, { cause }),
    neverProcessed,
  });
  if (refused) {
    return fail(
      Status.UNAVAILABLE,
      `the server at ${label} refused the stream (RST_STREAM REFUSED_STREAM) before processing the call`,
    );
  }
  if (aboveGoaway && !receivedHeaders) {
    return fail(
      Status.UNAVAILABLE,
      `the server at ${label} went away (GOAWAY, last stream ${lastProcessed}) before processing the call`,
    );
  }
  const session = connection.session;
  if (session.destroyed || session.closed || (session.socket?.destroyed ?? true)) {
    const why = typeof errno === 'string' && errno.startsWith('E') ? ` (${errno})` : '';
    return fail(
      Status.UNAVAILABLE,
      `the connection to ${label} was lost before the call ended${why}`,
    );
  }
  if (unsent) {
    // The session is alive but this stream's HEADERS never left: nothing reached the server.
    return fail(
      Status.UNAVAILABLE,
      `the stream never started: the call's HEADERS were never sent to ${label}`,
    );
  }
  if (rstCode === NGHTTP2_CANCEL) {
    return fail(Status.CANCELLED, `the server at ${label} cancelled the call (RST_STREAM CANCEL)`);
  }
  if (rstCode === NGHTTP2_ENHANCE_YOUR_CALM) {
    return fail(
      Status.RESOURCE_EXHAUSTED,
      `the server at ${label} reset the call with ENHANCE_YOUR_CALM (too many requests)`,
    );
  }
  if (rstCode !== NGHTTP2_NO_ERROR) {
    return fail(
      Status.INTERNAL,
      `the server at ${label} reset the call with HTTP/2 error code ${rstCode} and sent no grpc-status`,
    );
  }
  return fail(
    Status.INTERNAL,
    `the server at ${label} ended the response without a grpc-status trailer`,
  );
}

/** node:http2's errors for a request on a session that is closing or gone. */
const SESSION_GONE_ERRORS: ReadonlySet<unknown> = new Set([
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_OUT_OF_STREAMS',
]);

/** Why `session.request()` threw: the session's fault (retryable) or the request's. */
export function describeFailedRequest(error: unknown, connection: Connection): BrokenStream {
  const session = connection.session;
  const reason = (error as Error).message;
  if (
    SESSION_GONE_ERRORS.has((error as { code?: unknown } | undefined)?.code) ||
    session.destroyed ||
    session.closed
  ) {
    // The session was closing (GOAWAY) or gone: nothing left the client (A6 case 1).
    return {
      error: new GrpcError(Status.UNAVAILABLE, `the call could not start: ${reason}`, {
        cause: error,
      }),
      neverProcessed: true,
    };
  }
  // Headers node:http2 refuses to send (a bad user-agent, say) are the caller's error, and
  // another attempt would fail the same way: INTERNAL, as grpc-go reports invalid metadata.
  return {
    error: new GrpcError(Status.INTERNAL, `the request headers could not be sent: ${reason}`, {
      cause: error,
    }),
    neverProcessed: false,
  };
}
