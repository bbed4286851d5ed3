// Server benchmark: handwire vs @grpc/grpc-js vs a bare node:http2 server (the ceiling), in one run.
//
// Usage: npm run bench -- server [--seconds S] [--rounds N] [--stream-messages M]
//
// Unary: h2load (Debian nghttp2-client) posts a framed user.GetUserRequest with content-type
// application/grpc and te: trailers to /user.UserService/GetUser, at -c 4 -m 50 for throughput and
// -c 1 -m 1 for latency (p50/p99 from h2load's per-request log). Server streaming: a grpc-js client
// receives one ListUsers stream of M users (about 115 bytes each). Every server is compiled
// JavaScript in its own process pinned to core 0 (`taskset -c 0`), the load to core 1; servers
// alternate within each round and each figure is the median of the rounds.
//
// Besides the bench/servers/ scripts, `handwire serve --demo` runs as shipped: its interceptors,
// one access-log line per call (to /dev/null, through the same asynchronous writer as a pipe),
// asked for a demo user (its answer is a few bytes shorter than the sample user the others send).
// The least gRPC server (bench/servers/least-grpc.mjs) runs the unary load too, twice: doing only
// a call's necessary work, it is the most the core Server can hope for; with serve's request id
// and access line added, the most serve can.

import { type ChildProcess, execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { demoUserId } from '../src/cli/demo-data.js';
import { decodeMessage, encodeMessage } from '../src/wire/codec.js';
import { frameBytes } from '../src/wire/framing.js';
import { GetUserRequestCodec, UserCodec } from '../src/wire/messages/user.js';
import { fmt, median } from './lib/figures.js';
import {
  BENCH_SERVERS,
  serverScript,
  startBenchServer,
  startShippedServe,
  stopServerProcess,
} from './lib/server-process.js';
import { addSummaryRow, type SummaryRow } from './lib/summary.js';

type BenchServerName =
  | (typeof BENCH_SERVERS)[number]['name']
  | 'handwire serve'
  | 'least gRPC'
  | 'least gRPC + log';

interface UnaryServer {
  name: BenchServerName;
  /** Also sends the ListUsers stream (the bench/servers/ scripts; serve is measured on unary). */
  streams: boolean;
  /** The user id asked for, and the username the answer must carry. */
  userId: string;
  username: string;
  start(): Promise<{ child: ChildProcess; port: number }>;
}

const SAMPLE_USER_ID = '3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b';

/** The bench/servers/ scripts, then `handwire serve --demo` as shipped. */
const UNARY_SERVERS: UnaryServer[] = [
  ...BENCH_SERVERS.map((server) => ({
    name: server.name,
    streams: true,
    userId: SAMPLE_USER_ID,
    username: 'ada_lovelace',
    start: () => startBenchServer(server.script),
  })),
  {
    name: 'handwire serve',
    streams: false,
    userId: demoUserId(0),
    username: 'demo0000',
    start: startShippedServe,
  },
  {
    name: 'least gRPC',
    streams: false,
    userId: SAMPLE_USER_ID,
    username: 'ada_lovelace',
    start: () => startBenchServer(serverScript('least-grpc.mjs')),
  },
  {
    name: 'least gRPC + log',
    streams: false,
    userId: SAMPLE_USER_ID,
    username: 'ada_lovelace',
    start: () => startBenchServer(serverScript('least-grpc.mjs'), ['--access-log']),
  },
];

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface Options {
  seconds: number;
  rounds: number;
  streamMessages: number;
}

function parseOptions(args: string[]): Options {
  const options: Options = { seconds: 10, rounds: 3, streamMessages: 1_000_000 };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${args[i]} needs a positive number`);
    if (args[i] === '--seconds') options.seconds = value;
    else if (args[i] === '--rounds') options.rounds = value;
    else if (args[i] === '--stream-messages') options.streamMessages = value;
    else throw new Error(`unknown option ${args[i]}: use --seconds, --rounds, --stream-messages`);
  }
  return options;
}

/** Checks the server really answers GetUser with grpc-status 0 and the user asked for. */
async function checkServer(port: number, request: Buffer, username: string): Promise<void> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    const stream = session.request({
      ':method': 'POST',
      ':path': '/user.UserService/GetUser',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('trailers', (trailers) => {
      status = String(trailers['grpc-status']);
    });
    stream.end(request);
    await once(stream, 'close');
    const body = Buffer.concat(chunks);
    const user = decodeMessage(UserCodec, body.subarray(5));
    if (status !== '0' || user.username !== username) {
      throw new Error(
        `the server answered grpc-status ${status} and ${user.username || 'no user'}`,
      );
    }
  } finally {
    session.close();
  }
}

interface H2loadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

async function h2load(
  port: number,
  bodyFile: string,
  logFile: string,
  clients: number,
  streams: number,
  seconds: number,
): Promise<H2loadResult> {
  // h2load appends to its log: start from an empty one so each run's latencies are its own.
  rmSync(logFile, { force: true });
  const { stdout } = await run(
    'taskset',
    [
      '-c',
      '1',
      'h2load',
      `-c${clients}`,
      `-m${streams}`,
      `-D${seconds}`,
      '--warm-up-time=2',
      `-d${bodyFile}`,
      '-Hcontent-type: application/grpc',
      '-Hte: trailers',
      `--log-file=${logFile}`,
      `http://127.0.0.1:${port}/user.UserService/GetUser`,
    ],
    { timeout: (seconds + 30) * 1000, maxBuffer: 16 * 1024 * 1024 },
  );
  const rate = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout);
  const failed = /(\d+) failed, (\d+) errored/.exec(stdout);
  if (!rate) throw new Error(`could not read h2load's output:\n${stdout}`);
  if (failed && (Number(failed[1]) > 0 || Number(failed[2]) > 0)) {
    throw new Error(`h2load saw failed requests:\n${stdout}`);
  }
  // Per-request log: start time (µs), HTTP status, latency (µs), tab-separated.
  const latencies = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => Number(line.split('\t')[2]))
    .sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { requestsPerSecond: Number(rate[1]), p50: percentile(0.5), p99: percentile(0.99) };
}

/** One stream's figures: messages a second, and the share of a core the client spent. */
interface StreamFigure {
  rate: number;
  clientCpuShare: number;
}

async function streamRun(port: number, messages: number): Promise<StreamFigure> {
  const { stdout } = await run(
    'taskset',
    [
      '-c',
      '1',
      process.execPath,
      here('clients/grpc-js-stream.mjs'),
      String(port),
      String(messages),
    ],
    { timeout: 300_000 },
  );
  const match = /RESULT (.*)/.exec(stdout);
  if (!match) throw new Error(`the stream client printed no result:\n${stdout}`);
  const { received, seconds, cpuMicros } = JSON.parse(match[1]!) as {
    received: number;
    seconds: number;
    cpuMicros: number;
  };
  if (received !== messages)
    throw new Error(`the stream client got ${received} of ${messages} messages`);
  return { rate: received / seconds, clientCpuShare: cpuMicros / 1e6 / seconds };
}

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  try {
    await run('h2load', ['--version']);
  } catch {
    throw new Error('h2load is not installed: apt-get install nghttp2-client');
  }
  const work = mkdtempSync(join(tmpdir(), 'handwire-bench-'));
  try {
    const requestFor = (server: UnaryServer) => {
      const request = frameBytes(encodeMessage(GetUserRequestCodec, { id: server.userId }), false);
      const bodyFile = join(work, `request-${server.userId}.bin`);
      writeFileSync(bodyFile, request);
      return { request, bodyFile };
    };

    const throughput = new Map<BenchServerName, number[]>();
    const p50s = new Map<BenchServerName, number[]>();
    const p99s = new Map<BenchServerName, number[]>();
    const streaming = new Map<BenchServerName, number[]>();
    const clientCpu = new Map<BenchServerName, number[]>();
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order each round so no server always runs first (or last) on a warm machine.
      const order = UNARY_SERVERS.map((_, i) => UNARY_SERVERS[(i + round) % UNARY_SERVERS.length]!);
      for (const server of order) {
        const { request, bodyFile } = requestFor(server);
        const { child, port } = await server.start();
        try {
          await checkServer(port, request, server.username);
          const log = join(work, 'h2load.log');
          const load = await h2load(port, bodyFile, log, 4, 50, options.seconds);
          const latency = await h2load(port, bodyFile, log, 1, 1, Math.max(3, options.seconds / 2));
          push(throughput, server.name, load.requestsPerSecond);
          push(p50s, server.name, latency.p50);
          push(p99s, server.name, latency.p99);
          if (server.streams) {
            const stream = await streamRun(port, options.streamMessages);
            push(streaming, server.name, stream.rate);
            push(clientCpu, server.name, stream.clientCpuShare);
          }
          console.error(
            `round ${round + 1}: ${server.name}: ${fmt(load.requestsPerSecond)} req/s, ` +
              `p50/p99 ${latency.p50}/${latency.p99} µs`,
          );
        } finally {
          await stopServerProcess(child);
        }
      }
    }

    // Ratios are taken within each round (the servers ran minutes apart at most) and then the
    // median of those: a shared machine drifts between rounds more than within one.
    const ratioOf = (
      name: BenchServerName,
      base: BenchServerName,
      figures: Map<BenchServerName, number[]>,
    ) => median(figures.get(name)!.map((value, round) => value / figures.get(base)![round]!));
    console.log(
      `\nUnary GetUser, h2load -c 4 -m 50, ${options.seconds} s, median of ${options.rounds} rounds; ` +
        'latency at -c 1 -m 1',
    );
    console.log('server              req/s   of ceiling   vs grpc-js   p50 µs   p99 µs');
    for (const server of UNARY_SERVERS) {
      const rate = median(throughput.get(server.name)!);
      console.log(
        `${server.name.padEnd(18)}${fmt(rate).padStart(7)}` +
          `${fmt(ratioOf(server.name, 'bare node:http2', throughput), 2).padStart(13)}` +
          `${fmt(ratioOf(server.name, '@grpc/grpc-js', throughput), 2).padStart(13)}` +
          `${fmt(median(p50s.get(server.name)!)).padStart(9)}` +
          `${fmt(median(p99s.get(server.name)!)).padStart(9)}`,
      );
    }
    console.log(
      `\nServer streaming: ${fmt(options.streamMessages)} users to a grpc-js client, median of ${options.rounds}; ` +
        'client CPU: the share of its core the client used (near 1.00: the client sets the pace)',
    );
    console.log('server              msgs/s   vs grpc-js   of ceiling   client CPU');
    for (const server of UNARY_SERVERS.filter((s) => s.streams)) {
      console.log(
        `${server.name.padEnd(16)}${fmt(median(streaming.get(server.name)!)).padStart(10)}` +
          `${fmt(ratioOf(server.name, '@grpc/grpc-js', streaming), 2).padStart(13)}` +
          `${fmt(ratioOf(server.name, 'bare node:http2', streaming), 2).padStart(13)}` +
          `${fmt(median(clientCpu.get(server.name)!), 2).padStart(13)}`,
      );
    }
    summarise(throughput, p99s, streaming, ratioOf);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The rows of the summary table (bench/lib/summary.ts): the targets for the server. */
function summarise(
  throughput: Map<BenchServerName, number[]>,
  p99s: Map<BenchServerName, number[]>,
  streaming: Map<BenchServerName, number[]>,
  ratioOf: (
    name: BenchServerName,
    base: BenchServerName,
    figures: Map<BenchServerName, number[]>,
  ) => number,
): void {
  /** A row of `name` against `peer`, with the same ratio as the lines above (per round, median). */
  const row = (
    figure: string,
    unit: string,
    figures: Map<BenchServerName, number[]>,
    name: BenchServerName,
    peer: BenchServerName,
    target?: SummaryRow['target'],
  ) =>
    addSummaryRow({
      figure,
      unit,
      handwire: median(figures.get(name)!),
      peerName: peer,
      peer: median(figures.get(peer)!),
      ratio: ratioOf(name, peer, figures),
      target,
    });
  const unary = 'GetUser, h2load -c 4 -m 50';
  const bare = 'bare node:http2';
  const serve = 'handwire serve';
  const atLeast = (ratio: number) => ({ ratio, atLeast: true });
  row(`${unary}, handwire serve as shipped`, 'req/s', throughput, serve, bare, atLeast(0.85));
  row('GetUser p99 at -c 1 -m 1, handwire serve as shipped', 'µs', p99s, serve, bare, {
    ratio: 1.3,
    atLeast: false,
  });
  row(`${unary}, handwire serve as shipped`, 'req/s', throughput, serve, '@grpc/grpc-js');
  row(`${unary}, the core Server`, 'req/s', throughput, 'handwire', bare, atLeast(0.9));
  // The least gRPC server (bench/servers/least-grpc.mjs): how near the ceiling a server doing only
  // a call's necessary work gets, without and with serve's access line. A target above its figure
  // is out of reach for any server on node:http2 that does that work.
  row(
    `${unary}, the least gRPC server (not handwire)`,
    'req/s',
    throughput,
    'least gRPC',
    bare,
    atLeast(0.9),
  );
  row(
    `${unary}, the least gRPC server + serve's access line (not handwire)`,
    'req/s',
    throughput,
    'least gRPC + log',
    bare,
    atLeast(0.85),
  );
  const stream = 'ListUsers server stream to a grpc-js client';
  row(`${stream}, the core Server`, 'msgs/s', streaming, 'handwire', '@grpc/grpc-js', atLeast(5));
  // The ceiling: what a server that only copies pre-encoded frames gets through the same client.
  row(`${stream}, the core Server`, 'msgs/s', streaming, 'handwire', bare);
  row(
    `${stream}, the ceiling: bare node:http2 (not handwire)`,
    'msgs/s',
    streaming,
    bare,
    '@grpc/grpc-js',
    atLeast(5),
  );
}

function push(map: Map<BenchServerName, number[]>, name: BenchServerName, value: number): void {
  const list = map.get(name) ?? [];
  list.push(value);
  map.set(name, list);
}
