// Client benchmark: the handwire client vs the @grpc/grpc-js client vs a bare node:http2 client
// posting the same bytes (the ceiling), against each benchmark server in turn, in one run.
//
// Usage: npm run bench -- client [--seconds S] [--rounds N] [--inflight C] [--stream-messages M]
//
// Unary: each client keeps C (100) GetUser calls in flight for S (10) seconds after a 2 s warm-up
// and reports calls/s and p50/p99 latency. Server streaming: one ListUsers stream of M
// (1,000,000) users received by the handwire client and by the grpc-js client. Clients and
// servers are compiled JavaScript (dist/) in their own processes, each server pinned to core 0
// (`taskset -c 0`) and each client to core 1; clients alternate within each round, the order
// rotating each round, and each figure is the median of the rounds.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fmt, median } from './lib/figures.js';
import { BENCH_SERVERS, startBenchServer, stopServerProcess } from './lib/server-process.js';

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

interface UnaryResult {
  callsPerSecond: number;
  p50: number;
  p99: number;
}

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  // figures[server][client] = one value per round
  const rates = new Map<string, number[]>();
  const p50s = new Map<string, number[]>();
  const p99s = new Map<string, number[]>();
  const streams = new Map<string, number[]>();
  const key = (server: string, client: string) => `${server}|${client}`;
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
        if (server.streams) {
          for (const client of STREAM_CLIENTS) {
            const result = await runClient<{ received: number; seconds: number }>(
              client.script,
              [port, options.streamMessages],
              300_000,
            );
            if (result.received !== options.streamMessages) {
              throw new Error(`${client.name} got ${result.received} of ${options.streamMessages}`);
            }
            push(streams, key(server.name, client.name), result.received / result.seconds);
            console.error(
              `round ${round + 1}: server ${server.name}, stream to ${client.name}: ` +
                `${fmt(result.received / result.seconds)} msgs/s`,
            );
          }
        }
      } finally {
        await stopServerProcess(child);
      }
    }
  }

  // Ratios within each round (a shared machine drifts between rounds more than within one).
  const ratio = (figures: Map<string, number[]>, a: string, b: string) => {
    const base = figures.get(b)!;
    return median(figures.get(a)!.map((value, round) => value / base[round]!));
  };
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
  console.log(
    `\nServer streaming: ${fmt(options.streamMessages)} users received, median of ${options.rounds}`,
  );
  for (const server of BENCH_SERVERS.filter((s) => s.streams)) {
    const handwire = key(server.name, 'handwire');
    const grpcJs = key(server.name, '@grpc/grpc-js');
    console.log(
      `server ${server.name.padEnd(15)} handwire client ${fmt(median(streams.get(handwire)!)).padStart(9)} msgs/s ` +
        `(${fmt(ratio(streams, handwire, grpcJs), 2)}× grpc-js), grpc-js client ${fmt(median(streams.get(grpcJs)!)).padStart(9)} msgs/s`,
    );
  }
}

function push(map: Map<string, number[]>, name: string, value: number): void {
  const list = map.get(name) ?? [];
  list.push(value);
  map.set(name, list);
}
