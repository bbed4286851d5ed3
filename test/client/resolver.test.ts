// Name resolution (grpc doc/naming.md, load-balancing.md): dns:///host:port becomes every address
// of the host, balanced by the policy; after every address failed the name is looked up again.

import dns from 'node:dns';
import t, { type Test } from 'tap';
import type { LookupAll } from '../../src/client/resolver.js';
import { resolveAddresses } from '../../src/client/resolver.js';
import { parseTarget } from '../../src/client/target.js';
import { Server } from '../../src/server/server.js';
import type { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { startGrpcJsEchoServer } from '../helpers/grpc-js-echo-server.js';

/** Echo servers on one port, one per host; each counts the calls it answered. */
async function startServersOnOnePort(t: Test, hosts: readonly string[]) {
  const counts: number[] = [];
  let port = 0;
  for (const [i, host] of hosts.entries()) {
    counts.push(0);
    const server = new Server({
      interceptors: [
        (next) => async (call) => {
          counts[i]!++;
          return next(call);
        },
      ],
    });
    server.addService(EchoService, echoImplementation);
    port = (await server.listen({ host, port })).port;
    t.teardown(() => server.forceClose());
  }
  return { port, counts };
}

t.test('dns:///localhost:PORT reaches a server on each address localhost has', async (t) => {
  const addresses = (await dns.promises.lookup('localhost', { all: true })).map((a) => a.address);
  t.ok(addresses.length >= 1, `localhost is ${addresses.join(', ')} here`);
  const { port, counts } = await startServersOnOnePort(t, addresses);
  const { client, channel } = handwireEchoClient(t, `dns:///localhost:${port}`, {
    loadBalancingPolicy: 'round_robin',
  });
  t.equal(channel.authority, `localhost:${port}`, ':authority stays the name');
  for (let i = 0; i < 4 * addresses.length; i++) await client.Unary(echoRequest());
  t.ok(
    counts.every((count) => count > 0),
    `round_robin spread the calls over every address (${counts.join(', ')})`,
  );
  t.equal(
    counts.reduce((a, b) => a + b),
    4 * addresses.length,
  );
});

t.test('both loopback addresses: round_robin uses both, pick_first the first', async (t) => {
  // This machine's localhost may have one address only; the lookup here gives both.
  const lookup: LookupAll = async () => [
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ];
  const { port, counts } = await startServersOnOnePort(t, ['127.0.0.1', '::1']);
  const rr = handwireEchoClient(t, `dns:///localhost:${port}`, {
    loadBalancingPolicy: 'round_robin',
    lookup,
  });
  for (let i = 0; i < 6; i++) await rr.client.Unary(echoRequest());
  // The first calls go where a session is ready first; both addresses serve.
  t.ok(counts[0]! > 0 && counts[1]! > 0, `both served (${counts.join(', ')})`);
  t.equal(counts[0]! + counts[1]!, 6);
  const [v4, v6] = counts as [number, number];
  const first = handwireEchoClient(t, `dns:///localhost:${port}`, { lookup });
  for (let i = 0; i < 4; i++) await first.client.Unary(echoRequest());
  t.same(counts, [v4 + 4, v6], 'pick_first stays on the first address');
});

t.test('a name whose first address is down: pick_first moves on to the next', async (t) => {
  const { port, counts } = await startServersOnOnePort(t, ['127.0.0.1']);
  const lookup: LookupAll = async () => [
    { address: '::1', family: 6 },
    { address: '127.0.0.1', family: 4 },
  ];
  const { client } = handwireEchoClient(t, `dns:///localhost:${port}`, { lookup });
  t.equal((await client.Unary(echoRequest({ message: 'via v4' }))).message, 'via v4');
  t.same(counts, [1]);
});

t.test('a grpc-js server on one loopback address, reached by name', async (t) => {
  const { port } = await startGrpcJsEchoServer(t);
  const { client } = handwireEchoClient(t, `dns:///localhost:${port}`, {
    loadBalancingPolicy: 'round_robin',
  });
  t.equal((await client.Unary(echoRequest({ message: 'named' }))).message, 'named');
});

t.test('after every address failed, the name is resolved again', async (t) => {
  const { port } = await startServersOnOnePort(t, ['127.0.0.1']);
  const answers = [['127.0.0.2'], ['127.0.0.1']];
  let lookups = 0;
  const lookup: LookupAll = async () =>
    (answers[Math.min(lookups++, 1)] ?? []).map((address) => ({ address, family: 4 }));
  const { client } = handwireEchoClient(t, `dns:///localhost:${port}`, {
    lookup,
    dnsMinTimeBetweenResolutionsMs: 0,
  });
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.UNAVAILABLE);
  t.match(error.message, `127.0.0.2:${port}`, 'the error names the resolved address');
  t.equal((await client.Unary(echoRequest({ message: 'moved' }))).message, 'moved');
  t.equal(lookups, 2);

  lookups = 0;
  const slow = handwireEchoClient(t, `dns:///localhost:${port}`, { lookup });
  await t.rejects(slow.client.Unary(echoRequest()), { code: Status.UNAVAILABLE });
  await t.rejects(slow.client.Unary(echoRequest()), { code: Status.UNAVAILABLE });
  t.equal(lookups, 1, 'not again within dnsMinTimeBetweenResolutionsMs (30 s by default)');
});

t.test('a name that does not resolve: UNAVAILABLE saying so', async (t) => {
  const lookup: LookupAll = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
  };
  const { client, channel } = handwireEchoClient(t, 'dns:///nowhere.invalid:50051', { lookup });
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.UNAVAILABLE);
  t.equal(
    error.message,
    'resolving nowhere.invalid:50051 failed: ENOTFOUND (the host name does not resolve)',
  );
  t.equal(channel.state, 'transientFailure');
});

t.test(
  'resolveAddresses keeps IP literals and paths, dedupes, and names what it resolved',
  async (t) => {
    const lookup: LookupAll = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
    const addresses = await resolveAddresses(
      parseTarget(['localhost:1', '127.0.0.1:1', 'unix:/tmp/x.sock']),
      lookup,
    );
    t.same(
      addresses.map((a) => [a.label, a.kind === 'tcp' ? a.name : undefined]),
      [
        ['127.0.0.1:1', 'localhost'],
        ['[::1]:1', 'localhost'],
        ['unix:/tmp/x.sock', undefined],
      ],
    );
  },
);

t.test('a name that does not resolve is not looked up again on every call', async (t) => {
  let lookups = 0;
  const lookup: LookupAll = async () => {
    lookups++;
    throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
  };
  const { client } = handwireEchoClient(t, 'dns:///nowhere.invalid:50051', { lookup });
  for (let i = 0; i < 3; i++) {
    await t.rejects(client.Unary(echoRequest()), {
      code: Status.UNAVAILABLE,
      message: 'resolving nowhere.invalid:50051 failed: ENOTFOUND (the host name does not resolve)',
    });
  }
  t.equal(lookups, 1, 'the failure is kept for dnsMinTimeBetweenResolutionsMs (30 s by default)');
});

t.test('waitForReady waits for the next resolution, not a flat second', async (t) => {
  const { port } = await startServersOnOnePort(t, ['127.0.0.1']);
  let lookups = 0;
  const lookup: LookupAll = async () => {
    if (lookups++ === 0) throw Object.assign(new Error('try again'), { code: 'EAI_AGAIN' });
    return [{ address: '127.0.0.1', family: 4 }];
  };
  const { client } = handwireEchoClient(t, `dns:///localhost:${port}`, {
    lookup,
    dnsMinTimeBetweenResolutionsMs: 100,
  });
  const started = Date.now();
  const response = await client.Unary(echoRequest({ message: 'resolved' }), {
    waitForReady: true,
    timeoutMs: 5000,
  });
  t.equal(response.message, 'resolved');
  t.equal(lookups, 2);
  const waited = Date.now() - started;
  t.ok(waited < 800, `answered ${waited} ms after the first lookup failed`);
});

t.test('a lookup that never answers fails the call after connectTimeoutMs', async (t) => {
  const lookup: LookupAll = () => new Promise(() => {});
  const { client } = handwireEchoClient(t, 'dns:///stuck.example:50051', {
    lookup,
    connectTimeoutMs: 200,
  });
  const started = Date.now();
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.UNAVAILABLE);
  t.match(error.message, /resolving stuck\.example:50051 .*200 ms/);
  t.ok(Date.now() - started < 2000);
});

t.test('the names of a target are looked up at once, the results kept in order', async (t) => {
  let running = 0;
  let most = 0;
  const lookup: LookupAll = async (host) => {
    most = Math.max(most, ++running);
    // The first name answers last: the order must still be the targets'.
    await new Promise((resolve) => setTimeout(resolve, host === 'one.example' ? 100 : 10));
    running--;
    return [{ address: host === 'one.example' ? '10.0.0.1' : '10.0.0.2', family: 4 }];
  };
  const addresses = await resolveAddresses(parseTarget(['one.example:1', 'two.example:2']), lookup);
  t.same(
    addresses.map((a) => a.label),
    ['10.0.0.1:1', '10.0.0.2:2'],
  );
  t.equal(most, 2, 'both lookups ran together');
});
