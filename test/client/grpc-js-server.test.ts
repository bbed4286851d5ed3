// The list against a @grpc/grpc-js server (a peer sharing no code with the client), for
// the items whose tests elsewhere use a handwire server with handlers of their own: wait-for-ready,
// error details, retries, hedging, interceptors and backpressure (grpc PROTOCOL-HTTP2.md,
// connectivity-semantics-and-api.md, gRFC A6). Faults and keepalive run against both servers in
// channel.test.ts and keepalive.test.ts.

import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { ChannelOptions } from '../../src/client/channel.js';
import type { RetryPolicy } from '../../src/client/retry-policy.js';
import { type GrpcError, packDetail, unpackDetail } from '../../src/transport/grpc-error.js';
import { Metadata } from '../../src/transport/metadata.js';
import { Status } from '../../src/transport/status.js';
import { encodeMessage } from '../../src/wire/codec.js';
import { StatusCodec } from '../../src/wire/messages/google-rpc.js';
import { EchoRequestCodec } from '../fixtures/echo-codecs.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { freePort } from '../helpers/free-port.js';
import { grpc, startGrpcJsEchoServer } from '../helpers/grpc-js-echo-server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

type Call<Req, Res> = grpc.ServerUnaryCall<Req, Res>;
type Callback = grpc.sendUnaryData<object>;
interface PlainRequest {
  message: string;
  count: number;
  delayMs: number;
  failCode: number;
}

const RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoff: '0.05s',
  maxBackoff: '0.2s',
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE'],
};

function policy(entry: object): ChannelOptions {
  return {
    serviceConfig: { methodConfig: [{ name: [{ service: 'handwire.test.Echo' }], ...entry }] },
  };
}

t.test('waitForReady until a grpc-js server appears; then close()', async (t) => {
  const port = await freePort();
  const { client, channel } = handwireEchoClient(t, `127.0.0.1:${port}`, {
    initialReconnectBackoffMs: 100,
    maxReconnectBackoffMs: 200,
  });
  const pending = client.Unary(echoRequest({ message: 'waited' }), {
    waitForReady: true,
    timeoutMs: 8000,
  });
  await sleep(300);
  t.equal(channel.state, 'transientFailure', 'nothing listens yet');
  // The grpc-js server binds a port of its own; a proxy on the awaited port leads to it.
  const { port: upstream } = await startGrpcJsEchoServer(t);
  await startTcpProxy(t, upstream, port);
  t.equal((await pending).message, 'waited');
  t.equal(channel.state, 'ready');
  channel.close();
  t.equal(channel.state, 'shutdown');
  await t.rejects(client.Unary(echoRequest()), {
    code: Status.UNAVAILABLE,
    message: 'the channel was closed',
  });
});

t.test('error details (google.rpc.Status) from a grpc-js server are decoded', async (t) => {
  const { address } = await startGrpcJsEchoServer(t, {}, undefined, {
    Unary(_call: Call<PlainRequest, object>, callback: Callback) {
      const metadata = new grpc.Metadata();
      const detail = packDetail(EchoRequestCodec, echoRequest({ message: 'the detail' }));
      metadata.set(
        'grpc-status-details-bin',
        Buffer.from(
          encodeMessage(StatusCodec, {
            code: Status.INVALID_ARGUMENT,
            message: 'bad input',
            details: [detail],
          }),
        ),
      );
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'bad input', metadata });
    },
  });
  const { client } = handwireEchoClient(t, address);
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.INVALID_ARGUMENT);
  t.equal(error.message, 'bad input');
  t.equal(error.details.length, 1);
  t.equal(unpackDetail(error.details[0]!, EchoRequestCodec)?.message, 'the detail');
});

t.test('a retryable failure from grpc-js is retried with backoff, then given up', async (t) => {
  const attempts: { at: number; previous: unknown }[] = [];
  let failures = 2;
  const { address } = await startGrpcJsEchoServer(t, {}, undefined, {
    Unary(call: Call<PlainRequest, object>, callback: Callback) {
      attempts.push({
        at: Date.now(),
        previous: call.metadata.get('grpc-previous-rpc-attempts')[0],
      });
      if (attempts.length <= failures) {
        callback({ code: grpc.status.UNAVAILABLE, details: `attempt ${attempts.length} failed` });
      } else callback(null, { message: call.request.message });
    },
  });
  const { client } = handwireEchoClient(t, address, policy({ retryPolicy: RETRY }));
  t.equal((await client.Unary(echoRequest({ message: 'third' }))).message, 'third');
  t.same(
    attempts.map((a) => a.previous),
    [undefined, '1', '2'],
  );
  attempts.length = 0;
  failures = 100;
  await t.rejects(client.Unary(echoRequest()), {
    code: Status.UNAVAILABLE,
    message: 'attempt 3 failed',
  });
  t.equal(attempts.length, 3, 'gave up after maxAttempts');
});

t.test('hedging against grpc-js: the slow copy is overtaken and cancelled', async (t) => {
  let attempts = 0;
  let cancelled = 0;
  const { address } = await startGrpcJsEchoServer(t, {}, undefined, {
    Unary(call: Call<PlainRequest, object>, callback: Callback) {
      const n = attempts++;
      const timer = setTimeout(
        () => callback(null, { message: `attempt ${n}` }),
        n === 0 ? 3000 : 0,
      );
      call.on('cancelled', () => {
        cancelled++;
        clearTimeout(timer);
      });
    },
  });
  const { client } = handwireEchoClient(
    t,
    address,
    policy({ hedgingPolicy: { maxAttempts: 3, hedgingDelay: '0.2s' } }),
  );
  t.equal((await client.Unary(echoRequest())).message, 'attempt 1');
  for (let i = 0; i < 50 && cancelled === 0; i++) await sleep(20);
  t.equal(cancelled, 1);
  t.equal(attempts, 2);
});

t.test('interceptors around calls to a grpc-js server', async (t) => {
  const { address } = await startGrpcJsEchoServer(t);
  const { client } = handwireEchoClient(
    t,
    address,
    {},
    {
      interceptors: [
        (next) => async (call) => {
          call.options = { ...call.options, metadata: new Metadata().set('echo-from', 'it') };
          return next(call);
        },
      ],
    },
  );
  let header: Metadata | undefined;
  await client.Unary(echoRequest(), {
    onHeader: (m) => {
      header = m;
    },
  });
  t.equal(header?.get('echo-from'), 'it');
  const got: number[] = [];
  for await (const r of client.ServerStream(echoRequest({ count: 2 }))) got.push(r.index);
  t.same(got, [0, 1]);
});

t.test('a slow consumer holds a grpc-js server stream back', async (t) => {
  let produced = 0;
  const total = 1000;
  const payload = Buffer.alloc(64 * 1024, 7);
  const { address } = await startGrpcJsEchoServer(t, {}, undefined, {
    async ServerStream(call: grpc.ServerWritableStream<PlainRequest, object>) {
      for (let index = 0; index < total; index++) {
        if (call.cancelled) return;
        produced++;
        if (!call.write({ message: '', index, payload })) {
          await new Promise((resolve) => call.once('drain', resolve));
        }
      }
      call.end();
    },
  });
  const { client } = handwireEchoClient(t, address);
  const iterator = client.ServerStream(echoRequest())[Symbol.asyncIterator]();
  t.equal((await iterator.next()).value?.index, 0);
  await sleep(500);
  t.ok(produced < total / 4, `grpc-js produced only ${produced} of ${total}`);
  let received = 1;
  while (!(await iterator.next()).done) received++;
  t.equal(received, total);
});

t.test('a client stream to grpc-js awaits drain', async (t) => {
  let pulled = 0;
  let pulledAtPause = 0;
  const total = 1000;
  const payload = Buffer.alloc(64 * 1024, 7);
  const { address } = await startGrpcJsEchoServer(t, {}, undefined, {
    ClientStream(call: grpc.ServerReadableStream<PlainRequest, object>, callback: Callback) {
      let count = 0;
      call.on('data', () => {
        if (count++ === 0) {
          call.pause();
          setTimeout(() => {
            pulledAtPause = pulled;
            call.resume();
          }, 500);
        }
      });
      call.on('end', () => callback(null, { message: '', index: count }));
    },
  });
  const { client } = handwireEchoClient(t, address);
  async function* requests() {
    for (let i = 0; i < total; i++) {
      pulled++;
      yield echoRequest({ payload });
    }
  }
  const response = await client.ClientStream(requests());
  t.equal(response.index, total);
  t.ok(pulledAtPause < total / 4, `only ${pulledAtPause} of ${total} pulled while grpc-js paused`);
});
