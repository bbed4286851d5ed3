// What the server answers before a call starts, seen on the wire with a raw HTTP/2 client
// (grpc PROTOCOL-HTTP2.md "Requests"; Trailers-Only responses; grpc-go's messages for unknown
// services and methods).

import t from 'tap';
import { encodeMessage } from '../../src/wire/codec.js';
import { EchoRequestCodec } from '../fixtures/echo-codecs.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { frame, rawRequest } from '../helpers/raw-http2.js';
import { connectByHand, within } from '../helpers/raw-session.js';

const hello = frame(
  encodeMessage(EchoRequestCodec, { ...EchoRequestCodec.create(), message: 'hi' }),
);

t.test('a valid request gets headers, one message and trailers with grpc-status 0', async (t) => {
  const { address } = await startEchoServer(t);
  const response = await rawRequest(address, { path: '/handwire.test.Echo/Unary', body: [hello] });
  t.equal(response.headers[':status'], 200);
  t.equal(response.headers['content-type'], 'application/grpc');
  t.equal(response.headers['grpc-status'], undefined, 'the status is not in the headers');
  t.equal(response.trailers?.['grpc-status'], '0');
  t.equal(response.body.readUInt32BE(1), response.body.length - 5, 'one whole framed message');
});

t.test('content-type variants of application/grpc are accepted', async (t) => {
  const { address } = await startEchoServer(t);
  for (const contentType of ['application/grpc+proto', 'application/grpc; charset=utf-8']) {
    const response = await rawRequest(address, {
      path: '/handwire.test.Echo/Unary',
      headers: { 'content-type': contentType },
      body: [hello],
    });
    t.equal(response.trailers?.['grpc-status'], '0', contentType);
  }
});

t.test('a non-gRPC content-type gets HTTP 415 with a readable sentence', async (t) => {
  const { address } = await startEchoServer(t);
  const response = await rawRequest(address, {
    path: '/handwire.test.Echo/Unary',
    headers: { 'content-type': 'application/json' },
    body: [Buffer.from('{}')],
  });
  t.equal(response.headers[':status'], 415);
  t.match(response.body.toString(), /content-type "application\/json" is not application\/grpc/);
});

t.test('a method other than POST gets HTTP 405', async (t) => {
  const { address } = await startEchoServer(t);
  const response = await rawRequest(address, { path: '/handwire.test.Echo/Unary', method: 'GET' });
  t.equal(response.headers[':status'], 405);
  t.match(response.body.toString(), /use POST, not GET/);
});

t.test('unknown service and unknown method: UNIMPLEMENTED as Trailers-Only', async (t) => {
  const { address } = await startEchoServer(t);
  const service = await rawRequest(address, { path: '/no.Such/Thing', body: [hello] });
  t.equal(service.headers[':status'], 200);
  t.equal(service.headers['grpc-status'], '12', 'the status is in the only HEADERS frame');
  t.equal(service.headers['grpc-message'], 'unknown service no.Such');
  t.equal(service.trailers, undefined, 'no separate trailers');
  t.equal(service.body.length, 0);
  const method = await rawRequest(address, { path: '/handwire.test.Echo/Nope', body: [hello] });
  t.equal(method.headers['grpc-status'], '12');
  t.equal(method.headers['grpc-message'], 'unknown method Nope for service handwire.test.Echo');
});

t.test('malformed request bodies get INTERNAL saying what was wrong', async (t) => {
  const { address } = await startEchoServer(t);
  const cases: Array<[string, Buffer[], RegExp]> = [
    [
      'undecodable protobuf',
      [frame(Buffer.from([0x0a, 0x05, 0x61]))],
      /could not be decoded.*length 5 runs past the end/,
    ],
    [
      'a frame cut short',
      [hello.subarray(0, 7)],
      /ended in the middle of a length-prefixed message/,
    ],
    [
      'two messages for a unary method',
      [hello, hello],
      /takes one request message, but the client sent more/,
    ],
    ['no message for a unary method', [], /takes one request message, but the client sent none/],
    ['a compressed-flag of 2', [frame(Buffer.alloc(0), 2)], /invalid compressed-flag 2/],
    [
      'the compressed flag without grpc-encoding',
      [frame(Buffer.from([1, 2]), 1)],
      /compressed flag set but the call has no grpc-encoding/,
    ],
  ];
  for (const [name, body, message] of cases) {
    const response = await rawRequest(address, { path: '/handwire.test.Echo/Unary', body });
    const status = response.trailers ?? response.headers;
    t.equal(status['grpc-status'], '13', `${name}: INTERNAL`);
    t.match(decodeURIComponent(String(status['grpc-message'])), message, name);
  }
});

t.test('a malformed grpc-timeout is an error, not ignored', async (t) => {
  const { address } = await startEchoServer(t);
  const response = await rawRequest(address, {
    path: '/handwire.test.Echo/Unary',
    headers: { 'grpc-timeout': '10x' },
    body: [hello],
  });
  t.equal(response.headers['grpc-status'], '13');
  t.match(
    decodeURIComponent(String(response.headers['grpc-message'])),
    /grpc-timeout "10x" is malformed/,
  );
});

t.test('an unsupported grpc-encoding is UNIMPLEMENTED and names the supported ones', async (t) => {
  const { address } = await startEchoServer(t);
  const response = await rawRequest(address, {
    path: '/handwire.test.Echo/Unary',
    headers: { 'grpc-encoding': 'br' },
    body: [hello],
  });
  t.equal(response.headers['grpc-status'], '12');
  t.equal(response.headers['grpc-accept-encoding'], 'identity,deflate,gzip');
  t.match(decodeURIComponent(String(response.headers['grpc-message'])), /"br" is not supported/);
});

t.test('the server keeps serving after bad input', async (t) => {
  const { address } = await startEchoServer(t);
  await rawRequest(address, {
    path: '/handwire.test.Echo/Unary',
    body: [Buffer.from([9, 9, 9, 9, 9, 9, 9])],
  });
  const response = await rawRequest(address, { path: '/handwire.test.Echo/Unary', body: [hello] });
  t.equal(response.trailers?.['grpc-status'], '0');
});

t.test('a refused stream that errors afterwards does not end the process', async (t) => {
  // Found by grpc-go's interop client: its ORCA policy opens a stream to a method the server
  // does not have and, on Close(), sends a GOAWAY that nghttp2 calls a protocol error. The
  // session is destroyed with an error, which every open stream emits: the refused one had no
  // 'error' listener, and an unhandled 'error' event ended the process (uncaught here too).
  const { address } = await startEchoServer(t);
  const ODD_STREAM_ID = 1;
  const reset = await connectByHand(t, address, true);
  reset.open(ODD_STREAM_ID, '/no.such.Service/Method');
  await new Promise((resolve) => setTimeout(resolve, 100));
  reset.reset(ODD_STREAM_ID, 2 /* INTERNAL_ERROR */);

  const goaway = await connectByHand(t, address, true);
  goaway.open(ODD_STREAM_ID, '/no.such.Service/Method');
  await new Promise((resolve) => setTimeout(resolve, 100));
  goaway.goaway(ODD_STREAM_ID); // a client-initiated id: a PROTOCOL_ERROR for nghttp2
  await within(goaway.closed, 3000, 'the server to drop the connection that broke the protocol');

  const response = await rawRequest(address, { path: '/handwire.test.Echo/Unary', body: [hello] });
  t.equal(response.trailers?.['grpc-status'], '0', 'the server still serves calls');
});
