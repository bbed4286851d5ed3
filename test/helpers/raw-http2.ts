// A raw node:http2 request, for tests that must see exact headers, trailers and bytes (what a
// gRPC library would hide): Trailers-Only responses, HTTP errors, malformed input.

import http2 from 'node:http2';

export interface RawResponse {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders | undefined;
  body: Buffer;
}

export interface RawRequest {
  path: string;
  method?: string;
  headers?: http2.OutgoingHttpHeaders;
  /** Chunks written in order; the request ends after the last. */
  body?: Buffer[];
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
}

/** Sends one request on a fresh connection and collects the whole response. */
export function rawRequest(address: string, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${address}`);
    session.on('error', reject);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`no complete response to ${request.path} in time`));
    }, request.timeoutMs ?? 5000);
    const stream = session.request({
      ':method': request.method ?? 'POST',
      ':path': request.path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...request.headers,
    });
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (value) => {
      headers = value;
    });
    stream.on('trailers', (value) => {
      trailers = value;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => {});
    stream.on('close', () => {
      clearTimeout(timer);
      session.close();
      resolve({ headers, trailers, body: Buffer.concat(chunks) });
    });
    for (const chunk of request.body ?? []) stream.write(chunk);
    stream.end();
  });
}

/** The 5-byte gRPC prefix followed by `body`. */
export function frame(body: Uint8Array, flag = 0): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(body.length, 1);
  return Buffer.concat([prefix, body]);
}
