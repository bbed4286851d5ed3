// ghz benchmark: `handwire serve --demo` as shipped against a @grpc/grpc-js server of the same
// contract, under the same fixed ghz load, reporting what each server spends: CPU µs per call
// (docs/design.md "Measuring"). On two cores ghz itself is the limit of throughput, so the
// servers are compared on their CPU at a rate both sustain, not on the rate. A bare node:http2
// server (bench/servers/bare-http2.mjs: fixed pre-encoded answers, no handler; of the requests it
// decodes only ListUsers' limit) runs the same loads as the floor: what any server on node:http2
// pays per call before doing anything.
// If even the floor is above the target's share of grpc-js's CPU, no node:http2 server meets it,
// and the table says so.
//
// Usage: npm run bench -- ghz [--rounds N] [--scale F]
//
// Each case is one ghz run (`--rps` fixed, `-n` bounded, `--proto proto/user.proto`, 5 s at scale
// 1): GetUser of demo users, ListUsers of 10 users, and a StreamUserUpdates call of 10 updates.
// Servers are pinned to core 0 (`taskset -c 0`), ghz to core 1; the server's CPU is its user +
// system time from /proc/<pid>/stat (every thread: GC and libuv's pool included) across the run.
// handwire's access log goes to /dev/null through the asynchronous writer a pipe would get. Each
// server first runs a fifth of every load unmeasured (warm-up); the servers alternate within each
// round; each figure is the median of the rounds. The grpc-js peer stores updates without
// checking them as handwire does (docs/contract.md §2), which can only flatter it.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { demoUserId } from '../src/cli/demo-data.js';
import { fmt, median } from './lib/figures.js';
import { startBenchServer, startShippedServe, stopServerProcess } from './lib/server-process.js';
import { addSummaryRow } from './lib/summary.js';

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const GHZ = here('../.tools/bin/ghz');
const USER_PROTO = here('../proto/user.proto');

interface Options {
  rounds: number;
  scale: number;
}

function parseOptions(args: string[]): Options {
  const options: Options = { rounds: 3, scale: 1 };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (args[i] === '--rounds' && Number.isInteger(value) && value >= 1) options.rounds = value;
    else if (args[i] === '--scale' && value > 0 && value <= 10) options.scale = value;
    else {
      throw new Error(
        `unknown or invalid option "${args[i]} ${args[i + 1] ?? ''}": use --rounds N (≥ 1) and --scale F (0-10)`,
      );
    }
  }
  return options;
}

/** One ghz load: the method, its data, a fixed rate and a bounded count (at scale 1). */
interface LoadCase {
  name: string;
  call: string;
  data: unknown;
  rps: number;
  calls: number;
  concurrency: number;
}

const LOADS: LoadCase[] = [
  {
    name: 'GetUser',
    call: 'user.UserService.GetUser',
    // One request per call, round robin over 100 demo users.
    data: Array.from({ length: 100 }, (_, i) => ({ id: demoUserId(i) })),
    rps: 2000,
    calls: 10_000,
    concurrency: 10,
  },
  {
    name: 'ListUsers (10)',
    call: 'user.UserService.ListUsers',
    data: { limit: 10 },
    rps: 1000,
    calls: 5000,
    concurrency: 10,
  },
  {
    name: 'StreamUserUpdates (10)',
    call: 'user.UserService.StreamUserUpdates',
    data: Array.from({ length: 10 }, (_, i) => ({
      user_id: demoUserId(i),
      field: 'full_name',
      value: `Updated ${i}`,
    })),
    rps: 400,
    calls: 2000,
    concurrency: 10,
  },
];

const SERVERS = [
  {
    name: 'handwire serve',
    start: startShippedServe,
  },
  { name: '@grpc/grpc-js', start: () => startBenchServer(here('servers/grpc-js-users.mjs')) },
  { name: 'bare node:http2', start: () => startBenchServer(here('servers/bare-http2.mjs')) },
] as const;
type ServerName = (typeof SERVERS)[number]['name'];

/** The CPU seconds process `pid` has used so far, all threads (proc(5): utime + stime). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux architecture Node runs on
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

interface GhzReport {
  count: number;
  statusCodeDistribution: Record<string, number>;
  latencyDistribution: Array<{ percentage: number; latency: number }> | null;
}

interface Figures {
  cpuMicrosPerCall: number;
  p50Ms: number;
  p99Ms: number;
}

async function ghzRun(pid: number, port: number, load: LoadCase, scale: number): Promise<Figures> {
  const calls = Math.round(load.calls * scale);
  const before = cpuSeconds(pid);
  const { stdout } = await run(
    'taskset',
    [
      ...['-c', '1', GHZ, '--insecure', '--proto', USER_PROTO, '--call', load.call],
      ...['-d', JSON.stringify(load.data), '--rps', String(load.rps), '-n', String(calls)],
      ...['-c', String(load.concurrency), '-t', '20s', '-O', 'json', `127.0.0.1:${port}`],
    ],
    { timeout: (calls / load.rps + 60) * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  const cpu = cpuSeconds(pid) - before;
  const report = JSON.parse(stdout) as GhzReport;
  const ok = report.statusCodeDistribution.OK ?? 0;
  if (ok !== calls) {
    throw new Error(
      `ghz ${load.name}: ${ok} of ${calls} calls OK: ${JSON.stringify(report.statusCodeDistribution)}`,
    );
  }
  const latencyMs = (percentage: number) =>
    (report.latencyDistribution?.find((l) => l.percentage === percentage)?.latency ?? Number.NaN) /
    1e6;
  return { cpuMicrosPerCall: (cpu * 1e6) / calls, p50Ms: latencyMs(50), p99Ms: latencyMs(99) };
}

/** Per load: the medians per server, and the median of each round's CPU ratio to grpc-js. */
interface GhzResults {
  medians: Map<string, Map<ServerName, Figures>>;
  ratiosToPeer: Map<string, Map<ServerName, number>>;
}

/** Runs every load on every server, in an order rotated each round. */
export async function measureGhz(options: Options): Promise<GhzResults> {
  const results = new Map<string, Map<ServerName, Figures[]>>();
  for (let round = 0; round < options.rounds; round++) {
    // Rotate the order each round so no server always runs first (or last) on a warm machine.
    const order = SERVERS.map((_, i) => SERVERS[(i + round) % SERVERS.length]!);
    for (const server of order) {
      const { child, port } = await server.start();
      try {
        // A fifth of each load first, unmeasured: JIT compilation is not a per-call cost.
        for (const load of LOADS) await ghzRun(child.pid!, port, load, options.scale / 5);
        for (const load of LOADS) {
          const figures = await ghzRun(child.pid!, port, load, options.scale);
          const byServer = results.get(load.name) ?? new Map<ServerName, Figures[]>();
          byServer.set(server.name, [...(byServer.get(server.name) ?? []), figures]);
          results.set(load.name, byServer);
          console.error(
            `round ${round + 1}: ${server.name}: ${load.name}: ${fmt(figures.cpuMicrosPerCall)} CPU µs/call, ` +
              `p50/p99 ${fmt(figures.p50Ms, 2)}/${fmt(figures.p99Ms, 2)} ms`,
          );
        }
      } finally {
        await stopServerProcess(child);
      }
    }
  }
  const medians = new Map<string, Map<ServerName, Figures>>();
  const ratiosToPeer = new Map<string, Map<ServerName, number>>();
  for (const [load, byServer] of results) {
    const summary = new Map<ServerName, Figures>();
    const ratios = new Map<ServerName, number>();
    const peer = byServer.get('@grpc/grpc-js')!;
    for (const [server, list] of byServer) {
      summary.set(server, {
        cpuMicrosPerCall: median(list.map((f) => f.cpuMicrosPerCall)),
        p50Ms: median(list.map((f) => f.p50Ms)),
        p99Ms: median(list.map((f) => f.p99Ms)),
      });
      // Within a round the servers ran a minute apart; a shared machine drifts more between rounds.
      ratios.set(
        server,
        median(list.map((f, round) => f.cpuMicrosPerCall / peer[round]!.cpuMicrosPerCall)),
      );
    }
    medians.set(load, summary);
    ratiosToPeer.set(load, ratios);
  }
  return { medians, ratiosToPeer };
}

/** The CPU target: handwire serve at most this share of grpc-js's CPU per call. */
const CPU_TARGET = 0.6;

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  try {
    await run(GHZ, ['--version']);
  } catch {
    throw new Error(`ghz is not at ${GHZ}: .ci/run installs it into .tools/bin`);
  }
  const { medians, ratiosToPeer } = await measureGhz(options);
  console.log(
    `\nghz --rps fixed, -n bounded, server CPU µs per call, median of ${options.rounds} rounds; ` +
      `target: handwire serve ≤ ${CPU_TARGET}× grpc-js; "floor" is the bare node:http2 server's share, ` +
      'above the target means no node:http2 server can meet it; the ratios are the median of ' +
      "each round's, in the summary table too",
  );
  console.log(
    'call                    handwire  grpc-js     bare   handwire/grpc-js   floor/grpc-js   met   reachable',
  );
  for (const load of LOADS) {
    const of = (server: ServerName) => medians.get(load.name)!.get(server)!;
    const [handwire, peer, bare] = [
      of('handwire serve'),
      of('@grpc/grpc-js'),
      of('bare node:http2'),
    ];
    const ratio = ratiosToPeer.get(load.name)!.get('handwire serve')!;
    const floor = ratiosToPeer.get(load.name)!.get('bare node:http2')!;
    console.log(
      `${load.name.padEnd(22)}${fmt(handwire.cpuMicrosPerCall, 1).padStart(10)}` +
        `${fmt(peer.cpuMicrosPerCall, 1).padStart(9)}${fmt(bare.cpuMicrosPerCall, 1).padStart(9)}` +
        `${fmt(ratio, 2).padStart(19)}${fmt(floor, 2).padStart(16)}` +
        `${(ratio <= CPU_TARGET ? 'yes' : 'no').padStart(6)}` +
        `${(floor <= CPU_TARGET ? 'yes' : 'no').padStart(12)}`,
    );
    addSummaryRow({
      figure: `ghz ${load.name} at ${load.rps} calls/s, server CPU, handwire serve as shipped`,
      unit: 'µs/call',
      handwire: handwire.cpuMicrosPerCall,
      peerName: '@grpc/grpc-js',
      peer: peer.cpuMicrosPerCall,
      ratio,
      target: { ratio: CPU_TARGET, atLeast: false },
    });
    // The floor in the handwire column: "met: no" here means the row above cannot be met on
    // node:http2 at all.
    addSummaryRow({
      figure: `ghz ${load.name} at ${load.rps} calls/s, server CPU, the floor: bare node:http2 (not handwire)`,
      unit: 'µs/call',
      handwire: bare.cpuMicrosPerCall,
      peerName: '@grpc/grpc-js',
      peer: peer.cpuMicrosPerCall,
      ratio: floor,
      target: { ratio: CPU_TARGET, atLeast: false },
    });
    addSummaryRow({
      figure: `ghz ${load.name} at ${load.rps} calls/s, server CPU, handwire serve over the floor`,
      unit: 'µs/call',
      handwire: handwire.cpuMicrosPerCall,
      peerName: 'bare node:http2',
      peer: bare.cpuMicrosPerCall,
    });
  }
  console.log('\nlatency, p50/p99 ms      handwire        grpc-js           bare');
  for (const load of LOADS) {
    const of = (server: ServerName) => medians.get(load.name)!.get(server)!;
    const cell = (f: Figures) => `${fmt(f.p50Ms, 2)}/${fmt(f.p99Ms, 2)}`.padStart(15);
    console.log(
      `${load.name.padEnd(24)}${cell(of('handwire serve'))}${cell(of('@grpc/grpc-js'))}${cell(of('bare node:http2'))}`,
    );
    addSummaryRow({
      figure: `ghz ${load.name} p99`,
      unit: 'ms',
      handwire: of('handwire serve').p99Ms,
      peerName: '@grpc/grpc-js',
      peer: of('@grpc/grpc-js').p99Ms,
    });
  }
}
