// Graceful and forced shutdown: calls in flight finish within the grace, later ones are refused,
// the double GOAWAY, nothing left open afterwards (grpc PROTOCOL-HTTP2.md "GOAWAY Frame"; RFC 9113
// §6.8; grpc-go http2_server.go drain: GOAWAY(2^31-1) + PING, then the final GOAWAY).

import http2 from 'node:http2';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import type { ServerCallContext } from '../../src/server/call-context.js';
import type { ServerInterceptor } from '../../src/server/interceptor.js';
import { Server } from '../../src/server/server.js';
import { Status } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { echoClient, grpc, unary } from '../helpers/grpc-js-echo.js';
import {
  collectCall,
  connectByHand,
  connectRaw,
  echoFrame,
  nextEvent,
  openCall,
  within,
} from '../helpers/raw-session.js';

const MAX_STREAM_ID = 2 ** 31 - 1;
/** HTTP/2 frame types and flags (RFC 9113 §6). */
const FRAME_HEADERS = 0x1;
const FRAME_PING = 0x6;
const FLAG_END_STREAM = 0x1;
const FLAG_ACK = 0x1;

/** Watches calls on the server: their contexts as they start, and when their handlers finish. */
function callWatcher() {
  const contexts: ServerCallContext[] = [];
  const finished: ServerCallContext[] = [];
  let onStart: (() => void) | undefined;
  const interceptor: ServerInterceptor = (next) => async (call) => {
    contexts.push(call.context);
    onStart?.();
    try {
      return await next(call);
    } finally {
      finished.push(call.context);
    }
  };
  /** Resolves once `count` calls have started. */
  const started = (count: number): Promise<void> =>
    within(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (contexts.length >= count) resolve();
        };
        onStart = check;
        check();
      }),
      5000,
      `${count} calls to start on the server`,
    );
  return { interceptor, contexts, finished, started };
}

/** Settles with the gRPC status of a grpc-js call: code 0 for success. */
function statusOf(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  return call.then(
    () => ({ code: Status.OK, details: '' }),
    (error: grpc.ServiceError) => ({ code: error.code, details: error.details }),
  );
}

t.test('close() lets a call in flight finish and refuses new ones', async (t) => {
  const watcher = callWatcher();
  const { server, address } = await startEchoServer(t, { interceptors: [watcher.interceptor] });
  const client = echoClient(address);
  t.teardown(() => client.close());
  const inflight = unary(client, { message: 'slow', delayMs: 300 });
  await watcher.started(1);

  // How many handlers had finished when close() resolved.
  const closing = server.close({ graceMs: 2000 }).then(() => watcher.finished.length);
  await sleep(100);
  // A new call after close began: grpc-js saw the GOAWAY and must reconnect, which is refused.
  const late = statusOf(
    unary(client, { message: 'late' }, new grpc.Metadata(), { deadline: Date.now() + 3000 }),
  );
  // So is a raw HTTP/2 client: the server no longer listens.
  const refused = new Promise<string>((resolve) => {
    const session = http2.connect(`http://${address}`);
    session.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    session.on('connect', () => {
      session.destroy();
      resolve('connected');
    });
  });

  t.equal((await inflight).message, 'slow', 'the call in flight succeeds');
  t.equal(watcher.finished.length, 1, 'its handler finished');
  t.equal(await within(closing, 3000, 'close() to resolve'), 1, 'close() waited for the call');
  t.equal(
    (await within(late, 5000, 'the late call')).code,
    Status.UNAVAILABLE,
    'late: UNAVAILABLE',
  );
  t.equal(await within(refused, 5000, 'the raw connect'), 'ECONNREFUSED');
  t.equal(watcher.contexts.length, 1, 'the late call never reached a handler');
});

t.test('close() cancels a call that outlives the grace with UNAVAILABLE', async (t) => {
  const watcher = callWatcher();
  const { server, address } = await startEchoServer(t, { interceptors: [watcher.interceptor] });
  const client = echoClient(address);
  t.teardown(() => client.close());
  const started = Date.now();
  const call = statusOf(unary(client, { message: 'slow', delayMs: 5000 }));
  await watcher.started(1);
  const closing = server.close({ graceMs: 300 });
  const status = await within(call, 3000, 'the call to fail');
  t.equal(status.code, Status.UNAVAILABLE);
  t.match(status.details, /shutting down/, "the server's own status reached the client");
  const failedAfter = Date.now() - started;
  t.ok(failedAfter < 2500, `the client heard within the grace, not after 5 s (${failedAfter} ms)`);
  const signal = watcher.contexts[0]!.signal;
  t.ok(signal.aborted, "the handler's signal is aborted");
  t.match(signal.reason, { code: Status.UNAVAILABLE });
  await within(closing, 3000, 'close() to resolve');
});

t.test('forceClose() during a server stream ends it at once', async (t) => {
  const { server, address } = await startEchoServer(t);
  const client = echoClient(address);
  t.teardown(() => client.close());
  const call = client.ServerStream({ message: 'tick', count: 1000, delayMs: 10 });
  let received = 0;
  const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
    call.on('data', () => received++);
    call.on('error', resolve);
    call.on('end', () => resolve(undefined));
  });
  await within(nextEvent(call, 'data', 5000), 5000, 'the first message');
  const forced = server.forceClose();
  const error = await within(ended, 2000, 'the stream to end');
  t.ok(error !== undefined, 'the client gets an error, not a clean end');
  t.equal(error?.code, Status.UNAVAILABLE);
  t.match(error?.details, /shutting down/, "the server's own status reached the client");
  t.ok(received < 1000, `the stream was cut short (${received} of 1000)`);
  await within(forced, 2000, 'forceClose() to resolve');
});

t.test('close() does not wait out the grace for connections with no call', async (t) => {
  // Node stops reading a session once it has sent GOAWAY with no stream open, so a drain PING
  // on an idle connection is never acked: close() used to wait the whole grace (10 s) for it.
  const plain = await startEchoServer(t);
  const idling = await startEchoServer(t, { maxConnectionIdleMs: 200 });
  const connected = echoClient(plain.address);
  const idledOut = echoClient(idling.address);
  t.teardown(() => {
    connected.close();
    idledOut.close();
  });
  await unary(connected, { message: 'connected, then idle' });
  await unary(idledOut, { message: 'idle GOAWAY at 200 ms' });
  await sleep(500);
  for (const [name, server] of [
    ['a connected idle client', plain.server],
    ['a client sent an idle GOAWAY', idling.server],
  ] as const) {
    const started = Date.now();
    await within(server.close(), 5000, `close() with ${name}`);
    const closeMs = Date.now() - started;
    t.ok(closeMs < 2000, `close() with ${name} resolved in ${closeMs} ms, not 10 s`);
  }
});

t.test('graceful shutdown sends a double GOAWAY and lets streams in flight finish', async (t) => {
  const watcher = callWatcher();
  const { server, address } = await startEchoServer(t, { interceptors: [watcher.interceptor] });
  const raw = await connectRaw(t, address);
  const stream = openCall(raw.session, 'Unary');
  stream.end(echoFrame({ message: 'in flight', delayMs: 300 }));
  const result = collectCall(stream);
  await watcher.started(1);
  const closing = server.close({ graceMs: 5000 });

  const { responses, status } = await result;
  t.equal(status, '0', 'the stream in flight completes');
  t.equal(responses[0]?.message, 'in flight');
  await within(closing, 3000, 'close() to resolve');
  await within(raw.closed, 3000, 'the client session to close');
  t.match(
    raw.goaways.map(({ errorCode, lastStreamID }) => ({ errorCode, lastStreamID })),
    [
      { errorCode: 0, lastStreamID: MAX_STREAM_ID },
      { errorCode: 0, lastStreamID: 1 },
    ],
    'first GOAWAY(NO_ERROR, 2^31-1), then GOAWAY(NO_ERROR, last stream id 1)',
  );
});

t.test('the drain ends with the last call even when its PING is never acked', async (t) => {
  const watcher = callWatcher();
  const { server, address } = await startEchoServer(t, { interceptors: [watcher.interceptor] });
  // A peer that never acks PINGs: the end of the drain must not hang on the ack alone.
  const peer = await connectByHand(t, address, true);
  peer.call(1, 'Unary', { message: 'slow', delayMs: 300 });
  await watcher.started(1);
  await within(server.close({ graceMs: 5000 }), 3000, 'close() soon after the call, not at 5 s');
  t.equal(watcher.finished.length, 1, 'the call finished first');
  t.ok(
    peer.frames.some((frame) => frame.type === FRAME_PING && (frame.flags & FLAG_ACK) === 0),
    'the server had sent the drain PING',
  );
  t.ok(
    peer.frames.some(
      (f) => f.type === FRAME_HEADERS && f.streamId === 1 && (f.flags & FLAG_END_STREAM) !== 0,
    ),
    'the call got its trailers (HEADERS with END_STREAM)',
  );
  await within(peer.closed, 3000, 'the connection to close');
});

/** Counts active handles and requests by type (TCPSocketWrap, Timeout…). */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

async function assertNothingLeft(t: Test, before: Map<string, number>): Promise<void> {
  // Handles close asynchronously: give them a few turns of the event loop.
  for (let i = 0; i < 5; i++) await nextTurn();
  const after = resources();
  for (const [name, count] of after) {
    t.ok(
      count <= (before.get(name) ?? 0),
      `${name}: ${count} after close, ${before.get(name) ?? 0} before`,
    );
  }
}

t.test('after close() resolves no handle of the server is left', async (t) => {
  const before = resources();
  // Options that arm every per-connection timer, so a timer not cleared would show.
  const watcher = callWatcher();
  const server = new Server({
    interceptors: [watcher.interceptor],
    keepaliveTimeMs: 60_000,
    maxConnectionIdleMs: 60_000,
    maxConnectionAgeMs: 60_000,
    maxConnectionAgeGraceMs: 60_000,
  });
  server.addService(EchoService, echoImplementation);
  const { address } = await server.listen();
  const raw = await connectRaw(t, address);
  const done = openCall(raw.session, 'Unary', { 'grpc-timeout': '30S' });
  done.end(echoFrame({ message: 'one' }));
  t.equal((await collectCall(done)).status, '0');
  const slow = openCall(raw.session, 'Unary', { 'grpc-timeout': '30S' });
  slow.end(echoFrame({ message: 'cut short', delayMs: 10_000 }));
  const cut = collectCall(slow);
  await watcher.started(2);

  await within(server.close({ graceMs: 200 }), 3000, 'close() to resolve');
  t.equal((await cut).status, String(Status.UNAVAILABLE), 'the call cut short gets UNAVAILABLE');
  await within(raw.closed, 3000, 'the client session to close');
  await assertNothingLeft(t, before);
});
