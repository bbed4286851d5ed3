// How a client call resets its stream when it ends early (cancelled, deadline exceeded, a broken
// response): RST_STREAM(CANCEL) and nothing before it, as grpc-go does on cancel and on deadline.
//
// node's `stream.close(NGHTTP2_CANCEL)` first ends a writable side that is still open: an empty
// DATA frame with END_STREAM goes out before the RST_STREAM, so the server sees the request
// stream complete and may act on a client stream the client cancelled (a batch stored).
// `stream.destroy()` sends no END_STREAM but resets with NO_ERROR. A stream destroyed by the
// AbortSignal given to `session.request` is reset with CANCEL alone: node maps its AbortError to
// CANCEL and does not end the writable side first.

import http2, { type ClientHttp2Stream } from 'node:http2';

const { NGHTTP2_CANCEL } = http2.constants;

/** Resets an open stream with CANCEL. The abort's AbortError 'error' is the caller's to ignore. */
export function resetStream(stream: ClientHttp2Stream, abort: AbortController | undefined): void {
  if (stream.closed) return;
  if (abort !== undefined && !stream.writableEnded) abort.abort();
  else stream.close(NGHTTP2_CANCEL);
}
