// A response stream that ends without a grpc-status (grpc PROTOCOL-HTTP2.md "Errors"): each
// RST_STREAM code and a missing trailer become the GrpcError a user can act on. (A lost
// connection: channel.test.ts; refused streams and GOAWAY: transparent-retry.test.ts.)

import http2 from 'node:http2';
import type net from 'node:net';
import t, { type Test } from 'tap';
import { describeBrokenStream } from '../../src/client/broken-stream.js';
import type { Connection } from '../../src/client/subchannel.js';
import type { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { encodeFrame } from '../../src/wire/framing.js';
import { EchoResponseCodec } from '../fixtures/echo-codecs.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';

const { NGHTTP2_CANCEL, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_INTERNAL_ERROR } = http2.constants;

/** A bare HTTP/2 server whose answer is chosen by the request's message. */
async function startBreakingServer(t: Test) {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => {});
  });
  server.on('stream', (stream) => {
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const how = Buffer.concat(chunks).subarray(7).toString();
      if (how === 'cancel') stream.close(NGHTTP2_CANCEL);
      else if (how === 'calm') stream.close(NGHTTP2_ENHANCE_YOUR_CALM);
      else if (how === 'internal') stream.close(NGHTTP2_INTERNAL_ERROR);
      else {
        // Headers and a message, then the end of the stream with no trailers at all.
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
        stream.end(
          encodeFrame(EchoResponseCodec, { message: 'x', index: 0, payload: new Uint8Array(0) }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const session of sessions) session.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

t.test('each way a stream can end without a status has its own error', async (t) => {
  const address = await startBreakingServer(t);
  const cases: [string, number, RegExp][] = [
    ['cancel', Status.CANCELLED, /cancelled the call \(RST_STREAM CANCEL\)/],
    ['calm', Status.RESOURCE_EXHAUSTED, /reset the call with ENHANCE_YOUR_CALM/],
    [
      'internal',
      Status.INTERNAL,
      /reset the call with HTTP\/2 error code 2 and sent no grpc-status/,
    ],
    ['no-trailers', Status.INTERNAL, /ended the response without a grpc-status trailer/],
  ];
  for (const [how, code, message] of cases) {
    const { client } = handwireEchoClient(t, address);
    const error = (await client
      .Unary(echoRequest({ message: how }))
      .catch((e: unknown) => e)) as GrpcError;
    t.equal(error.code, code, `${how}: ${error.message}`);
    t.match(error.message, message);
  }
});

t.test('a stream whose HEADERS never left, on a live session, never started', async (t) => {
  // No stream id: nghttp2 never sent it (the session closed it before its turn).
  const stream = { id: undefined, rstCode: http2.constants.NGHTTP2_NO_ERROR } as never;
  const connection = {
    address: { label: '127.0.0.1:1' },
    goawayLastStreamId: undefined,
    session: { destroyed: false, closed: false, socket: { destroyed: false } },
  } as unknown as Connection;
  const ended = describeBrokenStream(stream, connection, undefined, false);
  t.equal(ended.error.code, Status.UNAVAILABLE);
  t.match(ended.error.message, /the stream never started/);
  t.equal(ended.neverProcessed, true, 'may be sent again transparently');
});
