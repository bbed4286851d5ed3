// Scale: many connections and streams at once against one `handwire serve` process (RFC 9113
// §5.1.2: each connection may hold SETTINGS_MAX_CONCURRENT_STREAMS = 1000 streams). Measures the
// server's RSS per idle connection and per open stream (health Watch streams, which stay open),
// then serves `connections × streamsEach` concurrent Check calls to completion.

import http2 from 'node:http2';
import { usageOf } from './server-usage.js';

export interface ScaleReport {
  connections: number;
  streams: number;
  /** Server RSS growth per idle connection, in KiB. */
  perConnectionKb: number;
  /** Server RSS growth per open Watch stream, in KiB. */
  perStreamKb: number;
  /** Concurrent Check calls that ended with grpc-status 0, out of `streams`. */
  completed: number;
  /** Wall time of the concurrent calls, in ms. */
  callsMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function open(session: http2.ClientHttp2Session, path: string): http2.ClientHttp2Stream {
  const stream = session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  stream.end(Buffer.alloc(5));
  return stream;
}

/** Resolves once `stream` has sent its first DATA (the Watch's first status), or failed. */
function firstMessage(stream: http2.ClientHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('data', () => resolve());
    stream.once('close', () => resolve());
  });
}

function status(stream: http2.ClientHttp2Stream, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let code: string | undefined;
    const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), timeoutMs);
    stream.on('response', (headers) => {
      code ??= headers['grpc-status'] as string | undefined;
    });
    stream.on('trailers', (trailers) => {
      code = trailers['grpc-status'] as string | undefined;
    });
    stream.resume();
    stream.on('close', () => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Settles the server's RSS: a moment for its allocator and GC after a burst. */
async function settledRss(pid: number): Promise<number> {
  await sleep(500);
  return usageOf(pid).rssBytes;
}

export async function runScale(
  address: string,
  pid: number,
  {
    connections,
    streamsEach,
    timeoutMs = 60_000,
  }: { connections: number; streamsEach: number; timeoutMs?: number },
): Promise<ScaleReport> {
  const sessions: http2.ClientHttp2Session[] = [];
  try {
    const rss0 = await settledRss(pid);
    for (let i = 0; i < connections; i++) {
      const session = http2.connect(`http://${address}`);
      session.on('error', () => {});
      sessions.push(session);
    }
    await Promise.all(sessions.map((s) => new Promise((resolve) => s.once('connect', resolve))));
    const rss1 = await settledRss(pid);

    const watches = sessions.flatMap((s) =>
      Array.from({ length: streamsEach }, () => open(s, '/grpc.health.v1.Health/Watch')),
    );
    await Promise.all(watches.map(firstMessage));
    const rss2 = await settledRss(pid);
    for (const watch of watches) watch.close(http2.constants.NGHTTP2_CANCEL);
    await sleep(500);

    const started = Date.now();
    const calls = sessions.flatMap((s) =>
      Array.from({ length: streamsEach }, () =>
        status(open(s, '/grpc.health.v1.Health/Check'), timeoutMs),
      ),
    );
    const codes = await Promise.all(calls);
    const callsMs = Date.now() - started;
    const streams = connections * streamsEach;
    return {
      connections,
      streams,
      perConnectionKb: (rss1 - rss0) / 1024 / connections,
      perStreamKb: (rss2 - rss1) / 1024 / streams,
      completed: codes.filter((code) => code === '0').length,
      callsMs,
    };
  } finally {
    for (const session of sessions) session.destroy();
  }
}
