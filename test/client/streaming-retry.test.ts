// Retries and hedging of streaming calls (gRFC A6): until the call commits — response headers,
// or a request larger than the retry buffer — a retry or a hedge replays the buffered request
// messages; hedging commits on response headers and honours grpc-retry-pushback-ms.

import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import type { ChannelOptions } from '../../src/client/channel.js';
import type { HedgingPolicy, RetryPolicy } from '../../src/client/retry-policy.js';
import type { ServiceImplementation } from '../../src/server/handlers.js';
import { Server } from '../../src/server/server.js';
import { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { type EchoResponse, EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { grpc, startGrpcJsEchoServer } from '../helpers/grpc-js-echo-server.js';

const RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoff: '0.02s',
  maxBackoff: '0.05s',
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE'],
};

function config(
  policy: { retryPolicy?: RetryPolicy; hedgingPolicy?: HedgingPolicy },
  extra: ChannelOptions = {},
): ChannelOptions {
  return {
    ...extra,
    serviceConfig: { methodConfig: [{ name: [{ service: 'handwire.test.Echo' }], ...policy }] },
  };
}

async function startServer(t: Test, handlers: Partial<ServiceImplementation<typeof EchoService>>) {
  const server = new Server();
  server.addService(EchoService, { ...echoImplementation, ...handlers });
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  return bound.address;
}

async function* slowly(messages: string[], gapMs: number, payload = new Uint8Array(0)) {
  for (const message of messages) {
    await sleep(gapMs);
    yield echoRequest({ message, payload });
  }
}

const reply = (message: string, index = 0): EchoResponse => ({
  message,
  index,
  payload: new Uint8Array(0),
});
const unavailable = (n: number) => new GrpcError(Status.UNAVAILABLE, `attempt ${n} failed`);

t.test('client streaming: a retry replays every request message', async (t) => {
  const seen: string[][] = [];
  const address = await startServer(t, {
    async ClientStream(requests, context) {
      const messages: string[] = [];
      for await (const r of requests) messages.push(r.message);
      seen.push([
        ...messages,
        `previous=${context.metadata.get('grpc-previous-rpc-attempts') ?? 0}`,
      ]);
      if (seen.length === 1) throw unavailable(1);
      return reply(messages.join(','), messages.length);
    },
  });
  const { client, channel } = handwireEchoClient(t, address, config({ retryPolicy: RETRY }));
  const response = await client.ClientStream(slowly(['a', 'b', 'c'], 5));
  t.equal(response.message, 'a,b,c');
  t.same(seen, [
    ['a', 'b', 'c', 'previous=0'],
    ['a', 'b', 'c', 'previous=1'],
  ]);
  t.equal(channel.retryBufferPool.bytesInUse, 0, 'the buffer is freed when the call ends');
});

t.test('bidi: a retry replays what was sent, then the rest follows', async (t) => {
  const seen: string[][] = [];
  const address = await startServer(t, {
    async *Bidi(requests) {
      const attempt = seen.push([]) - 1;
      let index = 0;
      for await (const r of requests) {
        seen[attempt]!.push(r.message);
        // The first attempt fails after one message, before sending anything: Trailers-Only.
        if (attempt === 0) throw unavailable(1);
        yield reply(r.message, index++);
      }
    },
  });
  const { client } = handwireEchoClient(t, address, config({ retryPolicy: RETRY }));
  const got: string[] = [];
  for await (const r of client.Bidi(slowly(['a', 'b', 'c'], 30))) got.push(r.message);
  t.same(got, ['a', 'b', 'c']);
  t.same(seen, [['a'], ['a', 'b', 'c']]);
});

t.test('server streaming: retried before the response headers, not after', async (t) => {
  let attempts = 0;
  const address = await startServer(t, {
    async *ServerStream(request) {
      attempts++;
      if (request.message === 'before' && attempts === 1) throw unavailable(1);
      yield reply(request.message);
      if (request.message === 'after') throw unavailable(attempts);
    },
  });
  const { client } = handwireEchoClient(t, address, config({ retryPolicy: RETRY }));
  const before: string[] = [];
  for await (const r of client.ServerStream(echoRequest({ message: 'before' })))
    before.push(r.message);
  t.same(before, ['before']);
  t.equal(attempts, 2);

  attempts = 0;
  const after: string[] = [];
  const error = (await (async () => {
    for await (const r of client.ServerStream(echoRequest({ message: 'after' })))
      after.push(r.message);
  })().catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.UNAVAILABLE);
  t.same(after, ['after'], 'the message that came before the failure');
  t.equal(attempts, 1, 'committed by the response headers: no retry');
});

t.test('a request larger than perRpcRetryBufferSize commits the call: no retry', async (t) => {
  let attempts = 0;
  const address = await startServer(t, {
    async ClientStream(requests) {
      attempts++;
      for await (const _ of requests) {
      }
      throw unavailable(attempts);
    },
  });
  const { client, channel } = handwireEchoClient(
    t,
    address,
    config({ retryPolicy: RETRY }, { perRpcRetryBufferSize: 1000 }),
  );
  const payload = new Uint8Array(600);
  await t.rejects(client.ClientStream(slowly(['a', 'b', 'c'], 1, payload)), {
    code: Status.UNAVAILABLE,
  });
  t.equal(attempts, 1);
  t.equal(channel.retryBufferPool.bytesInUse, 0);

  attempts = 0;
  await t.rejects(client.ClientStream(slowly(['small'], 1)), { code: Status.UNAVAILABLE });
  t.equal(attempts, 3, 'a request that fits is retried up to maxAttempts');
});

t.test('the channel-wide retryBufferSize is shared by the calls', async (t) => {
  let attempts = 0;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const address = await startServer(t, {
    async ClientStream(requests) {
      attempts++;
      const messages: string[] = [];
      for await (const r of requests) messages.push(r.message);
      if (messages[0] === 'holder') {
        await held;
        return reply('held');
      }
      throw unavailable(attempts);
    },
  });
  const { client, channel } = handwireEchoClient(
    t,
    address,
    config({ retryPolicy: RETRY }, { retryBufferSize: 1000 }),
  );
  const holder = client.ClientStream(slowly(['holder'], 1, new Uint8Array(900)));
  while (channel.retryBufferPool.bytesInUse === 0) await sleep(5);
  attempts = 0;
  await t.rejects(client.ClientStream(slowly(['x'], 1, new Uint8Array(200))), {
    code: Status.UNAVAILABLE,
  });
  t.equal(attempts, 1, 'no room left in the channel buffer: not retryable');
  release();
  t.equal((await holder).message, 'held');
});

t.test('grpc-js server: a client stream is retried with its messages replayed', async (t) => {
  const seen: string[][] = [];
  const { address } = await startGrpcJsEchoServer(t, {}, undefined, {
    ClientStream(
      call: grpc.ServerReadableStream<{ message: string }, object>,
      callback: grpc.sendUnaryData<object>,
    ) {
      const messages: string[] = [];
      call.on('data', (r: { message: string }) => messages.push(r.message));
      call.on('end', () => {
        seen.push(messages);
        if (seen.length === 1) callback({ code: grpc.status.UNAVAILABLE, details: 'try again' });
        else callback(null, { message: messages.join(','), index: messages.length });
      });
    },
  });
  const { client } = handwireEchoClient(t, address, config({ retryPolicy: RETRY }));
  t.equal((await client.ClientStream(slowly(['p', 'q'], 5))).message, 'p,q');
  t.same(seen, [
    ['p', 'q'],
    ['p', 'q'],
  ]);
});

t.test(
  'hedging a client stream: every hedge gets every message; the first answer wins',
  async (t) => {
    const seen: string[][] = [];
    const address = await startServer(t, {
      async ClientStream(requests, context) {
        const attempt = seen.push([]) - 1;
        for await (const r of requests) seen[attempt]!.push(r.message);
        if (attempt === 0) await sleep(3000, undefined, { signal: context.signal });
        return reply(`attempt ${attempt}`);
      },
    });
    const { client } = handwireEchoClient(
      t,
      address,
      config({ hedgingPolicy: { maxAttempts: 2, hedgingDelay: '0.1s' } }),
    );
    const started = Date.now();
    const response = await client.ClientStream(slowly(['a', 'b'], 80));
    t.equal(response.message, 'attempt 1');
    t.ok(Date.now() - started < 2000);
    t.same(seen, [
      ['a', 'b'],
      ['a', 'b'],
    ]);
  },
);

t.test('hedging commits on response headers, not on the first message', async (t) => {
  let attempts = 0;
  const address = await startServer(t, {
    async Unary(request, context) {
      attempts++;
      context.sendHeaders();
      await sleep(400, undefined, { signal: context.signal });
      return reply(request.message);
    },
  });
  const { client } = handwireEchoClient(
    t,
    address,
    config({ hedgingPolicy: { maxAttempts: 3, hedgingDelay: '0.1s' } }),
  );
  t.equal((await client.Unary(echoRequest({ message: 'first' }))).message, 'first');
  t.equal(attempts, 1, 'the headers committed the call before the next hedge was due');
});

t.test('hedging honours grpc-retry-pushback-ms', async (t) => {
  const at: number[] = [];
  let pushback = '-1';
  const address = await startServer(t, {
    async Unary(request, context) {
      at.push(Date.now());
      if (at.length === 1) {
        context.responseTrailers.set('grpc-retry-pushback-ms', pushback);
        throw unavailable(1);
      }
      return reply(request.message);
    },
  });
  const { client } = handwireEchoClient(
    t,
    address,
    config({
      hedgingPolicy: { maxAttempts: 3, hedgingDelay: '5s', nonFatalStatusCodes: ['UNAVAILABLE'] },
    }),
  );
  await t.rejects(client.Unary(echoRequest()), { code: Status.UNAVAILABLE });
  t.equal(at.length, 1, '"do not retry": no further hedge');

  at.length = 0;
  pushback = '300';
  t.equal((await client.Unary(echoRequest({ message: 'pushed' }))).message, 'pushed');
  t.equal(at.length, 2);
  const waited = at[1]! - at[0]!;
  t.ok(waited >= 280 && waited < 4000, `the next hedge after the pushback (${waited} ms)`);
});
