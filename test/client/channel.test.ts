// The channel: lazy connect, session reuse and MAX_CONCURRENT_STREAMS, connect errors and
// timeouts, lost connections, reconnects, GOAWAY, wait-for-ready, load balancing and close
// (grpc doc/connectivity-semantics-and-api.md, connection-backoff.md, load-balancing.md,
// PROTOCOL-HTTP2.md "Connection Management").

import { once } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import type { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { echoServerKinds } from '../helpers/echo-server-kinds.js';
import { freePort } from '../helpers/free-port.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

t.test('a refused connect says where and why: UNAVAILABLE with the errno', async (t) => {
  const { client, channel } = handwireEchoClient(t, '127.0.0.1:1');
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.UNAVAILABLE);
  t.equal(error.message, 'connect ECONNREFUSED 127.0.0.1:1 (no server is listening there)');
  t.equal(channel.state, 'transientFailure');
});

t.test(
  'a peer that accepts TCP but never sends SETTINGS fails after connectTimeoutMs',
  async (t) => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.teardown(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const port = (silent.address() as net.AddressInfo).port;
    const { client } = handwireEchoClient(t, `127.0.0.1:${port}`, {
      connectTimeoutMs: 300,
      initialReconnectBackoffMs: 100,
    });
    const started = Date.now();
    const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
    const elapsed = Date.now() - started;
    t.equal(error.code, Status.UNAVAILABLE);
    t.match(error.message, /timed out: connected over TCP but the peer sent no HTTP\/2 SETTINGS/);
    t.ok(elapsed >= 250 && elapsed < 3000, `failed after the timeout (${elapsed} ms)`);
  },
);

for (const [kind, start] of Object.entries(echoServerKinds)) {
  t.test(`against the ${kind} server`, async (t) => {
    t.test('server killed mid-stream: UNAVAILABLE promptly', async (t) => {
      const { port } = await start(t);
      const proxy = await startTcpProxy(t, port);
      const { client } = handwireEchoClient(t, proxy.address);
      const received: number[] = [];
      const started = Date.now();
      const error = (await (async () => {
        for await (const r of client.ServerStream(echoRequest({ count: 1000, delayMs: 10 }))) {
          received.push(r.index);
          if (received.length === 3) void proxy.kill();
        }
      })().catch((e: unknown) => e)) as GrpcError;
      t.equal(error.code, Status.UNAVAILABLE);
      t.match(error.message, /the connection to 127\.0\.0\.1:\d+ was lost before the call ended/);
      t.ok(Date.now() - started < 3000, 'promptly');
      t.ok(received.length >= 3 && received.length < 1000);
    });

    t.test('server restarted on the same port: the channel reconnects', async (t) => {
      const { port } = await start(t);
      const proxy = await startTcpProxy(t, port);
      const { client, channel } = handwireEchoClient(t, proxy.address);
      t.equal((await client.Unary(echoRequest({ message: 'before' }))).message, 'before');
      await proxy.kill();
      // The channel notices the lost session and goes idle.
      if (channel.state === 'ready') await channel.waitForStateChange('ready');
      t.equal(channel.state, 'idle');
      await proxy.restart();
      t.equal((await client.Unary(echoRequest({ message: 'after' }))).message, 'after');
      t.equal(proxy.connections, 2, 'a new connection');
    });

    t.test('a new session when the peer MAX_CONCURRENT_STREAMS is reached', async (t) => {
      const { port } = await start(t, { maxConcurrentStreams: 2 });
      const proxy = await startTcpProxy(t, port);
      const { client } = handwireEchoClient(t, proxy.address);
      await client.Unary(echoRequest()); // connects and learns the limit
      const calls = Array.from({ length: 5 }, (_, i) =>
        client.Unary(echoRequest({ message: `${i}`, delayMs: 200 })),
      );
      t.same(
        (await Promise.all(calls)).map((r) => r.message),
        ['0', '1', '2', '3', '4'],
      );
      t.equal(proxy.connections, 3, '2 + 2 + 1 streams over three sessions');
    });

    t.test('GOAWAY: the call in flight finishes, the next goes to a new session', async (t) => {
      const { port } = await start(t, { maxConnectionAgeMs: 300, maxConnectionAgeGraceMs: 5000 });
      const proxy = await startTcpProxy(t, port);
      const { client } = handwireEchoClient(t, proxy.address);
      const slow = client.Unary(echoRequest({ message: 'slow', delayMs: 1200 }));
      await new Promise((resolve) => setTimeout(resolve, 700));
      t.equal((await client.Unary(echoRequest({ message: 'next' }))).message, 'next');
      t.equal((await slow).message, 'slow', 'the call in flight finished');
      t.ok(proxy.connections >= 2, 'the next call used a new session');
    });

    t.test('round_robin spreads calls; one of three addresses down, it serves on', async (t) => {
      const a = await start(t);
      const b = await start(t);
      const proxyA = await startTcpProxy(t, a.port);
      const proxyB = await startTcpProxy(t, b.port);
      const down = `127.0.0.1:${await freePort()}`;
      const { client } = handwireEchoClient(t, [proxyA.address, down, proxyB.address], {
        loadBalancingPolicy: 'round_robin',
      });
      for (let i = 0; i < 12; i++) {
        t.equal((await client.Unary(echoRequest({ message: `${i}` }))).message, `${i}`);
      }
      t.equal(proxyA.connections, 1);
      t.equal(proxyB.connections, 1);
    });

    t.test('pick_first uses the first address that answers', async (t) => {
      const a = await start(t);
      const proxyA = await startTcpProxy(t, a.port);
      const down = `127.0.0.1:${await freePort()}`;
      const { client, channel } = handwireEchoClient(t, [down, proxyA.address]);
      t.equal(channel.options.loadBalancingPolicy, 'pick_first');
      for (let i = 0; i < 3; i++) await client.Unary(echoRequest());
      t.equal(proxyA.connections, 1);
    });

    t.test('close(): shutdown, and calls fail with UNAVAILABLE', async (t) => {
      const { address } = await start(t);
      const { client, channel } = handwireEchoClient(t, address);
      await client.Unary(echoRequest());
      const pending = client.Unary(echoRequest({ delayMs: 5000 }));
      const states: string[] = [];
      channel.onStateChange((s) => states.push(s));
      channel.close();
      t.equal(channel.state, 'shutdown');
      t.same(states, ['shutdown']);
      const inFlight = (await pending.catch((e: unknown) => e)) as GrpcError;
      t.equal(inFlight.code, Status.UNAVAILABLE);
      const after = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
      t.equal(after.code, Status.UNAVAILABLE);
      t.equal(after.message, 'the channel was closed');
    });
  });
}

t.test('waitForReady waits for the server instead of failing fast', async (t) => {
  const port = await freePort();
  const { client } = handwireEchoClient(t, `127.0.0.1:${port}`, {
    initialReconnectBackoffMs: 100,
    maxReconnectBackoffMs: 200,
  });
  const failFast = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(failFast.code, Status.UNAVAILABLE, 'without waitForReady it fails at once');
  const pending = client.Unary(echoRequest({ message: 'waited' }), {
    waitForReady: true,
    timeoutMs: 8000,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const server = new Server();
  server.addService(EchoService, echoImplementation);
  await server.listen({ host: '127.0.0.1', port });
  t.teardown(() => server.forceClose());
  t.equal((await pending).message, 'waited');
});

t.test('waitForReady still honours the deadline', async (t) => {
  const { client } = handwireEchoClient(t, '127.0.0.1:1', { initialReconnectBackoffMs: 50 });
  const error = (await client
    .Unary(echoRequest(), { waitForReady: true, timeoutMs: 300 })
    .catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.DEADLINE_EXCEEDED);
});

t.test('a unix socket target', async (t) => {
  const { address } = await startEchoServer(t);
  const path = join(tmpdir(), `handwire-client-${process.pid}.sock`);
  // The echo server listens on TCP; a unix socket is piped to it.
  const bridge = net.createServer((socket) => {
    const upstream = net.connect(portOf(address), '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
    upstream.on('error', () => socket.destroy()).on('close', () => socket.destroy());
  });
  await new Promise<void>((resolve) => bridge.listen(path, resolve));
  t.teardown(() => new Promise((resolve) => bridge.close(resolve)));
  const { client, channel } = handwireEchoClient(t, `unix:${path}`);
  t.equal((await client.Unary(echoRequest({ message: 'via unix' }))).message, 'via unix');
  channel.close();
});

t.test('a non-gRPC HTTP status maps per http-grpc-status-mapping', async (t) => {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.respond({ ':status': 404, 'content-type': 'text/plain' });
    stream.end('not here');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const { client } = handwireEchoClient(t, `127.0.0.1:${port}`);
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.UNIMPLEMENTED);
  t.match(error.message, /HTTP 404 \(Not Found\)/);
});

t.test('a non-200 answer that carries grpc-status keeps that status', async (t) => {
  // http-grpc-status-mapping.md maps the HTTP status only when there is no grpc-status; the
  // handwire server's own 415 answer, for one, says INTERNAL with a message.
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.respond({
      ':status': 503,
      'content-type': 'text/plain',
      'grpc-status': String(Status.RESOURCE_EXHAUSTED),
      'grpc-message': 'too busy',
    });
    stream.end('busy');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const { client } = handwireEchoClient(t, `127.0.0.1:${port}`);
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.RESOURCE_EXHAUSTED, 'not UNAVAILABLE from the 503');
  t.equal(error.message, 'too busy');
});

t.test('a connected session keeps no listener of the finished connect attempt', async (t) => {
  const server = await startEchoServer(t);
  // What node:http2 itself puts on a connected session's socket.
  const bare = http2.connect(`http://${server.address}`);
  await once(bare, 'remoteSettings');
  const nodeOwn = bare.socket.listenerCount('error');
  bare.close();
  const { client, channel } = handwireEchoClient(t, server.address);
  await client.Unary(echoRequest());
  const connection = channel.pickReady()!;
  t.ok(connection, 'a ready connection');
  // node's own, plus the one adopt() keeps to retire the session on a socket error.
  t.equal(connection.session.socket.listenerCount('error'), nodeOwn + 1);
  connection.release();
});
