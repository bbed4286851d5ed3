// Deadlines and cancellation on the server (grpc PROTOCOL-HTTP2.md "Timeout"; grpc-go's handling
// of RST_STREAM): the handler's signal aborts, the client sees DEADLINE_EXCEEDED or has cancelled.

import t from 'tap';
import type { ServerCallContext } from '../../src/server/call-context.js';
import { Server } from '../../src/server/server.js';
import { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { encodeMessage } from '../../src/wire/codec.js';
import { EchoRequestCodec, EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoClient, grpc, unary } from '../helpers/grpc-js-echo.js';
import { frame, rawRequest } from '../helpers/raw-http2.js';

/** A server whose Unary records its context and waits until cancelled. */
async function serveWaiting(t: any) {
  const seen: { context?: ServerCallContext; abortedWith?: unknown } = {};
  let signalled!: () => void;
  const aborted = new Promise<void>((resolve) => {
    signalled = resolve;
  });
  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async Unary(_request, context) {
      seen.context = context;
      await new Promise((_resolve, reject) => {
        context.signal.addEventListener('abort', () => {
          seen.abortedWith = context.signal.reason;
          signalled();
          reject(context.signal.reason);
        });
      });
      return { message: 'never', index: 0, payload: new Uint8Array(0) };
    },
  });
  const { address } = await server.listen();
  const client = echoClient(address);
  t.teardown(async () => {
    client.close();
    await server.forceClose();
  });
  return { client, seen, aborted, address };
}

t.test('the deadline aborts the handler and the client gets DEADLINE_EXCEEDED', async (t) => {
  const { client, seen, aborted } = await serveWaiting(t);
  const started = Date.now();
  const error = (await unary(client, {}, new grpc.Metadata(), {
    deadline: Date.now() + 300,
  }).catch((e) => e)) as grpc.ServiceError;
  t.equal(error.code, grpc.status.DEADLINE_EXCEEDED);
  await aborted;
  t.ok(seen.abortedWith instanceof GrpcError);
  t.equal((seen.abortedWith as GrpcError).code, Status.DEADLINE_EXCEEDED);
  t.ok(seen.context!.deadline! - started < 1000 && seen.context!.deadline! - started > 100);
});

t.test(
  'the server answers DEADLINE_EXCEEDED itself, even to a client that keeps waiting',
  async (t) => {
    const { address } = await serveWaiting(t);
    const body = [frame(encodeMessage(EchoRequestCodec, EchoRequestCodec.create()))];
    const started = Date.now();
    const response = await rawRequest(address, {
      path: '/handwire.test.Echo/Unary',
      headers: { 'grpc-timeout': '200m' },
      body,
    });
    const elapsed = Date.now() - started;
    t.equal(
      (response.trailers ?? response.headers)['grpc-status'],
      String(Status.DEADLINE_EXCEEDED),
    );
    t.ok(elapsed >= 190 && elapsed < 2000, `answered after ${elapsed} ms`);
  },
);

t.test('grpc-timeout is understood in every unit', async (t) => {
  let remaining = 0;
  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async Unary(_request, context) {
      remaining = context.timeRemaining();
      return { message: '', index: 0, payload: new Uint8Array(0) };
    },
  });
  const { address } = await server.listen();
  t.teardown(() => server.forceClose());
  const body = [frame(encodeMessage(EchoRequestCodec, EchoRequestCodec.create()))];
  const cases: Array<[string, number]> = [
    ['1H', 3_600_000],
    ['2M', 120_000],
    ['30S', 30_000],
    ['1500m', 1500],
    ['2500000u', 2500],
    ['90000000n', 90],
  ];
  for (const [header, ms] of cases) {
    await rawRequest(address, {
      path: '/handwire.test.Echo/Unary',
      headers: { 'grpc-timeout': header },
      body,
    });
    t.ok(remaining <= ms && remaining > ms * 0.5 - 100, `${header}: ${remaining} ms left of ${ms}`);
  }
});

t.test(
  'a timeout of zero has passed on arrival: DEADLINE_EXCEEDED without running the handler',
  async (t) => {
    let ran = false;
    const server = new Server();
    server.addService(EchoService, {
      ...echoImplementation,
      async Unary() {
        ran = true;
        return { message: '', index: 0, payload: new Uint8Array(0) };
      },
    });
    const { address } = await server.listen();
    t.teardown(() => server.forceClose());
    const response = await rawRequest(address, {
      path: '/handwire.test.Echo/Unary',
      headers: { 'grpc-timeout': '0n' },
      body: [frame(Buffer.alloc(0))],
    });
    t.equal(response.headers['grpc-status'], String(Status.DEADLINE_EXCEEDED));
    t.equal(ran, false);
  },
);

t.test('a client cancel (RST_STREAM) aborts the handler with CANCELLED', async (t) => {
  const { client, seen, aborted } = await serveWaiting(t);
  const call = client.Unary({}, () => {});
  await new Promise((resolve) => setTimeout(resolve, 200));
  call.cancel();
  await aborted;
  t.equal((seen.abortedWith as GrpcError).code, Status.CANCELLED);
  t.equal(seen.context!.cancelled, true);
});

t.test('cancelling a server stream runs the generator finally and stops it', async (t) => {
  let finallyRan = false;
  let yielded = 0;
  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async *ServerStream(_request, context) {
      try {
        for (;;) {
          yielded++;
          yield { message: 'tick', index: yielded, payload: new Uint8Array(0) };
          await new Promise((resolve) => setTimeout(resolve, 10));
          if (context.cancelled) return;
        }
      } finally {
        finallyRan = true;
      }
    },
  });
  const { address } = await server.listen();
  const client = echoClient(address);
  t.teardown(async () => {
    client.close();
    await server.forceClose();
  });
  const call = client.ServerStream({});
  await new Promise<void>((resolve) => call.once('data', () => resolve()));
  call.on('error', () => {});
  call.cancel();
  const deadline = Date.now() + 2000;
  while (!finallyRan && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.equal(finallyRan, true, "the generator's finally ran");
  const after = yielded;
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(yielded, after, 'nothing more is produced');
});
