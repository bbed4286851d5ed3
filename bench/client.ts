// Client benchmark: the handwire client vs the @grpc/grpc-js client vs a bare node:http2 client
// posting the same bytes (the ceiling), against each benchmark server in turn, in one run.
//
// Usage: npm run bench -- client [--seconds S] [--rounds N] [--inflight C] [--stream-messages M]
//
// Unary: each client keeps C (100) GetUser calls in flight for S (10) seconds after a 2 s warm-up
// and reports calls/s and p50/p99 latency. Server streaming: after one unmeasured warm-up stream,
// one ListUsers stream of M (1,000,000) users received by the handwire client and by the grpc-js
// client, each reporting msgs/s and its own CPU µs per message. Clients and servers are compiled
// JavaScript (dist/) in their own processes, each server pinned to core 0 (`taskset -c 0`) and each
// client to core 1; clients alternate within each round, the order rotating each round, and each
// figure is the median of the rounds.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fmt, median } from './lib/figures.js';
import { BENCH_SERVERS, startBenchServer, stopServerProcess } from './lib/server-process.js';
import { addSummaryRow } from './lib/summary.js';

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const CLIENTS = [
  { name: 'bare node:http2', script: here('clients/bare-http2-unary.mjs') },
  { name: 'handwire', script: here('clients/handwire-unary.mjs') },
  { name: '@grpc/grpc-js', script: here('clients/grpc-js-unary.mjs') },
] as const;
type ClientName = (typeof CLIENTS)[number]['name'];

const STREAM_CLIENTS = [
  { name: 'handwire', script: here('clients/handwire-stream.mjs') },
  { name: '@grpc/grpc-js', script: here('clients/grpc-js-stream.mjs') },
] as const;

interface Options {
  seconds: number;
  rounds: number;
  inflight: number;
  streamMessages: number;
}

function parseOptions(args: string[]): Options {
  const options: Options = { seconds: 10, rounds: 3, inflight: 100, streamMessages: 1_000_000 };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${args[i]} needs a positive number`);
    if (args[i] === '--seconds') options.seconds = value;
    else if (args[i] === '--rounds') options.rounds = value;
    else if (args[i] === '--inflight') options.inflight = value;
    else if (args[i] === '--stream-messages') options.streamMessages = value;
    else {
      throw new Error(
        `unknown option ${args[i]}: use --seconds, --rounds, --inflight, --stream-messages`,
      );
    }
  }
  return options;
}

/** Runs a client script pinned to core 1 and parses its `RESULT {json}` line. */
async function runClient<T>(
  script: string,
  args: (string | number)[],
  timeoutMs: number,
): Promise<T> {
  const { stdout } = await run(
    'taskset',
    ['-c', '1', process.execPath, script, ...args.map(String)],
    { timeout: timeoutMs },
  );
  const match = /RESULT (.*)/.exec(stdout);
  if (!match) throw new Error(`${script} printed no result:\n${stdout}`);
  return JSON.parse(match[1]!) as T;
}

/** The key of one figure list: figures[key(server, client)] holds one value per round. */
const key = (server: string, client: string) => `${server}|${client}`;

/** The median of a's per-round ratio to b (a shared machine drifts between rounds more than within one). */
function ratio(figures: Map<string, number[]>, a: string, b: string): number {
  const base = figures.get(b)!;
  return median(figures.get(a)!.map((value, round) => value / base[round]!));
}

interface UnaryResult {
  callsPerSecond: number;
  p50: number;
  p99: number;
}

interface StreamResult {
  received: number;
  seconds: number;
  /** The client process's CPU time (user + system) over the stream. */
  cpuMicros: number;
}

/** Per server and client, one value per round: messages/s, and client CPU µs per message. */
interface StreamFigures {
  rates: Map<string, number[]>;
  cpu: Map<string, number[]>;
}

/**
 * One round of server streaming against one server. The server first sends one unmeasured
 * stream: its streaming path is cold after the unary runs, and a fresh grpc-js server spent up to
 * 40% more CPU on its first 200,000 messages than on the next ones, which the first client
 * measured used to pay alone (it was always handwire). The clients then take turns in an order that rotates
 * each round, like the unary ones.
 */
async function runStreams(
  server: string,
  port: number,
  round: number,
  options: Options,
  figures: StreamFigures,
): Promise<void> {
  const warmUp = Math.max(1, Math.min(options.streamMessages, 100_000));
  await runClient<StreamResult>(STREAM_CLIENTS[0].script, [port, warmUp], 300_000);
  const order = STREAM_CLIENTS.map((_, i) => STREAM_CLIENTS[(i + round) % STREAM_CLIENTS.length]!);
  for (const client of order) {
    const result = await runClient<StreamResult>(
      client.script,
      [port, options.streamMessages],
      300_000,
    );
    if (result.received !== options.streamMessages) {
      throw new Error(`${client.name} got ${result.received} of ${options.streamMessages}`);
    }
    const rate = result.received / result.seconds;
    const cpuPerMessage = result.cpuMicros / result.received;
    push(figures.rates, key(server, client.name), rate);
    push(figures.cpu, key(server, client.name), cpuPerMessage);
    console.error(
      `round ${round + 1}: server ${server}, stream to ${client.name}: ` +
        `${fmt(rate)} msgs/s, client CPU ${fmt(cpuPerMessage, 2)} µs/msg`,
    );
  }
}

/**
 * The streaming table and its summary rows. Both figures matter: msgs/s is what a user sees, but
 * when the server is the slower side (grpc-js sends each message in its own DATA frame) both
 * clients mostly wait, and msgs/s measures the server and the machine's noise; the client's CPU
 * per message is what the client itself costs.
 */
function printStreams(options: Options, figures: StreamFigures): void {
  console.log(
    `\nServer streaming: ${fmt(options.streamMessages)} users received, median of ${options.rounds}`,
  );
  console.log(
    'server           client             msgs/s   vs grpc-js   client CPU µs/msg   vs grpc-js',
  );
  for (const server of BENCH_SERVERS) {
    const grpcJs = key(server.name, '@grpc/grpc-js');
    for (const client of STREAM_CLIENTS) {
      const k = key(server.name, client.name);
      console.log(
        `${server.name.padEnd(17)}${client.name.padEnd(17)}${fmt(median(figures.rates.get(k)!)).padStart(9)}` +
          `${fmt(ratio(figures.rates, k, grpcJs), 2).padStart(13)}` +
          `${fmt(median(figures.cpu.get(k)!), 2).padStart(20)}` +
          `${fmt(ratio(figures.cpu, k, grpcJs), 2).padStart(13)}`,
      );
    }
    const handwire = key(server.name, 'handwire');
    const peer = { peerName: '@grpc/grpc-js client' };
    addSummaryRow({
      figure: `ListUsers stream of ${fmt(options.streamMessages)} from a ${server.name} server, received by the client`,
      unit: 'msgs/s',
      handwire: median(figures.rates.get(handwire)!),
      ...peer,
      peer: median(figures.rates.get(grpcJs)!),
      ratio: ratio(figures.rates, handwire, grpcJs),
      target: { ratio: 1, atLeast: true },
    });
    addSummaryRow({
      figure: `ListUsers stream from a ${server.name} server, client CPU`,
      unit: 'µs/msg',
      handwire: median(figures.cpu.get(handwire)!),
      ...peer,
      peer: median(figures.cpu.get(grpcJs)!),
      ratio: ratio(figures.cpu, handwire, grpcJs),
      target: { ratio: 1, atLeast: false },
    });
  }
}

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  // figures[server][client] = one value per round
  const rates = new Map<string, number[]>();
  const p50s = new Map<string, number[]>();
  const p99s = new Map<string, number[]>();
  const streams: StreamFigures = { rates: new Map(), cpu: new Map() };
  for (let round = 0; round < options.rounds; round++) {
    for (const server of BENCH_SERVERS) {
      const { child, port } = await startBenchServer(server.script);
      try {
        const order = CLIENTS.map((_, i) => CLIENTS[(i + round) % CLIENTS.length]!);
        for (const client of order) {
          const result = await runClient<UnaryResult>(
            client.script,
            [port, options.seconds, options.inflight],
            (options.seconds + 60) * 1000,
          );
          push(rates, key(server.name, client.name), result.callsPerSecond);
          push(p50s, key(server.name, client.name), result.p50);
          push(p99s, key(server.name, client.name), result.p99);
          console.error(
            `round ${round + 1}: server ${server.name}, client ${client.name}: ` +
              `${fmt(result.callsPerSecond)} calls/s, p50/p99 ${result.p50}/${result.p99} µs`,
          );
        }
        await runStreams(server.name, port, round, options, streams);
      } finally {
        await stopServerProcess(child);
      }
    }
  }

  console.log(
    `\nUnary GetUser, ${options.inflight} calls in flight, ${options.seconds} s, median of ${options.rounds} rounds`,
  );
  console.log(
    'server           client             calls/s   vs grpc-js   of bare   p50 µs   p99 µs',
  );
  for (const server of BENCH_SERVERS) {
    for (const client of CLIENTS) {
      const k = key(server.name, client.name);
      console.log(
        `${server.name.padEnd(17)}${client.name.padEnd(17)}${fmt(median(rates.get(k)!)).padStart(9)}` +
          `${fmt(ratio(rates, k, key(server.name, '@grpc/grpc-js' satisfies ClientName)), 2).padStart(13)}` +
          `${fmt(ratio(rates, k, key(server.name, 'bare node:http2')), 2).padStart(10)}` +
          `${fmt(median(p50s.get(k)!)).padStart(9)}${fmt(median(p99s.get(k)!)).padStart(9)}`,
      );
    }
  }
  printStreams(options, streams);
}

function push(map: Map<string, number[]>, name: string, value: number): void {
  const list = map.get(name) ?? [];
  list.push(value);
  map.set(name, list);
}
