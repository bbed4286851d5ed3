// Cancelled calls must not use up a connection (src/transport/session-memory.ts): node:http2 counts
// the bytes a reset stream still had queued against its session for good, and past 10 MB refuses
// every new stream (RST_STREAM ENHANCE_YOUR_CALM), then ends the session (GOAWAY INTERNAL_ERROR).
// `npm run soak` found it: its watchers lost their connections after about 1,060 cancels. Both
// tests fail with node's default limit: the server's after 51 cancels, the client's on the call
// after the 200 cancelled uploads (RESOURCE_EXHAUSTED).

import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { connectRaw, echoFrame, nextEvent, openCall } from '../helpers/raw-session.js';

/** One message four times a stream's default window (65,535 bytes): most of it cannot be sent. */
const BIG = new Uint8Array(256 * 1024).fill(1);
/** 200 × about 190 KB left unsent: past the 10 MB node:http2 counts after about 55. */
const CANCELS = 200;

t.test('a connection survives hundreds of streams reset with unsent bytes queued', async (t) => {
  // The guard's rapid-reset limit (200 a second) is raised so the loop may cancel at full speed.
  const { address } = await startEchoServer(t, { maxResetsPerSecond: 100_000 });
  const { session, goaways } = await connectRaw(t, address);
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < CANCELS && !session.closed && !session.destroyed; i++) {
    const stream = openCall(session, 'ServerStream');
    stream.end(echoFrame({ message: 'big', count: 1000, payload: BIG }));
    // No 'data' listener: the client reads nothing, so the window fills and the rest queues.
    // A refused stream closes without a response: then there is nothing to cancel.
    const answered = await new Promise<boolean>((resolve) => {
      stream.once('response', () => resolve(true));
      stream.once('close', () => resolve(false));
    });
    if (answered) {
      await sleep(1);
      stream.close(0x8); // CANCEL
      await nextEvent(stream, 'close', 5000);
    }
    const outcome =
      stream.rstCode === 0x8 ? 'cancelled by the client' : `rstCode ${stream.rstCode}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  t.same(outcomes, { 'cancelled by the client': CANCELS }, 'no stream was refused');
  t.same(goaways, [], 'the server did not end the connection');

  const unary = openCall(session, 'Unary');
  unary.end(echoFrame({ message: 'still here' }));
  const [headers] = (await nextEvent(unary, 'response', 5000)) as [Record<string, string>];
  t.equal(headers[':status'], 200, 'a new call on the same connection is answered');
  unary.resume();
  await nextEvent(unary, 'close', 5000);
});

t.test('a client channel survives hundreds of cancelled uploads', async (t) => {
  // The same account on the client's side: a client-streaming call cancelled while its request
  // bytes wait for the server's window (the handler sleeps before it reads) leaves them counted.
  const { address } = await startEchoServer(t);
  const { client } = handwireEchoClient(t, address);
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < CANCELS; i++) {
    const abort = new AbortController();
    // The first message fills the window; the client waits for it to drain before the second,
    // so the abort comes while most of the first is still queued.
    async function* uploads() {
      yield echoRequest({ message: 'big', delayMs: 10_000, payload: BIG });
      yield echoRequest({ message: 'big', payload: BIG });
    }
    const call = client.ClientStream(uploads(), { signal: abort.signal });
    setTimeout(() => abort.abort(), 2);
    const code = await call.then(
      () => 'OK',
      (error: GrpcError) => String(error.code),
    );
    outcomes[code] = (outcomes[code] ?? 0) + 1;
  }
  t.same(outcomes, { [String(Status.CANCELLED)]: CANCELS }, 'every call ended as cancelled');
  const answer = await client.Unary(echoRequest({ message: 'still here' }));
  t.equal(answer.message, 'still here', 'a new call on the same channel is answered');
});
