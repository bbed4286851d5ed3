// Connection policies seen from raw clients: ping enforcement (too_many_pings), server keepalive,
// max connection idle and age, the handshake timeout (gRFC A8 / A9; grpc-go keepalive
// EnforcementPolicy and ServerParameters; grpc PROTOCOL-HTTP2.md "Ping Frame", "GOAWAY Frame").

import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import type { ServerCallContext } from '../../src/server/call-context.js';
import type { ServerInterceptor } from '../../src/server/interceptor.js';
import type { ServerOptions } from '../../src/server/server-options.js';
import { startEchoServer } from '../helpers/echo-server.js';
import {
  collectCall,
  connectByHand,
  connectRaw,
  echoFrame,
  openCall,
  type RawSession,
  within,
} from '../helpers/raw-session.js';

/** The HTTP/2 frame type PING (RFC 9113 §6.7). */
const PING = 0x6;

const ENHANCE_YOUR_CALM = 11;

/** Sends one PING and waits for its ack; false if the session refused or lost it. */
function ping(raw: RawSession): Promise<boolean> {
  return within(
    new Promise<boolean>((resolve) => {
      try {
        if (!raw.session.ping((error) => resolve(error === null))) resolve(false);
      } catch {
        resolve(false); // the session is already closed
      }
    }),
    3000,
    'a PING ack',
  );
}

/** Pings `times` times, `gapMs` apart, stopping early once a GOAWAY arrived; returns pings acked. */
async function pingRepeatedly(raw: RawSession, times: number, gapMs: number): Promise<number> {
  let acked = 0;
  for (let i = 0; i < times && raw.goaways.length === 0; i++) {
    if (i > 0 && gapMs > 0) await sleep(gapMs);
    if (await ping(raw)) acked++;
  }
  return acked;
}

/** Opens a call that stays in flight for `ms` (a slow unary). */
function slowCall(raw: RawSession, ms: number) {
  const stream = openCall(raw.session, 'Unary');
  stream.end(echoFrame({ message: 'slow', delayMs: ms }));
  return collectCall(stream, ms + 5000);
}

/** Records the context of every call that reaches a handler. */
function contextRecorder(): { interceptor: ServerInterceptor; contexts: ServerCallContext[] } {
  const contexts: ServerCallContext[] = [];
  return {
    contexts,
    interceptor: (next) => async (call) => {
      contexts.push(call.context);
      return next(call);
    },
  };
}

async function startServer(t: Test, options: ServerOptions): Promise<string> {
  return (await startEchoServer(t, options)).address;
}

t.test('pings too often during a call: GOAWAY ENHANCE_YOUR_CALM "too_many_pings"', async (t) => {
  const recorder = contextRecorder();
  const address = await startServer(t, {
    keepaliveMinTimeMs: 1000,
    maxPingStrikes: 2,
    interceptors: [recorder.interceptor],
  });
  const raw = await connectRaw(t, address);
  const call = slowCall(raw, 10_000);
  await within(
    (async () => {
      while (recorder.contexts.length === 0) await sleep(10);
    })(),
    5000,
    'the call to start',
  );
  const acked = await pingRepeatedly(raw, 5, 0);
  await within(raw.closed, 3000, 'the server to close the connection');
  t.match(raw.goaways, [{ errorCode: ENHANCE_YOUR_CALM, opaqueData: 'too_many_pings' }]);
  t.ok(acked >= 3, `the first pings were answered (${acked}); the one past 2 strikes was not`);
  t.not((await call).status, '0', 'the call in flight ended with the connection');
  t.ok(recorder.contexts[0]?.signal.aborted, "the handler's signal is aborted");
});

t.test('a client that pings as DATA arrives (grpc-go BDP pings) is not struck', async (t) => {
  // grpc-go's BDP estimator sends a PING with each burst of DATA it receives, waiting for the ack
  // before the next one. A server that writes DATA in between must not count them (grpc-go
  // clears the strikes whenever it writes HEADERS or DATA): here one 2 MiB response leaves in
  // flow-control windows of 64 KiB, long after the handler's single write.
  const warnings: object[] = [];
  const address = await startServer(t, {
    keepaliveMinTimeMs: 60_000,
    maxPingStrikes: 2,
    logger: { error() {}, warn: (details) => warnings.push(details) },
  });
  const raw = await connectRaw(t, address);
  const stream = openCall(raw.session, 'Unary');
  let pings = 0;
  let pingInFlight = false;
  stream.on('data', () => {
    if (pingInFlight) return;
    pingInFlight = true;
    pings++;
    raw.session.ping(() => {
      pingInFlight = false;
    });
  });
  stream.end(echoFrame({ message: 'big', payload: new Uint8Array(2 << 20) }));
  const { status, responses } = await collectCall(stream, 10_000);
  t.ok(pings > 3, `the client pinged ${pings} times while the response arrived`);
  t.equal(status, '0', 'the call completed');
  t.equal(responses[0]?.payload.length, 2 << 20, 'with the whole 2 MiB payload');
  t.same(raw.goaways, [], 'no GOAWAY');
  t.same(warnings, [], 'and none logged');
});

t.test(
  'every GOAWAY the server sends is logged once at warn, with its code and reason',
  async (t) => {
    const warnings: Array<{ details: object; message: string }> = [];
    const logger = {
      error() {},
      warn: (details: object, message: string) => warnings.push({ details, message }),
    };
    const address = await startServer(t, { keepaliveMinTimeMs: 1000, maxPingStrikes: 2, logger });
    const raw = await connectRaw(t, address);
    const call = slowCall(raw, 10_000);
    await sleep(100);
    await pingRepeatedly(raw, 5, 0);
    await within(raw.closed, 3000, 'the server to close the connection');
    await call;
    t.match(warnings, [
      {
        details: {
          code: 'ENHANCE_YOUR_CALM',
          reason: 'too_many_pings',
          peer: /^127\.0\.0\.1:\d+$/,
        },
      },
    ]);
    t.equal(warnings.length, 1, 'once');
    t.match(warnings[0]!.message, /GOAWAY ENHANCE_YOUR_CALM \(too_many_pings\)/);

    const idleWarnings: object[] = [];
    const idle = await startServer(t, {
      maxConnectionIdleMs: 200,
      logger: { error() {}, warn: (details) => idleWarnings.push(details) },
    });
    const idleClient = await connectRaw(t, idle);
    await within(idleClient.closed, 3000, 'the idle connection to close');
    t.match(idleWarnings, [{ code: 'NO_ERROR', reason: 'max connection idle' }]);
  },
);

t.test('pings with no call open earn strikes too, unless permitted', async (t) => {
  // 200 ms apart is far above keepaliveMinTimeMs, but with no call a client has no reason to
  // ping more than once in two hours (grpc-go EnforcementPolicy.PermitWithoutStream = false).
  const address = await startServer(t, {
    keepaliveMinTimeMs: 50,
    maxPingStrikes: 2,
    keepalivePermitWithoutCalls: false,
  });
  const raw = await connectRaw(t, address);
  const acked = await pingRepeatedly(raw, 6, 200);
  await within(raw.closed, 3000, 'the server to close the connection');
  t.match(raw.goaways, [{ errorCode: ENHANCE_YOUR_CALM, opaqueData: 'too_many_pings' }]);
  t.ok(acked >= 3 && acked <= 4, `GOAWAY after ${acked} pings answered`);

  // The same pings with keepalivePermitWithoutCalls are fine.
  const permissive = await startServer(t, {
    keepaliveMinTimeMs: 50,
    maxPingStrikes: 2,
    keepalivePermitWithoutCalls: true,
  });
  const allowed = await connectRaw(t, permissive);
  t.equal(await pingRepeatedly(allowed, 6, 200), 6, 'permitted: every ping answered');
  t.same(allowed.goaways, [], 'and no GOAWAY');
});

t.test('a client that respects keepaliveMinTimeMs is not disconnected', async (t) => {
  const address = await startServer(t, {
    keepaliveMinTimeMs: 1000,
    // Not one strike is tolerated: a ping judged too early would end the connection.
    maxPingStrikes: 0,
    keepalivePermitWithoutCalls: true,
  });
  const raw = await connectRaw(t, address);
  t.equal(await pingRepeatedly(raw, 3, 1250), 3, 'every ping answered');
  t.same(raw.goaways, [], 'no GOAWAY');
  const stream = openCall(raw.session, 'Unary');
  stream.end(echoFrame({ message: 'still here' }));
  t.equal((await collectCall(stream)).status, '0', 'the connection still serves calls');
});

t.test('server keepalive pings a live client and keeps it', async (t) => {
  const address = await startServer(t, { keepaliveTimeMs: 200, keepaliveTimeoutMs: 200 });
  const raw = await connectRaw(t, address);
  let pings = 0;
  raw.session.on('ping', () => pings++);
  await sleep(1000);
  t.ok(pings >= 2, `the server pinged (${pings} times in 1 s)`);
  t.notOk(raw.session.closed || raw.session.destroyed, 'the connection is still open');
  t.same(raw.goaways, []);
  const stream = openCall(raw.session, 'Unary');
  stream.end(echoFrame({ message: 'alive' }));
  t.equal((await collectCall(stream)).status, '0', 'a call succeeds after 1 s');
});

t.test('server keepalive closes a connection whose peer never answers PING', async (t) => {
  const address = await startServer(t, { keepaliveTimeMs: 200, keepaliveTimeoutMs: 200 });
  const dead = await connectByHand(t, address, true);
  // The same peer on a server without keepalive stays connected.
  const control = await connectByHand(t, await startServer(t, {}), true);

  await within(dead.closed, 3000, 'the server to close the silent connection');
  t.ok(
    dead.frames.some((frame) => frame.type === PING && (frame.flags & 1) === 0),
    'the server sent a PING first',
  );
  t.ok(dead.closedAfter()! >= 300, `closed after ping + timeout (${dead.closedAfter()} ms)`);
  t.equal(control.closedAfter(), undefined, 'without keepalive the same peer is kept');
  t.notOk(
    control.frames.some((frame) => frame.type === PING),
    'and is not pinged',
  );
});

t.test('maxConnectionIdleMs: an idle connection gets GOAWAY, a busy one not', async (t) => {
  const address = await startServer(t, { maxConnectionIdleMs: 300 });
  const idle = await connectRaw(t, address);
  const busy = await connectRaw(t, address);
  const call = slowCall(busy, 800);

  await within(idle.closed, 3000, 'the idle connection to close');
  t.match(idle.goaways, [{ errorCode: 0 }], 'GOAWAY with NO_ERROR');
  t.ok(idle.goaways[0]!.atMs >= 250, `not before the idle time (${idle.goaways[0]!.atMs} ms)`);

  const { status } = await call;
  t.equal(status, '0', 'the call on the busy connection completes');
  const busyGoawayAt = busy.goaways[0]?.atMs ?? Number.POSITIVE_INFINITY;
  t.ok(busyGoawayAt >= 800, 'no GOAWAY while its call was open');
  await within(busy.closed, 3000, 'the busy connection to close once idle');
  t.match(busy.goaways, [{ errorCode: 0 }]);
});

t.test('maxConnectionAgeMs: GOAWAY, then closed after the grace', async (t) => {
  const recorder = contextRecorder();
  const address = await startServer(t, {
    maxConnectionAgeMs: 300,
    maxConnectionAgeGraceMs: 300,
    interceptors: [recorder.interceptor],
  });
  const raw = await connectRaw(t, address);
  const call = slowCall(raw, 10_000);

  await within(raw.closed, 3000, 'the connection to be closed');
  const closedAt = raw.elapsed();
  t.match(raw.goaways[0], { errorCode: 0 }, 'first a GOAWAY with NO_ERROR');
  const goawayAt = raw.goaways[0]!.atMs;
  t.ok(goawayAt >= 250, `at the max age (±10%): ${goawayAt} ms`);
  t.ok(closedAt - goawayAt >= 200, `closed after the grace: ${closedAt - goawayAt} ms later`);
  t.not((await call).status, '0', 'the call that outlived the grace did not complete');
  t.ok(recorder.contexts[0]?.signal.aborted, "the handler's signal is aborted");
});

t.test('handshakeTimeoutMs: a client that never sends its preface is dropped', async (t) => {
  const silent = await connectByHand(t, await startServer(t, { handshakeTimeoutMs: 300 }), false);
  // With the default (120 s) the same client is still connected when the first is gone.
  const control = await connectByHand(t, await startServer(t, {}), false);
  await within(silent.closed, 3000, 'the server to drop the silent client');
  t.ok(silent.closedAfter()! >= 250, `dropped after the timeout (${silent.closedAfter()} ms)`);
  await sleep(200);
  t.equal(control.closedAfter(), undefined, 'the default timeout is not so short');
});
