// Slow and stalled peers (RFC 9113 §10.5 "Denial-of-Service Considerations"; the Slowloris family,
// CVE-2019-9517 "Internal Data Buffering" and CVE-2019-9511 "Data Dribble" for HTTP/2): a peer that
// never finishes the preface or a request's headers is closed after a timeout; a peer that never
// reads a response stream, or a handler that never reads its request stream, costs the server at
// most the HTTP/2 flow-control windows, not the whole stream.

import http2 from 'node:http2';
import net from 'node:net';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { startEchoServer } from '../helpers/echo-server.js';
import {
  CLIENT_PREFACE,
  connectH2,
  dataFrame,
  FrameType,
  grpcRequestHeaders,
  H2Error,
  headersFrame,
} from '../helpers/h2-frames.js';
import { echoFrame } from '../helpers/raw-session.js';

const HANDSHAKE_TIMEOUT_MS = 500;
const HEADERS_TIMEOUT_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with how long `closed` took, or rejects after `ms`. */
async function closedWithin(closed: Promise<void>, ms: number): Promise<number> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    closed,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
  return Date.now() - started;
}

t.test('a peer that never completes the preface is closed', async (t) => {
  const { port } = await startEchoServer(t, { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
  for (const sent of [Buffer.alloc(0), CLIENT_PREFACE.subarray(0, 10)]) {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.resume(); // read, so that the server's FIN is seen
    t.teardown(() => socket.destroy());
    socket.write(sent);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const ms = await closedWithin(closed, HANDSHAKE_TIMEOUT_MS + 2000);
    t.ok(
      ms >= HANDSHAKE_TIMEOUT_MS - 50,
      `closed after ${ms} ms (${sent.length} bytes of preface)`,
    );
  }
});

t.test('a peer stuck in the headers of a request is closed (GOAWAY headers_timeout)', async (t) => {
  const { address } = await startEchoServer(t, { headersTimeoutMs: HEADERS_TIMEOUT_MS });
  const connection = await connectH2(address);
  t.teardown(() => connection.destroy());
  // HEADERS without END_HEADERS, then nothing: RFC 9113 §6.10 allows only CONTINUATION now.
  connection.write(headersFrame(1, grpcRequestHeaders('/handwire.test.Echo/Unary'), 0));
  const ms = await closedWithin(connection.closed, HEADERS_TIMEOUT_MS * 3);
  t.equal(connection.goawayCode(), H2Error.PROTOCOL_ERROR, `GOAWAY PROTOCOL_ERROR after ${ms} ms`);
  const goaway = connection.frames.find((frame) => frame.type === FrameType.GOAWAY)!;
  t.equal(goaway.payload.subarray(8).toString(), 'headers_timeout');
});

t.test('a healthy idle connection is left open by the headers timeout', async (t) => {
  const { address } = await startEchoServer(t, { headersTimeoutMs: 200 });
  const session = http2.connect(`http://${address}`);
  t.teardown(() => session.destroy());
  session.on('error', () => {});
  await new Promise((resolve) => session.once('connect', resolve));
  await sleep(1000);
  t.notOk(session.closed || session.destroyed, 'still open after five timeouts (its PING acks)');
});

t.test('10 clients that never read a server stream hold at most their windows', async (t) => {
  const { address } = await startEchoServer(t);
  // 32 KiB echoed 2000 times: 64 MB a client if the server buffered what it cannot send.
  const payload = new Uint8Array(32 * 1024).fill(7);
  const request = echoFrame({ message: 'slow', count: 2000, payload });
  const pieces = [0, 16_384, 32_768].map((at) => request.subarray(at, at + 16_384));
  const before = process.memoryUsage().rss;
  const readers = [];
  for (let i = 0; i < 10; i++) {
    const connection = await connectH2(address);
    t.teardown(() => connection.destroy());
    // No WINDOW_UPDATE ever: the server may send 64 KiB on this connection, then must wait.
    connection.write(
      headersFrame(1, grpcRequestHeaders('/handwire.test.Echo/ServerStream')),
      ...pieces.map((piece, i) => dataFrame(1, piece, i === pieces.length - 1)),
    );
    readers.push(connection);
  }
  await sleep(1500);
  const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
  const received = readers.map((r) =>
    r.frames.filter((f) => f.type === FrameType.DATA).reduce((sum, f) => sum + f.payload.length, 0),
  );
  t.comment(
    `server RSS growth ${grownMb.toFixed(1)} MB; bytes each client got: ${received.join(', ')}`,
  );
  t.ok(
    received.every((bytes) => bytes <= 65_535),
    'no client was sent beyond its window',
  );
  t.ok(
    received.every((bytes) => bytes > 60_000),
    'each client was sent its window, then no more',
  );
  t.ok(
    grownMb < 50,
    `RSS grew ${grownMb.toFixed(1)} MB (< 50 MB) for 640 MB of would-be responses`,
  );
});

t.test(
  'a handler that never reads its request stream does not buffer beyond the window',
  async (t) => {
    const server = new Server();
    server.addService(EchoService, {
      ...echoImplementation,
      // Never touches `requests`; ends when the client gives up.
      ClientStream: (_requests, context) =>
        new Promise((_, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
        }),
    });
    const { address } = await server.listen();
    t.teardown(() => server.forceClose());
    const session = http2.connect(`http://${address}`);
    t.teardown(() => session.destroy());
    session.on('error', () => {});
    const stream = session.request({
      ':method': 'POST',
      ':path': '/handwire.test.Echo/ClientStream',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('error', () => {});
    const chunk = echoFrame({ message: 'x', payload: new Uint8Array(16 * 1024) });
    await new Promise((resolve) => session.once('connect', resolve));
    const socketBefore = session.socket.bytesWritten;
    let written = 0;
    for (let i = 0; i < 640; i++) {
      stream.write(chunk); // 10 MB queued on the client
      written += chunk.length;
    }
    await sleep(1500);
    const sent = session.socket.bytesWritten - socketBefore;
    t.comment(
      `client queued ${written} bytes; ${sent} left it (the rest wait for the server's window)`,
    );
    t.ok(sent > 60_000, 'the client could send the stream window');
    t.ok(
      sent <= 256 * 1024,
      `at most the stream window and a read-ahead left the client: ${sent} bytes`,
    );
    stream.close(http2.constants.NGHTTP2_CANCEL);
  },
);
