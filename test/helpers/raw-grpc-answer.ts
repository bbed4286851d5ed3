// A gRPC answer written by hand on a bare node:http2 server stream, for tests that need a server
// no gRPC library wrote: headers, Length-Prefixed-Messages, then grpc-status 0 in the trailers
// (grpc PROTOCOL-HTTP2.md "Responses").

import type { ServerHttp2Stream } from 'node:http2';
import { encodeFrame } from '../../src/wire/framing.js';
import { type EchoResponse, EchoResponseCodec } from '../fixtures/echo-codecs.js';

/** Answers `stream` with these Echo responses and status OK. */
export function answerEcho(stream: ServerHttp2Stream, responses: Partial<EchoResponse>[]): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  for (const response of responses) {
    stream.write(
      encodeFrame(EchoResponseCodec, {
        message: '',
        index: 0,
        payload: new Uint8Array(0),
        ...response,
      }),
    );
  }
  stream.end();
}
