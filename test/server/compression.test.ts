// Message compression on the server (grpc doc/compression.md; PROTOCOL-HTTP2.md "grpc-encoding",
// "Compressed-Flag"): compressed requests from grpc-js, compressed responses when the client
// accepts them, the receive limit checked before buffering and after inflating.

import { gunzipSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js';
import { EchoRequestCodec, EchoResponseCodec } from '../fixtures/echo-codecs.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { echoClient, grpc, unary } from '../helpers/grpc-js-echo.js';
import { frame, rawRequest } from '../helpers/raw-http2.js';

const GZIP = 2; // grpc-js's compressionAlgorithms.gzip

t.test('gzip requests from grpc-js are inflated, in order, for every call shape', async (t) => {
  const { address } = await startEchoServer(t);
  const client = echoClient(address, { 'grpc.default_compression_algorithm': GZIP });
  t.teardown(() => client.close());
  const payload = Buffer.alloc(10_000, 7);
  const response = await unary(client, { message: 'zipped', payload });
  t.equal(response.message, 'zipped');
  t.same(Buffer.from(response.payload), payload);
  const joined = await new Promise<any>((resolve, reject) => {
    const call = client.ClientStream((error: Error | null, value: unknown) =>
      error ? reject(error) : resolve(value),
    );
    for (let i = 0; i < 50; i++) call.write({ message: String(i), payload });
    call.end();
  });
  t.equal(joined.message, Array.from({ length: 50 }, (_, i) => String(i)).join(','));
});

t.test(
  'responses are compressed when the server is configured to and the client accepts',
  async (t) => {
    const { address } = await startEchoServer(t, { compression: 'gzip' });
    const request = frame(
      encodeMessage(EchoRequestCodec, { ...EchoRequestCodec.create(), message: 'a'.repeat(1000) }),
    );
    const accepted = await rawRequest(address, {
      path: '/handwire.test.Echo/Unary',
      headers: { 'grpc-accept-encoding': 'gzip' },
      body: [request],
    });
    t.equal(accepted.headers['grpc-encoding'], 'gzip');
    t.equal(accepted.body[0], 1, 'the compressed flag is set');
    t.ok(
      accepted.body.length < 200,
      `1000 repeated bytes compress (${accepted.body.length} bytes)`,
    );
    const response = decodeMessage(EchoResponseCodec, gunzipSync(accepted.body.subarray(5)));
    t.equal(response.message, 'a'.repeat(1000));

    const plain = await rawRequest(address, { path: '/handwire.test.Echo/Unary', body: [request] });
    t.equal(
      plain.headers['grpc-encoding'],
      undefined,
      'a client that accepts nothing gets identity',
    );
    t.equal(plain.body[0], 0);
    t.equal(
      plain.headers['grpc-accept-encoding'],
      'identity,deflate,gzip',
      'response headers say which request encodings the server accepts, as grpc-go and grpc-js do',
    );

    const client = echoClient(address);
    t.teardown(() => client.close());
    const viaGrpcJs = await unary(client, { message: 'b'.repeat(5000) });
    t.equal(viaGrpcJs.message, 'b'.repeat(5000), 'grpc-js reads the compressed response');
    const streamed: string[] = [];
    for await (const r of client.ServerStream({ message: 'c', count: 3 })) streamed.push(r.message);
    t.same(streamed, ['c', 'c', 'c']);
  },
);

t.test('the receive limit: RESOURCE_EXHAUSTED before buffering and after inflating', async (t) => {
  const { address } = await startEchoServer(t, { maxReceiveMessageLength: 64 * 1024 });
  const client = echoClient(address);
  t.teardown(() => client.close());
  const tooBig = (await unary(client, { payload: Buffer.alloc(100 * 1024) }).catch(
    (e) => e,
  )) as grpc.ServiceError;
  t.equal(tooBig.code, grpc.status.RESOURCE_EXHAUSTED);
  t.match(tooBig.details, /larger than the limit of 65536 bytes/);

  // A 1 MiB message of zeros gzips to about 1 KiB: small on the wire, too big once inflated.
  const bomb = gzipSync(
    encodeMessage(EchoRequestCodec, {
      ...EchoRequestCodec.create(),
      payload: Buffer.alloc(1024 * 1024),
    }),
  );
  t.ok(bomb.length < 64 * 1024);
  const response = await rawRequest(address, {
    path: '/handwire.test.Echo/Unary',
    headers: { 'grpc-encoding': 'gzip' },
    body: [frame(bomb, 1)],
  });
  t.equal(response.headers['grpc-status'] ?? response.trailers?.['grpc-status'], '8');

  const ok = await unary(client, { message: 'still serving' });
  t.equal(ok.message, 'still serving');
});

t.test('the default receive limit is 4 MiB', async (t) => {
  const { address } = await startEchoServer(t);
  const client = echoClient(address);
  t.teardown(() => client.close());
  const fits = await unary(client, { payload: Buffer.alloc(4 * 1024 * 1024 - 64) });
  t.equal(fits.payload.length, 4 * 1024 * 1024 - 64);
  const error = (await unary(client, { payload: Buffer.alloc(4 * 1024 * 1024 + 1) }).catch(
    (e) => e,
  )) as grpc.ServiceError;
  t.equal(error.code, grpc.status.RESOURCE_EXHAUSTED);
});

t.test('a corrupt gzip body is INTERNAL and says so', async (t) => {
  const { address } = await startEchoServer(t);
  const response = await rawRequest(address, {
    path: '/handwire.test.Echo/Unary',
    headers: { 'grpc-encoding': 'gzip' },
    body: [frame(Buffer.from('definitely not gzip'), 1)],
  });
  const status = response.trailers ?? response.headers;
  t.equal(status['grpc-status'], '13');
  t.match(decodeURIComponent(String(status['grpc-message'])), /gzip/);
});
