// Client keepalive (grpc doc/keepalive.md, gRFC A8): a peer that stops answering PINGs is found
// dead within keepaliveTimeMs + keepaliveTimeoutMs; too_many_pings doubles the interval.

import t from 'tap';
import type { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { echoServerKinds } from '../helpers/echo-server-kinds.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

for (const [kind, start] of Object.entries(echoServerKinds)) {
  t.test(`a hung ${kind} peer: the unanswered PING fails the call UNAVAILABLE`, async (t) => {
    const { port } = await start(t, { minPingIntervalMs: 10 });
    const proxy = await startTcpProxy(t, port);
    const { client } = handwireEchoClient(t, proxy.address, {
      keepaliveTimeMs: 200,
      keepaliveTimeoutMs: 300,
    });
    await client.Unary(echoRequest());
    const pending = client.Unary(echoRequest({ delayMs: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.freeze();
    const started = Date.now();
    const error = (await pending.catch((e: unknown) => e)) as GrpcError;
    t.equal(error.code, Status.UNAVAILABLE);
    t.ok(Date.now() - started < 3000, `found dead in ${Date.now() - started} ms`);
  });
}

t.test('GOAWAY too_many_pings doubles keepaliveTimeMs', async (t) => {
  const { address } = await startEchoServer(t, {
    keepaliveMinTimeMs: 60_000,
    maxPingStrikes: 0,
    keepalivePermitWithoutCalls: true,
  });
  const { client, channel } = handwireEchoClient(t, address, {
    keepaliveTimeMs: 50,
    keepalivePermitWithoutCalls: true,
  });
  await client.Unary(echoRequest());
  for (let i = 0; i < 100 && channel.options.keepalive.timeMs === 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.equal(channel.options.keepalive.timeMs, 100);
  t.equal((await client.Unary(echoRequest({ message: 'again' }))).message, 'again');
});

t.test('keepalive options are checked', async (t) => {
  t.throws(() => handwireEchoClient(t, '127.0.0.1:1', { keepaliveTimeMs: -1 }), {
    message: /keepaliveTimeMs must be a number of 0 or more, got -1/,
  });
});
