// One gRPC call on a raw node:http2 session (grpc PROTOCOL-HTTP2.md): the load scripts use it so
// that they can also misbehave — cancel with RST_STREAM mid-stream, or vanish with the socket.

import http2 from 'node:http2';

export interface RawCallOptions {
  /** Request messages, each already framed with its 5-byte prefix. */
  requests: Buffer[];
  /** Reset the stream (CANCEL) this long after it opens; undefined lets the call finish. */
  cancelAfterMs?: number;
  /** Give up (and reset) after this long. Default 10 s. */
  timeoutMs?: number;
}

export interface RawCallResult {
  /** grpc-status, or 'reset' when the call was cancelled, 'none' when it ended without one. */
  status: string;
  /** Response bytes received, prefixes included. */
  bytes: number;
  /** The first response message without its prefix (enough for a unary answer). */
  first: Buffer | undefined;
}

export function rawCall(
  session: http2.ClientHttp2Session,
  path: string,
  { requests, cancelAfterMs, timeoutMs = 10_000 }: RawCallOptions,
): Promise<RawCallResult> {
  return new Promise((resolve) => {
    let status = 'none';
    let bytes = 0;
    let head: Buffer = Buffer.alloc(0);
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
      });
    } catch {
      resolve({ status: 'no session', bytes, first: undefined });
      return;
    }
    const reset = (why: string) => () => {
      status = why;
      stream.close(http2.constants.NGHTTP2_CANCEL);
    };
    const timers = [setTimeout(reset('timeout'), timeoutMs)];
    if (cancelAfterMs !== undefined) timers.push(setTimeout(reset('reset'), cancelAfterMs));
    stream.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
    });
    stream.on('trailers', (trailers) => {
      status = String(trailers['grpc-status']);
    });
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (head.length < 5 || head.length < 5 + head.readUInt32BE(1)) {
        head = Buffer.concat([head, chunk]);
      }
    });
    stream.on('error', () => {});
    stream.on('close', () => {
      for (const timer of timers) clearTimeout(timer);
      const first = head.length >= 5 ? head.subarray(5, 5 + head.readUInt32BE(1)) : undefined;
      resolve({ status, bytes, first });
    });
    for (const request of requests) stream.write(request);
    stream.end();
  });
}
