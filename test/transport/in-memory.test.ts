// A server listening in memory and on a unix socket (transport/in-memory.ts; grpc doc/naming.md
// `unix:`): the same HTTP/2 code path as TCP, so metadata, deadlines, flow control and the GOAWAY
// of a graceful shutdown behave as they do on a port; `await using` ends server and channel.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { createChannel } from '../../src/client/channel.js';
import { createClient } from '../../src/client/client.js';
import { Server } from '../../src/server/server.js';
import { GrpcError } from '../../src/transport/grpc-error.js';
import { Metadata } from '../../src/transport/metadata.js';
import { Status } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { makeTestCertificates } from '../helpers/test-certificates.js';

async function inMemoryEcho(t: Test) {
  const server = new Server();
  server.addService(EchoService, echoImplementation);
  const bound = await server.listen({ inMemory: true });
  t.teardown(() => server.forceClose());
  return { server, bound, ...handwireEchoClient(t, bound.address) };
}

t.test('an in-memory server answers every call shape with metadata', async (t) => {
  const { bound, client } = await inMemoryEcho(t);
  t.match(bound, { host: /^memory:\d+$/, port: 0, address: /^memory:\d+$/ });
  let headers: Metadata | undefined;
  let trailers: Metadata | undefined;
  const reply = await client.Unary(echoRequest({ message: 'hi' }), {
    metadata: new Metadata().set('echo-k', 'v').set('echo-trailer-t', 'w'),
    onHeader: (m) => {
      headers = m;
    },
    onTrailer: (m) => {
      trailers = m;
    },
  });
  t.equal(reply.message, 'hi');
  t.equal(headers?.get('echo-k'), 'v', 'request metadata came back as a response header');
  t.equal(trailers?.get('echo-trailer-t'), 'w', 'and as a trailer');
  const streamed: number[] = [];
  for await (const item of client.ServerStream(echoRequest({ message: 's', count: 3 }))) {
    streamed.push(item.index);
  }
  t.same(streamed, [0, 1, 2]);
  const joined = await client.ClientStream([
    echoRequest({ message: 'a' }),
    echoRequest({ message: 'b' }),
  ]);
  t.equal(joined.message, 'a,b');
  const failed = await client.Unary(echoRequest({ failCode: Status.NOT_FOUND })).catch((e) => e);
  t.ok(failed instanceof GrpcError && failed.code === Status.NOT_FOUND, 'a status crosses too');
});

t.test('deadlines and flow control hold in memory', async (t) => {
  const { client } = await inMemoryEcho(t);
  const late = await client
    .Unary(echoRequest({ delayMs: 5_000 }), { timeoutMs: 50 })
    .catch((e: unknown) => e);
  t.equal((late as GrpcError).code, Status.DEADLINE_EXCEEDED);
  // 4 MiB in 64 KiB messages is far more than HTTP/2's initial 64 KiB window: it arrives only if
  // WINDOW_UPDATEs flow both ways through the pipe.
  const payload = new Uint8Array(64 * 1024).fill(7);
  let bytes = 0;
  for await (const item of client.ServerStream(echoRequest({ count: 64, payload }))) {
    bytes += item.payload.length;
  }
  t.equal(bytes, 64 * 64 * 1024, 'every byte of a stream far larger than the window arrived');
});

t.test(
  'close() sends GOAWAY in memory: the call in flight finishes, a new one is refused',
  async (t) => {
    const { server, bound, client } = await inMemoryEcho(t);
    await client.Unary(echoRequest());
    const inFlight = client.Unary(echoRequest({ message: 'slow', delayMs: 200 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = server.close({ graceMs: 5_000 });
    t.equal((await inFlight).message, 'slow', 'the call in flight finished within the grace');
    await closed;
    const { client: late } = handwireEchoClient(t, bound.address);
    const refused = await late.Unary(echoRequest()).catch((e: unknown) => e);
    t.equal((refused as GrpcError).code, Status.UNAVAILABLE);
    t.match((refused as GrpcError).message, `connect ECONNREFUSED ${bound.address}`);
  },
);

t.test('a memory address nobody listens on is refused, as a port would be', async (t) => {
  const { client } = handwireEchoClient(t, 'memory:999999');
  const refused = await client.Unary(echoRequest()).catch((e: unknown) => e);
  t.equal((refused as GrpcError).code, Status.UNAVAILABLE);
  t.equal(
    (refused as GrpcError).message,
    'connect ECONNREFUSED memory:999999 (no server is listening there)',
  );
});

t.test('listen({ path }) serves on a unix socket that unix: targets dial', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-unix-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'grpc.sock');
  const peers: string[] = [];
  const server = new Server({
    interceptors: [
      (next) => async (call) => {
        peers.push(call.context.peer);
        return next(call);
      },
    ],
  });
  server.addService(EchoService, echoImplementation);
  const bound = await server.listen({ path });
  t.teardown(() => server.forceClose());
  t.same(bound, { host: path, port: 0, address: `unix:${path}` });
  const { client } = handwireEchoClient(t, bound.address);
  t.equal((await client.Unary(echoRequest({ message: 'over unix' }))).message, 'over unix');
  t.same(peers, [`unix:${path}`], 'a call over a unix socket names the socket as its peer');
});

t.test('await using ends the server and the channel at the end of the scope', async (t) => {
  let server: Server | undefined;
  let state: string | undefined;
  {
    await using scopedServer = new Server().addService(EchoService, echoImplementation);
    server = scopedServer;
    const { address } = await scopedServer.listen({ inMemory: true });
    await using channel = createChannel(address);
    const client = createClient(EchoService, channel);
    t.equal((await client.Unary(echoRequest({ message: 'scoped' }))).message, 'scoped');
    channel.onStateChange((s) => {
      state = s;
    });
  }
  t.equal(state, 'shutdown', 'the channel was closed');
  // A closed server refuses to listen again only while closing; close() now returns at once.
  await t.resolves(server.close(), 'the server was already closed');
});

t.test('TLS runs over an in-memory connection too', async (t) => {
  const certs = makeTestCertificates(t);
  const server = new Server({ tls: { key: certs.server.key, cert: certs.server.cert } });
  server.addService(EchoService, echoImplementation);
  const { address } = await server.listen({ inMemory: true });
  t.teardown(() => server.forceClose());
  const { client } = handwireEchoClient(t, address, {
    tls: { ca: certs.ca, serverName: 'localhost' },
  });
  t.equal((await client.Unary(echoRequest({ message: 'sealed' }))).message, 'sealed');
});

t.test('listen() takes one kind of address at a time', async (t) => {
  const server = new Server();
  for (const options of [
    { inMemory: true, port: 0 },
    { path: 'x.sock', host: '::1' },
  ]) {
    await t.rejects(server.listen(options), {
      name: 'TypeError',
      message: 'listen() takes one of { host, port }, { path } or { inMemory: true }',
    });
  }
});
