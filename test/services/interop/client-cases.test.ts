// runInteropCase (grpc doc/interop-test-descriptions.md, "Client"): a case that runs out of time
// fails, and its calls are cancelled with it, so none runs on into the cases after it. The cases
// themselves are run against real servers in test/interop/.

import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { createChannel } from '../../../src/client/channel.js';
import type { ServerCallContext } from '../../../src/server/call-context.js';
import type { ServerInterceptor } from '../../../src/server/interceptor.js';
import {
  INTEROP_CASES,
  type InteropCaseName,
  interopClients,
  runInteropCase,
} from '../../../src/services/interop/client-cases.js';
import { createInteropServer } from '../../../src/services/interop/interop-server.js';

t.test('a timed-out case cancels its calls', async (t) => {
  // A server that never answers: every call waits until it is cancelled.
  const open = new Set<ServerCallContext>();
  const neverAnswer: ServerInterceptor = (_next) => async (call) => {
    open.add(call.context);
    const { signal } = call.context;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    open.delete(call.context);
    throw signal.reason;
  };
  const server = createInteropServer({ interceptors: [neverAnswer] });
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 1000 }));
  const channel = createChannel(address, { connectTimeoutMs: 5000 });
  t.teardown(() => channel.close());
  const clients = interopClients(channel);

  await t.rejects(runInteropCase('empty_unary', clients, 200), {
    name: 'InteropCaseFailure',
    message: 'empty_unary did not finish within 200 ms',
  });
  const timedOut: string[] = [];
  for (const name of Object.keys(INTEROP_CASES) as InteropCaseName[]) {
    // Some cases end on their own here (a 1 ms deadline, a cancellation, an unregistered
    // service); the others time out. Either way, no call of theirs may stay open.
    await runInteropCase(name, clients, 200).catch((error: Error) => {
      if (error.message.endsWith('did not finish within 200 ms')) timedOut.push(name);
    });
    t.equal(await openAfterAtMost(open, 2000), 0, `${name}: no call left running`);
  }
  for (const name of ['large_unary', 'client_streaming', 'server_streaming', 'ping_pong']) {
    t.ok(timedOut.includes(name), `${name} timed out: each call shape was cut short`);
  }
});

/** How many calls are still open once none is, or once `ms` have passed. */
async function openAfterAtMost(open: ReadonlySet<unknown>, ms: number): Promise<number> {
  const until = Date.now() + ms;
  while (open.size > 0 && Date.now() < until) await delay(10);
  return open.size;
}
