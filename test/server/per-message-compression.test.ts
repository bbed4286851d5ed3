// Per-message compression on the server (PROTOCOL-HTTP2.md "Length-Prefixed-Message": each
// message has its own Compressed-Flag): `context.compressMessage` chooses for each response, and
// `context.requestWasCompressed` tells a handler how each request arrived.

import { gunzipSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import { encodeMessage } from '../../src/wire/codec.js';
import { EchoRequestCodec, EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { frame, rawRequest } from '../helpers/raw-http2.js';

function flagsOf(body: Buffer): number[] {
  const flags: number[] = [];
  for (let at = 0; at < body.length; at += 5 + body.readUInt32BE(at + 1)) flags.push(body[at]!);
  return flags;
}

const request = (message: string, count = 0) =>
  encodeMessage(EchoRequestCodec, { ...EchoRequestCodec.create(), message, count });

t.test('compressMessage and requestWasCompressed', async (t) => {
  const server = new Server({ compression: 'gzip' });
  server.addService(EchoService, {
    ...echoImplementation,
    async Unary(req, context) {
      // The request's own flag decides: a compressed request gets a compressed answer.
      const compressed = context.requestWasCompressed(req);
      context.compressMessage = () => compressed;
      return { message: `${req.message}:${compressed}`, index: 0, payload: req.payload };
    },
    ServerStream(req, context) {
      context.compressMessage = (index) => index % 2 === 1;
      return echoImplementation.ServerStream(req, context);
    },
    async ClientStream(requests, context) {
      const seen: string[] = [];
      for await (const r of requests) seen.push(`${r.message}:${context.requestWasCompressed(r)}`);
      return { message: seen.join(','), index: seen.length, payload: new Uint8Array(0) };
    },
  });
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  const gzipCall = { 'grpc-encoding': 'gzip', 'grpc-accept-encoding': 'gzip' };

  for (const compressed of [false, true]) {
    const body = request('u');
    const response = await rawRequest(address, {
      path: '/handwire.test.Echo/Unary',
      headers: gzipCall,
      body: [compressed ? frame(gzipSync(body), 1) : frame(body)],
    });
    t.same(flagsOf(response.body), [compressed ? 1 : 0], `a request compressed: ${compressed}`);
    const message = compressed ? gunzipSync(response.body.subarray(5)) : response.body.subarray(5);
    t.match(message.toString('latin1'), `u:${compressed}`);
  }

  const stream = await rawRequest(address, {
    path: '/handwire.test.Echo/ServerStream',
    headers: { 'grpc-accept-encoding': 'gzip' },
    body: [frame(request('s', 5))],
  });
  t.same(flagsOf(stream.body), [0, 1, 0, 1, 0], 'odd-numbered responses compressed');

  const mixed = await rawRequest(address, {
    path: '/handwire.test.Echo/ClientStream',
    headers: gzipCall,
    body: [frame(gzipSync(request('a')), 1), frame(request('b')), frame(gzipSync(request('c')), 1)],
  });
  const reply = gunzipSync(mixed.body.subarray(5)).toString('latin1');
  t.match(reply, 'a:true,b:false,c:true', 'each request message keeps its own flag');
});

t.test('without compressMessage every response is compressed, as before', async (t) => {
  const server = new Server({ compression: 'gzip' });
  server.addService(EchoService, echoImplementation);
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  const stream = await rawRequest(address, {
    path: '/handwire.test.Echo/ServerStream',
    headers: { 'grpc-accept-encoding': 'gzip' },
    body: [frame(request('s', 3))],
  });
  t.same(flagsOf(stream.body), [1, 1, 1]);
});
