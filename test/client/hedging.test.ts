// Hedging (gRFC A6 "Hedging Policy"): copies sent hedgingDelay apart, the first answer wins and
// the rest are cancelled; a non-fatal failure sends the next copy at once; a fatal one ends the call.

import http2 from 'node:http2';
import type net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import type { ChannelOptions } from '../../src/client/channel.js';
import { type HedgingPolicy, resolveHedgingPolicy } from '../../src/client/retry-policy.js';
import { Server } from '../../src/server/server.js';
import { GrpcError } from '../../src/transport/grpc-error.js';
import { Status, type StatusCode } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { answerEcho } from '../helpers/raw-grpc-answer.js';

function hedgingConfig(policy: HedgingPolicy): ChannelOptions {
  return {
    serviceConfig: {
      methodConfig: [
        { name: [{ service: 'handwire.test.Echo', method: 'Unary' }], hedgingPolicy: policy },
      ],
    },
  };
}

/**
 * Unary answers attempt n after delays[n] ms, or fails with codes[n] when given, with
 * grpc-retry-pushback-ms pushbacks[n] when given.
 */
async function scriptedServer(
  t: Test,
  delays: number[],
  codes: (StatusCode | 0)[] = [],
  pushbacks: (string | undefined)[] = [],
) {
  let attempts = 0;
  let cancelled = 0;
  const previous: (string | undefined)[] = [];
  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async Unary(_request, context) {
      const n = attempts++;
      previous.push(context.metadata.get('grpc-previous-rpc-attempts') as string | undefined);
      context.signal.addEventListener('abort', () => {
        cancelled++;
      });
      await sleep(delays[n] ?? 0, undefined, { signal: context.signal });
      const code = codes[n] ?? 0;
      if (code !== 0) {
        const pushback = pushbacks[n];
        if (pushback !== undefined)
          context.responseTrailers.set('grpc-retry-pushback-ms', pushback);
        throw new GrpcError(code, `attempt ${n} failed`);
      }
      return { message: `attempt ${n}`, index: n, payload: new Uint8Array(0) };
    },
  });
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  return {
    address: `127.0.0.1:${bound.port}`,
    attempts: () => attempts,
    cancelled: () => cancelled,
    /** Each attempt's grpc-previous-rpc-attempts, in arrival order. */
    previous,
  };
}

t.test('a slow first attempt is overtaken by the hedge; the loser is cancelled', async (t) => {
  const server = await scriptedServer(t, [3000, 0]);
  const { client } = handwireEchoClient(
    t,
    server.address,
    hedgingConfig({ maxAttempts: 3, hedgingDelay: '0.2s' }),
  );
  const started = Date.now();
  const response = await client.Unary(echoRequest());
  t.equal(response.message, 'attempt 1');
  t.ok(Date.now() - started < 2000, 'did not wait for the slow attempt');
  for (let i = 0; i < 50 && server.cancelled() === 0; i++) await sleep(20);
  t.equal(server.cancelled(), 1, 'the slow attempt was cancelled');
  t.equal(server.attempts(), 2);
});

t.test('a non-fatal failure sends the next hedge at once', async (t) => {
  const server = await scriptedServer(t, [0, 0], [Status.UNAVAILABLE, 0]);
  const { client } = handwireEchoClient(
    t,
    server.address,
    hedgingConfig({ maxAttempts: 2, hedgingDelay: '5s', nonFatalStatusCodes: ['UNAVAILABLE'] }),
  );
  const started = Date.now();
  t.equal((await client.Unary(echoRequest())).message, 'attempt 1');
  t.ok(Date.now() - started < 2000, 'without waiting for hedgingDelay');
});

t.test('a fatal failure ends the call; all non-fatal failures give the last error', async (t) => {
  const fatal = await scriptedServer(t, [0], [Status.INVALID_ARGUMENT]);
  const { client } = handwireEchoClient(
    t,
    fatal.address,
    hedgingConfig({
      maxAttempts: 3,
      hedgingDelay: '5s',
      nonFatalStatusCodes: [Status.UNAVAILABLE],
    }),
  );
  await t.rejects(client.Unary(echoRequest()), { code: Status.INVALID_ARGUMENT });
  t.equal(fatal.attempts(), 1);

  const flaky = await scriptedServer(t, [0, 0], [Status.UNAVAILABLE, Status.UNAVAILABLE]);
  const { client: second } = handwireEchoClient(
    t,
    flaky.address,
    hedgingConfig({ maxAttempts: 2, hedgingDelay: '5s', nonFatalStatusCodes: ['UNAVAILABLE'] }),
  );
  await t.rejects(second.Unary(echoRequest()), {
    code: Status.UNAVAILABLE,
    message: 'attempt 1 failed',
  });
  t.equal(flaky.attempts(), 2);
});

t.test('hedging policies are checked', async (t) => {
  t.throws(() => resolveHedgingPolicy({ maxAttempts: 1 }), /maxAttempts is 1/);
  t.throws(() => resolveHedgingPolicy({ maxAttempts: 2, hedgingDelay: '1m' }), /"1m"/);
  t.throws(
    () => resolveHedgingPolicy({ maxAttempts: 2, nonFatalStatusCodes: ['NOPE' as 'OK'] }),
    /not a status code/,
  );
  t.equal(resolveHedgingPolicy({ maxAttempts: 2 }).hedgingDelayMs, 0);
  t.throws(
    () =>
      handwireEchoClient(t, '127.0.0.1:1', {
        serviceConfig: {
          methodConfig: [
            {
              name: [{ service: 'handwire.test.Echo' }],
              hedgingPolicy: { maxAttempts: 2 },
              retryPolicy: {
                maxAttempts: 2,
                initialBackoff: '1s',
                maxBackoff: '1s',
                backoffMultiplier: 1,
                retryableStatusCodes: ['UNAVAILABLE'],
              },
            },
          ],
        },
      }),
    /both retryPolicy and hedgingPolicy/,
  );
});

/** Rejects after `ms` unless `call` settles first: a hang fails the test instead of stalling it. */
async function within<T>(ms: number, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the call did not end within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call, hang]);
  } finally {
    clearTimeout(timer);
  }
}

t.test('a hedge the throttle refuses during a pushback ends the call', async (t) => {
  const server = await scriptedServer(t, [0], [Status.UNAVAILABLE], ['300']);
  const options = hedgingConfig({
    maxAttempts: 3,
    hedgingDelay: '5s',
    nonFatalStatusCodes: ['UNAVAILABLE'],
  });
  const { client, channel } = handwireEchoClient(t, server.address, {
    serviceConfig: { ...options.serviceConfig, retryThrottling: { maxTokens: 10, tokenRatio: 1 } },
  });
  const call = client.Unary(echoRequest());
  await sleep(100);
  // Other calls' failures, during the pushback, drain the throttle below half.
  for (let i = 0; i < 5; i++) channel.retryThrottle!.recordFailure();
  await t.rejects(within(3000, call), { code: Status.UNAVAILABLE, message: 'attempt 0 failed' });
  t.equal(server.attempts(), 1);
});

t.test('waiting out a pushback, a hedged call still keeps its deadline and signal', async (t) => {
  const policy = hedgingConfig({
    maxAttempts: 3,
    hedgingDelay: '5s',
    nonFatalStatusCodes: ['UNAVAILABLE'],
  });
  const late = await scriptedServer(t, [0], [Status.UNAVAILABLE], ['60000']);
  const { client } = handwireEchoClient(t, late.address, policy);
  const started = Date.now();
  // A hedge after the pushback would start past the deadline: none is sent.
  await t.rejects(within(3000, client.Unary(echoRequest(), { timeoutMs: 1000 })), {
    code: Status.UNAVAILABLE,
    message: 'attempt 0 failed',
  });
  t.ok(Date.now() - started < 900, 'without waiting for the deadline');
  t.equal(late.attempts(), 1);

  const aborted = await scriptedServer(t, [0], [Status.UNAVAILABLE], ['2000']);
  const { client: second } = handwireEchoClient(t, aborted.address, policy);
  const controller = new AbortController();
  const call = second.Unary(echoRequest(), { signal: controller.signal });
  await sleep(100);
  controller.abort();
  await t.rejects(within(1000, call), { code: Status.CANCELLED });
  t.equal(aborted.attempts(), 1);
});

t.test(
  'each hedge after the first says how many came before (grpc-previous-rpc-attempts)',
  async (t) => {
    const server = await scriptedServer(t, [3000, 3000, 0]);
    const { client } = handwireEchoClient(
      t,
      server.address,
      hedgingConfig({ maxAttempts: 3, hedgingDelay: '0.05s' }),
    );
    t.equal((await client.Unary(echoRequest())).message, 'attempt 2');
    t.same(server.previous, [undefined, '1', '2']);
  },
);

t.test('a hedged call past its timeoutMs says which budget it exceeded', async (t) => {
  const server = await scriptedServer(t, [3000, 3000]);
  const { client } = handwireEchoClient(
    t,
    server.address,
    hedgingConfig({ maxAttempts: 2, hedgingDelay: '0.05s' }),
  );
  await t.rejects(client.Unary(echoRequest(), { timeoutMs: 200 }), {
    code: Status.DEADLINE_EXCEEDED,
    message: "the call's deadline of 200 ms was exceeded",
  });
});

t.test(
  'after a "do not retry" pushback, a transparent retry does not cancel live hedges',
  async (t) => {
    // Three hedges 50 ms apart on a bare HTTP/2 server: the first answers after 400 ms; the second
    // is refused (REFUSED_STREAM) at 200 ms, so it is sent again transparently; the third fails at
    // once with pushback -1, which stops further hedges but must not commit the replacement (which
    // would answer after 800 ms) and cancel the first.
    let streams = 0;
    let firstCancelled = false;
    const sessions = new Set<http2.ServerHttp2Session>();
    const server = http2.createServer();
    server.on('session', (session) => {
      sessions.add(session);
      session.on('close', () => sessions.delete(session));
      session.on('error', () => {});
    });
    server.on('stream', (stream) => {
      stream.on('error', () => {});
      const n = ++streams;
      if (n === 1) {
        const timer = setTimeout(() => answerEcho(stream, [{ message: 'first' }]), 400);
        stream.on('close', () => {
          clearTimeout(timer);
          if (!stream.headersSent) firstCancelled = true;
        });
      } else if (n === 2) {
        const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM), 150);
        stream.on('close', () => clearTimeout(timer));
      } else if (n === 3) {
        stream.respond(
          {
            ':status': 200,
            'content-type': 'application/grpc',
            'grpc-status': String(Status.UNAVAILABLE),
            'grpc-message': 'stop',
            'grpc-retry-pushback-ms': '-1',
          },
          { endStream: true },
        );
      } else {
        // The replacement is slower than the first hedge: it answers only if it was committed.
        const timer = setTimeout(() => answerEcho(stream, [{ message: 'replacement' }]), 800);
        stream.on('close', () => clearTimeout(timer));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => {
      for (const session of sessions) session.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    const { client } = handwireEchoClient(
      t,
      `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
      hedgingConfig({
        maxAttempts: 3,
        hedgingDelay: '0.05s',
        nonFatalStatusCodes: ['UNAVAILABLE'],
      }),
    );
    const response = await client.Unary(echoRequest());
    t.equal(response.message, 'first', 'the healthy first hedge answered');
    t.notOk(firstCancelled, 'the first hedge was not cancelled');
    t.equal(streams, 4, 'three hedges and one transparent replacement');
  },
);

t.test(
  'a hedgingDelay past the deadline still lets a failure send the next hedge at once',
  async (t) => {
    const server = await scriptedServer(t, [0, 0], [Status.UNAVAILABLE, 0]);
    const { client } = handwireEchoClient(
      t,
      server.address,
      hedgingConfig({ maxAttempts: 2, hedgingDelay: '5s', nonFatalStatusCodes: ['UNAVAILABLE'] }),
    );
    const response = await client.Unary(echoRequest(), { timeoutMs: 1000 });
    t.equal(response.message, 'attempt 1');
  },
);
