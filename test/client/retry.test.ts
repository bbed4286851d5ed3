// Retries (gRFC A6): a retryableStatusCodes failure is retried with backoff and gives up after
// maxAttempts; other codes are not retried; grpc-retry-pushback-ms; the deadline; throttling.
// (Transparent retry: transparent-retry.test.ts; streaming calls: streaming-retry.test.ts.)

import t, { type Test } from 'tap';
import type { ChannelOptions } from '../../src/client/channel.js';
import {
  pushbackMs,
  type RetryPolicy,
  RetryThrottle,
  resolveRetryPolicy,
  retryBackoffMs,
} from '../../src/client/retry-policy.js';
import { Server } from '../../src/server/server.js';
import { GrpcError } from '../../src/transport/grpc-error.js';
import { Metadata } from '../../src/transport/metadata.js';
import { Status } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';

const POLICY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoff: '0.05s',
  maxBackoff: '0.2s',
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE'],
};

function retryConfig(policy: RetryPolicy = POLICY): ChannelOptions {
  return {
    serviceConfig: {
      methodConfig: [{ name: [{ service: 'handwire.test.Echo' }], retryPolicy: policy }],
    },
  };
}

/**
 * A server whose Unary fails with `code` the first `failures` times, recording each attempt,
 * with grpc-retry-pushback-ms `pushbackMs` (one for every failure, or attempt n's at [n]).
 */
async function flakyServer(
  t: Test,
  failures: number,
  code: number = Status.UNAVAILABLE,
  pushbackMs?: string | (string | undefined)[],
) {
  const attempts: { at: number; previous: string | undefined }[] = [];
  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async Unary(request, context) {
      attempts.push({
        at: Date.now(),
        previous: context.metadata.get('grpc-previous-rpc-attempts') as string | undefined,
      });
      if (attempts.length <= failures) {
        const pushback =
          typeof pushbackMs === 'string' ? pushbackMs : pushbackMs?.[attempts.length - 1];
        if (pushback !== undefined)
          context.responseTrailers.set('grpc-retry-pushback-ms', pushback);
        throw new GrpcError(code as 14, `attempt ${attempts.length} failed`);
      }
      return { message: request.message, index: attempts.length, payload: new Uint8Array(0) };
    },
  });
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  return { address: `127.0.0.1:${bound.port}`, attempts };
}

t.test('a retryable failure is retried with backoff until it succeeds', async (t) => {
  const { address, attempts } = await flakyServer(t, 2);
  const { client } = handwireEchoClient(t, address, retryConfig());
  const response = await client.Unary(echoRequest({ message: 'third time' }));
  t.equal(response.message, 'third time');
  t.equal(attempts.length, 3);
  t.same(
    attempts.map((a) => a.previous),
    [undefined, '1', '2'],
    'grpc-previous-rpc-attempts',
  );
});

t.test('gives up after maxAttempts with the last error', async (t) => {
  const { address, attempts } = await flakyServer(t, 100);
  const { client } = handwireEchoClient(t, address, retryConfig());
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.UNAVAILABLE);
  t.equal(error.message, 'attempt 3 failed');
  t.equal(attempts.length, 3);
});

t.test('a code not in retryableStatusCodes is not retried', async (t) => {
  const { address, attempts } = await flakyServer(t, 100, Status.INTERNAL);
  const { client } = handwireEchoClient(t, address, retryConfig());
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.INTERNAL);
  t.equal(attempts.length, 1);
});

t.test('grpc-retry-pushback-ms sets the wait; a malformed one stops retries', async (t) => {
  const { address, attempts } = await flakyServer(t, 1, Status.UNAVAILABLE, '300');
  const { client } = handwireEchoClient(t, address, retryConfig());
  await client.Unary(echoRequest());
  t.equal(attempts.length, 2);
  const waited = attempts[1]!.at - attempts[0]!.at;
  t.ok(waited >= 280, `waited ${waited} ms as pushed back`);

  const other = await flakyServer(t, 5, Status.UNAVAILABLE, '-1');
  const { client: second } = handwireEchoClient(t, other.address, retryConfig());
  await t.rejects(second.Unary(echoRequest()), { code: Status.UNAVAILABLE });
  t.equal(other.attempts.length, 1);
});

t.test('no retry that would end after the deadline', async (t) => {
  const { address, attempts } = await flakyServer(t, 100, Status.UNAVAILABLE, '5000');
  const { client } = handwireEchoClient(t, address, retryConfig());
  const started = Date.now();
  await t.rejects(client.Unary(echoRequest(), { timeoutMs: 1000 }), { code: Status.UNAVAILABLE });
  t.equal(attempts.length, 1);
  t.ok(Date.now() - started < 900);
});

t.test('retry throttling stops retries once tokens fall to half', async (t) => {
  const { address, attempts } = await flakyServer(t, 100);
  const { client } = handwireEchoClient(t, address, {
    serviceConfig: {
      ...retryConfig().serviceConfig,
      retryThrottling: { maxTokens: 4, tokenRatio: 0.1 },
    },
  });
  await t.rejects(client.Unary(echoRequest()), { code: Status.UNAVAILABLE });
  // 4 tokens: failure → 3 (retry allowed, > 2), failure → 2 (not > 2): two attempts.
  t.equal(attempts.length, 2);
  await t.rejects(client.Unary(echoRequest()), { code: Status.UNAVAILABLE });
  t.equal(attempts.length, 3, 'throttled: no retry at all');
});

t.test('policies are checked when the channel is created', async (t) => {
  t.throws(() => resolveRetryPolicy({ ...POLICY, maxAttempts: 1 }), /maxAttempts is 1/);
  t.throws(
    () => resolveRetryPolicy({ ...POLICY, initialBackoff: '10ms' }),
    /"10ms": write a positive duration/,
  );
  t.throws(() => resolveRetryPolicy({ ...POLICY, retryableStatusCodes: [] }), /must not be empty/);
  t.throws(
    () => resolveRetryPolicy({ ...POLICY, retryableStatusCodes: ['NOPE' as 'OK'] }),
    /not a status code/,
  );
  t.throws(() => resolveRetryPolicy({ ...POLICY, backoffMultiplier: 0 }), /backoffMultiplier is 0/);
  t.equal(resolveRetryPolicy({ ...POLICY, maxAttempts: 9 }).maxAttempts, 5, 'A6 caps at 5');
  t.throws(() => handwireEchoClient(t, '127.0.0.1:1', retryConfig({ ...POLICY, maxAttempts: 0 })));
  t.throws(() => new RetryThrottle({ maxTokens: 0, tokenRatio: 1 }), /maxTokens is 0/);
  t.throws(() => new RetryThrottle({ maxTokens: 1, tokenRatio: 0 }), /tokenRatio is 0/);
});

t.test('the backoff is random below min(initial × multiplier^(n-1), max)', async (t) => {
  const policy = resolveRetryPolicy(POLICY);
  t.equal(
    retryBackoffMs(policy, 1, () => 0.999),
    49.95,
  );
  t.equal(
    retryBackoffMs(policy, 2, () => 0.5),
    50,
  );
  t.equal(
    retryBackoffMs(policy, 5, () => 0.5),
    100,
    'capped at maxBackoff',
  );
});

t.test('a pushback too long for a timer stops retries instead of retrying at once', async (t) => {
  // 2^31 ms: setTimeout would fire it after 1 ms.
  const { address, attempts } = await flakyServer(t, 1, Status.UNAVAILABLE, '2147483648');
  const { client } = handwireEchoClient(t, address, retryConfig());
  await t.rejects(client.Unary(echoRequest()), { code: Status.UNAVAILABLE });
  t.equal(attempts.length, 1);
});

t.test('pushbackMs reads grpc-retry-pushback-ms as A6 says', async (t) => {
  const pushback = (value?: string) => {
    const metadata = new Metadata();
    if (value !== undefined) metadata.set('grpc-retry-pushback-ms', value);
    return pushbackMs(new GrpcError(Status.UNAVAILABLE, 'failed', { metadata }));
  };
  t.equal(pushback(), undefined, 'none sent');
  t.equal(pushback('250'), 250);
  t.equal(pushback('-1'), -1, 'negative: do not retry');
  t.equal(pushback('soon'), -1, 'malformed: do not retry');
  t.equal(pushback('2147483647'), 2147483647, 'the longest a timer can wait');
  t.equal(pushback('2147483648'), -1, 'longer: do not retry');
});

t.test('after a pushback, the next backoff starts again from initialBackoff', async (t) => {
  // Attempt 1 is pushed back 10 ms; attempt 2 fails without a pushback. A6: "If this attempt
  // also fails, retry delay will reset to initial backoff" — under 50 ms, not the second
  // backoff's 50 ms × 1000 (which would also outlast the deadline).
  const { address, attempts } = await flakyServer(t, 2, Status.UNAVAILABLE, ['10', undefined]);
  const { client } = handwireEchoClient(
    t,
    address,
    retryConfig({ ...POLICY, maxBackoff: '100s', backoffMultiplier: 1000 }),
  );
  await client.Unary(echoRequest(), { timeoutMs: 5000 });
  t.equal(attempts.length, 3);
  const waited = attempts[2]!.at - attempts[1]!.at;
  t.ok(waited < 300, `waited ${waited} ms after the attempt that followed the pushback`);
});

t.test('a retried call past its timeoutMs says which budget it exceeded', async (t) => {
  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async Unary(_request, context) {
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      throw new GrpcError(Status.CANCELLED, 'cancelled');
    },
  });
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  const { client } = handwireEchoClient(t, `127.0.0.1:${bound.port}`, retryConfig());
  await t.rejects(client.Unary(echoRequest(), { timeoutMs: 200 }), {
    code: Status.DEADLINE_EXCEEDED,
    message: "the call's deadline of 200 ms was exceeded",
  });
});
