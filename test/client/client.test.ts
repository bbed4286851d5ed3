// The handwire client's four call shapes, metadata, deadlines, cancellation, errors and
// compression against two real servers: @grpc/grpc-js and handwire's own (grpc PROTOCOL-HTTP2.md).

import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { type GrpcError, packDetail, unpackDetail } from '../../src/transport/grpc-error.js';
import { Metadata } from '../../src/transport/metadata.js';
import { Status } from '../../src/transport/status.js';
import { EchoRequestCodec } from '../fixtures/echo-codecs.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { startGrpcJsEchoServer } from '../helpers/grpc-js-echo-server.js';

async function* fromArray<T>(items: T[], gapMs = 0): AsyncIterable<T> {
  for (const item of items) {
    if (gapMs > 0) await sleep(gapMs);
    yield item;
  }
}

const servers = {
  'grpc-js': async (t: Test) => (await startGrpcJsEchoServer(t)).address,
  handwire: async (t: Test) => {
    const { address } = await startEchoServer(t);
    return address;
  },
};

for (const [serverName, start] of Object.entries(servers)) {
  t.test(`against the ${serverName} server`, async (t) => {
    t.test('unary echoes message and payload', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const payload = Buffer.from([0, 1, 2, 255]);
      const response = await client.Unary(echoRequest({ message: 'héllo ✓', payload }));
      t.equal(response.message, 'héllo ✓');
      t.same(Buffer.from(response.payload), payload);
    });

    t.test('many unary calls share one session', async (t) => {
      const { client, channel } = handwireEchoClient(t, await start(t));
      const states: string[] = [];
      channel.onStateChange((state) => states.push(state));
      t.equal(channel.state, 'idle', 'a new channel has not connected');
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => client.Unary(echoRequest({ message: `m${i}` }))),
      );
      t.same(
        responses.map((r) => r.message),
        Array.from({ length: 50 }, (_, i) => `m${i}`),
      );
      t.same(states, ['connecting', 'ready'], 'connected once');
    });

    t.test('server streaming delivers every message in order', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const indexes: number[] = [];
      for await (const r of client.ServerStream(echoRequest({ message: 'x', count: 300 }))) {
        indexes.push(r.index);
      }
      t.same(
        indexes,
        Array.from({ length: 300 }, (_, i) => i),
      );
    });

    t.test('client streaming sends every request', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const requests = ['a', 'b', 'c', 'd'].map((message) => echoRequest({ message }));
      const response = await client.ClientStream(fromArray(requests, 2));
      t.equal(response.message, 'a,b,c,d');
      t.equal(response.index, 4);
    });

    t.test('bidi answers each request', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const requests = ['a', 'b', 'c'].map((message) => echoRequest({ message }));
      const seen: string[] = [];
      for await (const r of client.Bidi(fromArray(requests))) seen.push(`${r.index}:${r.message}`);
      t.same(seen, ['0:a', '1:b', '2:c']);
    });

    t.test('metadata travels both ways, -bin keys included', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const metadata = new Metadata()
        .set('echo-text', 'plain value')
        .set('echo-data-bin', Buffer.from([0, 255, 10]))
        .set('echo-trailer-note', 'in the trailers');
      let header: Metadata | undefined;
      let trailer: Metadata | undefined;
      await client.Unary(echoRequest({ message: 'm' }), {
        metadata,
        onHeader: (m) => {
          header = m;
        },
        onTrailer: (m) => {
          trailer = m;
        },
      });
      t.equal(header?.get('echo-text'), 'plain value');
      t.same(header?.get('echo-data-bin'), Buffer.from([0, 255, 10]));
      t.equal(trailer?.get('echo-trailer-note'), 'in the trailers');
    });

    t.test('a failure is a GrpcError with code, message and trailing metadata', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const metadata = new Metadata().set('echo-trailer-why', 'asked');
      const error = (await client
        .Unary(echoRequest({ message: 'boom', failCode: Status.NOT_FOUND }), { metadata })
        .catch((e: unknown) => e)) as GrpcError;
      t.equal(error.name, 'GrpcError');
      t.equal(error.code, Status.NOT_FOUND);
      t.equal(error.message, 'failed as asked: boom');
      t.equal(error.metadata.get('echo-trailer-why'), 'asked');
    });

    t.test('a failing server stream delivers its messages, then the error', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const got: number[] = [];
      const error = await (async () => {
        const request = echoRequest({ count: 3, failCode: Status.ABORTED });
        for await (const r of client.ServerStream(request)) got.push(r.index);
      })().catch((e: GrpcError) => e);
      t.same(got, [0, 1, 2]);
      t.equal((error as GrpcError).code, Status.ABORTED);
    });

    t.test('a deadline is sent and enforced: DEADLINE_EXCEEDED', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const started = Date.now();
      const error = (await client
        .Unary(echoRequest({ delayMs: 5000 }), { timeoutMs: 200 })
        .catch((e: unknown) => e)) as GrpcError;
      t.equal(error.code, Status.DEADLINE_EXCEEDED);
      t.ok(Date.now() - started < 3000, 'failed near the deadline, not after the delay');
      const ok = await client.Unary(echoRequest({ message: 'in time' }), {
        deadline: new Date(Date.now() + 5000),
      });
      t.equal(ok.message, 'in time');
    });

    t.test('aborting the signal cancels the call: CANCELLED', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const controller = new AbortController();
      const pending = client.Unary(echoRequest({ delayMs: 5000 }), { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      const error = (await pending.catch((e: unknown) => e)) as GrpcError;
      t.equal(error.code, Status.CANCELLED);
      const stream = client.ServerStream(echoRequest({ count: 1000, delayMs: 5 }), {
        signal: AbortSignal.timeout(150),
      });
      const streamError = (await (async () => {
        for await (const _ of stream) {
        }
      })().catch((e: unknown) => e)) as GrpcError;
      t.equal(streamError.code, Status.DEADLINE_EXCEEDED, 'AbortSignal.timeout is a deadline');
    });

    t.test('compressed requests and responses (gzip, deflate)', async (t) => {
      const { client } = handwireEchoClient(t, await start(t));
      const payload = Buffer.alloc(10_000, 'abc');
      for (const compression of ['gzip', 'deflate'] as const) {
        const response = await client.Unary(echoRequest({ message: compression, payload }), {
          compression,
        });
        t.equal(response.message, compression);
        t.same(Buffer.from(response.payload), payload);
        const streamed = await client.ClientStream(
          [echoRequest({ message: 'a' }), echoRequest({ message: 'b' })],
          { compression },
        );
        t.equal(streamed.message, 'a,b');
      }
    });

    t.test('a response over maxReceiveMessageLength is RESOURCE_EXHAUSTED', async (t) => {
      const { client } = handwireEchoClient(t, await start(t), { maxReceiveMessageLength: 1000 });
      const error = (await client
        .Unary(echoRequest({ payload: Buffer.alloc(2000) }))
        .catch((e: unknown) => e)) as GrpcError;
      t.equal(error.code, Status.RESOURCE_EXHAUSTED);
      t.match(error.message, /larger than the limit of 1000 bytes/);
    });
  });
}

t.test('error details (google.rpc.Status) are decoded from a handwire server', async (t) => {
  const { Server } = await import('../../src/server/server.js');
  const { GrpcError } = await import('../../src/transport/grpc-error.js');
  const { EchoService } = await import('../fixtures/echo-codecs.js');
  const server = new Server();
  server.addService(EchoService, {
    async Unary() {
      throw new GrpcError(Status.INVALID_ARGUMENT, 'bad input', {
        details: [packDetail(EchoRequestCodec, echoRequest({ message: 'the detail' }))],
      });
    },
    async *ServerStream() {},
    async ClientStream() {
      return { message: '', index: 0, payload: new Uint8Array(0) };
    },
    async *Bidi() {},
  });
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  const { client } = handwireEchoClient(t, `127.0.0.1:${bound.port}`);
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.INVALID_ARGUMENT);
  t.equal(error.message, 'bad input');
  t.equal(error.details.length, 1);
  t.equal(unpackDetail(error.details[0]!, EchoRequestCodec)?.message, 'the detail');
});

t.test('interceptors wrap every call shape, outermost first', async (t) => {
  const { address } = await startEchoServer(t);
  const order: string[] = [];
  const { client } = handwireEchoClient(
    t,
    address,
    {},
    {
      interceptors: [
        (next) => async (call) => {
          order.push(`outer ${call.method.path}`);
          call.options = {
            ...call.options,
            metadata: new Metadata().set('echo-from', 'interceptor'),
          };
          return next(call);
        },
        (next) => async (call) => {
          order.push('inner');
          return next(call);
        },
      ],
    },
  );
  let header: Metadata | undefined;
  const response = await client.Unary(echoRequest({ message: 'u' }), {
    onHeader: (m) => {
      header = m;
    },
  });
  t.equal(response.message, 'u');
  t.equal(header?.get('echo-from'), 'interceptor', 'the interceptor changed the options');
  const streamed: number[] = [];
  for await (const r of client.ServerStream(echoRequest({ count: 3 }))) streamed.push(r.index);
  t.same(streamed, [0, 1, 2]);
  t.same(order, [
    'outer /handwire.test.Echo/Unary',
    'inner',
    'outer /handwire.test.Echo/ServerStream',
    'inner',
  ]);
});

t.test('request headers node:http2 rejects fail the call INTERNAL, without a retry', async (t) => {
  const server = await startEchoServer(t);
  // Two user-agents (a JavaScript caller can pass anything): session.request() throws
  // ERR_HTTP2_HEADER_SINGLE_VALUE. That is the caller's mistake, not a closing session: not
  // UNAVAILABLE, and nothing to retry transparently.
  const { client } = handwireEchoClient(t, server.address, {
    userAgent: ['one', 'two'] as unknown as string,
  });
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.INTERNAL);
  t.match(error.message, /the request headers could not be sent: .*user-agent/);
});
