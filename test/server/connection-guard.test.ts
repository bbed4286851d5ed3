// The connection guard on an embedded server (src/server/connection-guard.ts): rapid reset
// (CVE-2023-44487) past maxResetsPerSecond is GOAWAY ENHANCE_YOUR_CALM "too_many_resets", and the
// address's next connections are cut at their first reset for a second; connections that each stay
// below it are left alone, however many share an address; a session nghttp2 gave up on (after its
// own GOAWAY) is closed by the PING probe even while its peer holds the socket open.

import http2 from 'node:http2';
import t from 'tap';
import { ResetProbation } from '../../src/server/connection-guard.js';
import { startEchoServer } from '../helpers/echo-server.js';
import {
  connectH2,
  continuationFrame,
  FrameType,
  grpcRequestHeaders,
  H2Error,
  headersFrame,
  rstStreamFrame,
} from '../helpers/h2-frames.js';

const UNARY = grpcRequestHeaders('/handwire.test.Echo/Unary');

async function closedWithin(closed: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    closed.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return result;
}

function goawayReason(frames: { type: number; payload: Buffer }[]): string | undefined {
  return frames
    .find((frame) => frame.type === FrameType.GOAWAY)
    ?.payload.subarray(8)
    .toString();
}

t.test('rapid reset past the limit: GOAWAY ENHANCE_YOUR_CALM too_many_resets', async (t) => {
  const warnings: string[] = [];
  const { address } = await startEchoServer(t, {
    maxResetsPerSecond: 50,
    logger: { error() {}, warn: (_details, message) => warnings.push(message) },
  });
  const connection = await connectH2(address);
  t.teardown(() => connection.destroy());
  for (let id = 1; id < 400 && !connection.socket.destroyed; id += 2) {
    connection.write(headersFrame(id, UNARY), rstStreamFrame(id));
    if (id % 40 === 1) await new Promise((resolve) => setImmediate(resolve));
  }
  t.ok(await closedWithin(connection.closed, 3000), 'the server closed the connection');
  t.equal(connection.goawayCode(), H2Error.ENHANCE_YOUR_CALM);
  t.equal(goawayReason(connection.frames), 'too_many_resets');
  t.same(warnings, ['sent GOAWAY ENHANCE_YOUR_CALM (too_many_resets)'], 'one warning, one GOAWAY');
});

t.test(
  'an address cut off for resets has its next connection cut at its first reset',
  async (t) => {
    const { address } = await startEchoServer(t, {
      maxResetsPerSecond: 50,
      logger: { error() {}, warn() {} },
    });
    const attacker = await connectH2(address);
    const calm = await connectH2(address);
    t.teardown(() => {
      attacker.destroy();
      calm.destroy();
    });
    // 30 resets on the calm connection, then the attacker's burst of 60.
    for (let id = 1; id < 60; id += 2) calm.write(headersFrame(id, UNARY), rstStreamFrame(id));
    for (let id = 1; id < 120; id += 2) attacker.write(headersFrame(id, UNARY), rstStreamFrame(id));
    t.ok(await closedWithin(attacker.closed, 3000), 'the connection past the limit is closed');
    t.notOk(calm.socket.destroyed, 'a connection of the same address below the limit stays');

    const again = await connectH2(address);
    t.teardown(() => again.destroy());
    again.write(headersFrame(1, UNARY), rstStreamFrame(1));
    t.ok(await closedWithin(again.closed, 3000), 'the reconnection is closed at its first reset');
    t.equal(again.goawayCode(), H2Error.ENHANCE_YOUR_CALM);
    t.equal(goawayReason(again.frames), 'too_many_resets');
  },
);

t.test('a client cancelling below the limit keeps its connection', async (t) => {
  const { address } = await startEchoServer(t, { maxResetsPerSecond: 50 });
  const session = http2.connect(`http://${address}`);
  t.teardown(() => session.destroy());
  session.on('error', () => {});
  for (let i = 0; i < 40; i++) {
    const stream = session.request({
      ':method': 'POST',
      ':path': '/handwire.test.Echo/Unary',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('error', () => {});
    stream.close(http2.constants.NGHTTP2_CANCEL);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.notOk(session.closed || session.destroyed, '40 cancellations in a second are allowed');
});

t.test('a session nghttp2 terminated is closed though its peer keeps the socket', async (t) => {
  const { address } = await startEchoServer(t, { headersTimeoutMs: 400 });
  const connection = await connectH2(address);
  t.teardown(() => connection.destroy());
  // A 70 KB field is above HPACK's 64 KiB: nghttp2 answers GOAWAY COMPRESSION_ERROR and stops
  // reading, and nothing in Node closes the socket after that.
  const block = grpcRequestHeaders('/handwire.test.Echo/Unary', [['x-big', 'a'.repeat(70_000)]]);
  const pieces: Buffer[] = [];
  for (let at = 0; at < block.length; at += 16_384) pieces.push(block.subarray(at, at + 16_384));
  connection.write(
    headersFrame(1, pieces[0]!, 0),
    ...pieces.slice(1).map((piece, i) => continuationFrame(1, piece, i === pieces.length - 2)),
  );
  const started = Date.now();
  t.ok(await closedWithin(connection.closed, 3000), 'closed');
  // The probe's PING never leaves a terminated session: the ack timer, not nghttp2, closes it.
  t.ok(Date.now() - started >= 250, `by the PING probe, after ${Date.now() - started} ms`);
  t.equal(connection.goawayCode(), H2Error.COMPRESSION_ERROR, "nghttp2's GOAWAY is all it sent");
});

t.test('probation lasts a second from the last cut, and only for the address cut', async (t) => {
  const probation = new ResetProbation();
  probation.put('192.0.2.1', 10_000);
  t.ok(probation.holds('192.0.2.1', 10_999), 'held within the second');
  t.notOk(probation.holds('192.0.2.1', 11_000), 'free a second later');
  t.notOk(probation.holds('192.0.2.2', 10_500), 'another address is not held');
  probation.put('192.0.2.1', 10_900);
  t.ok(probation.holds('192.0.2.1', 11_500), 'a further cut renews it');
});
