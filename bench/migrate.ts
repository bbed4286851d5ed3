// Migration benchmark: `handwire migrate` uploading a 1,000,000-row CSV to `handwire serve --demo`,
// end to end — rows/s, wall time, and the peak memory of client and server, against issue 7's
// targets (≥ 100,000 rows/s; each process under 150 MB RSS).
//
// Usage: npm run bench -- migrate [--rows N] [--rounds R] [--cpu-prof DIR]
//
// Both processes run the compiled CLI (dist/), the server pinned to core 0 and the client to core
// 1. The file comes from `handwire gen-csv --rows N`, which has to cycle over the 1,000 --demo
// users (a million users would take about 450 MB of server heap on their own): the first upload
// migrates 1,000 rows and skips the rest, a re-upload skips every row. Each round starts a fresh
// server and runs both uploads; figures are the median of the rounds. Memory is the kernel's
// VmHWM (peak RSS) of each process, read from /proc every 20 ms while the upload runs.
// --cpu-prof DIR writes V8 CPU profiles of both processes there and prints where the time went.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fmt, median } from './lib/figures.js';
import { startServerProcess, stopServerProcess } from './lib/server-process.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const TARGET_ROWS_PER_SECOND = 100_000;
const RSS_LIMIT_BYTES = 150 * 1024 * 1024;

interface Options {
  rows: number;
  rounds: number;
  cpuProfDir: string | undefined;
}

function parseOptions(args: string[]): Options {
  const options: Options = { rows: 1_000_000, rounds: 3, cpuProfDir: undefined };
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i];
    const value = args[i + 1];
    if (flag === '--cpu-prof' && value !== undefined) {
      options.cpuProfDir = value;
      continue;
    }
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${flag} needs a whole number`);
    if (flag === '--rows') options.rows = number;
    else if (flag === '--rounds') options.rounds = number;
    else throw new Error(`unknown option ${flag}: use --rows, --rounds, --cpu-prof DIR`);
  }
  return options;
}

/** The peak RSS (VmHWM) of a live process in bytes, or undefined once it has gone. */
function peakRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function nodeArgs(options: Options, name: string): string[] {
  if (options.cpuProfDir === undefined) return [];
  return ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfDir, name)];
}

/** `handwire serve --port 0 --demo` on core 0; resolves with its address once it listens. */
async function startServer(options: Options): Promise<{ child: ChildProcess; address: string }> {
  const { child, listeningOn } = await startServerProcess(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      ...nodeArgs(options, 'server'),
      CLI,
      'serve',
      '--port',
      '0',
      '--demo',
    ],
    {
      name: 'handwire serve',
      // stderr carries one JSON line per call: not needed here.
      stderr: 'ignore',
      listening: /serving gRPC \([^)]*\) on (\S+)/,
      startLimitMs: 20_000,
    },
  );
  return { child, address: listeningOn };
}

interface UploadResult {
  wallMs: number;
  rowsPerSecond: number;
  clientPeak: number;
  serverPeak: number;
  outcome: string;
}

/** Runs `handwire migrate FILE` on core 1, sampling both processes' peak RSS until it exits. */
async function upload(
  options: Options,
  file: string,
  server: { child: ChildProcess; address: string },
  name: string,
): Promise<UploadResult> {
  const startedAt = performance.now();
  const child = spawn(
    'taskset',
    [
      '-c',
      '1',
      process.execPath,
      ...nodeArgs(options, name),
      CLI,
      'migrate',
      file,
      '--server',
      server.address,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let clientPeak = 0;
  let serverPeak = 0;
  const sample = () => {
    clientPeak = Math.max(clientPeak, peakRss(child.pid!) ?? 0);
    serverPeak = Math.max(serverPeak, peakRss(server.child.pid!) ?? 0);
  };
  const sampler = setInterval(sample, 20);
  const [code] = (await once(child, 'exit')) as [number | null];
  const wallMs = performance.now() - startedAt;
  clearInterval(sampler);
  sample();
  if (code !== 0) throw new Error(`handwire migrate exited with ${code}:\n${stdout}\n${stderr}`);
  const figure = (label: string) => new RegExp(`^  ${label} +([\\d,]+)`, 'm').exec(stdout)?.[1];
  return {
    wallMs,
    rowsPerSecond: (options.rows * 1000) / wallMs,
    clientPeak,
    serverPeak,
    outcome: `${figure('migrated')} migrated, ${figure('skipped')} skipped, ${figure('failed')} failed`,
  };
}

const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB`;

/** Self time by function across the .cpuprofile files in `dir`: where the time went. */
function summariseProfiles(dir: string, top = 12): string[] {
  const selfMs = new Map<string, number>();
  let totalMs = 0;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
    const names = new Map(
      profile.nodes.map((node) => {
        const { functionName, url, lineNumber } = node.callFrame;
        const where =
          url === ''
            ? ''
            : ` ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
        return [node.id, `${functionName || '(anonymous)'}${where}`] as const;
      }),
    );
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      totalMs += ms;
      const name = names.get(id)!;
      selfMs.set(name, (selfMs.get(name) ?? 0) + ms);
    });
  }
  return [...selfMs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([name, ms]) =>
        `  ${fmt((100 * ms) / totalMs, 1).padStart(5)}%  ${fmt(ms).padStart(6)} ms  ${name}`,
    );
}

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const dir = mkdtempSync(join(tmpdir(), 'handwire-bench-migrate-'));
  try {
    const file = join(dir, 'migrate.csv');
    await run(process.execPath, [CLI, 'gen-csv', '--rows', String(options.rows), '--output', file]);
    console.log(
      `migrate: ${fmt(options.rows)} rows (${mb(statSync(file).size)}) from gen-csv, cycling over ` +
        `the 1,000 --demo users; ${options.rounds} rounds, medians`,
    );
    if (options.cpuProfDir !== undefined) mkdirSync(options.cpuProfDir, { recursive: true });
    const results: Record<'first' | 'again', UploadResult[]> = { first: [], again: [] };
    for (let round = 0; round < options.rounds; round++) {
      const server = await startServer(options);
      try {
        results.first.push(await upload(options, file, server, 'client-first'));
        results.again.push(await upload(options, file, server, 'client-again'));
      } finally {
        await stopServerProcess(server.child, 15_000);
      }
    }
    console.log(
      'upload        wall s   rows/s end to end   client peak RSS   server peak RSS   outcome',
    );
    for (const [label, runs] of [
      ['first', results.first],
      ['re-upload', results.again],
    ] as const) {
      console.log(
        `${label.padEnd(10)} ${fmt(median(runs.map((r) => r.wallMs)) / 1000, 2).padStart(9)}` +
          `   ${fmt(median(runs.map((r) => r.rowsPerSecond))).padStart(17)}` +
          `   ${mb(median(runs.map((r) => r.clientPeak))).padStart(15)}` +
          `   ${mb(median(runs.map((r) => r.serverPeak))).padStart(15)}   ${runs[0]!.outcome}`,
      );
    }
    const all = [...results.first, ...results.again];
    const slowest = Math.min(...all.map((r) => r.rowsPerSecond));
    const biggest = Math.max(...all.flatMap((r) => [r.clientPeak, r.serverPeak]));
    console.log(
      `target ≥ ${fmt(TARGET_ROWS_PER_SECOND)} rows/s: ${slowest >= TARGET_ROWS_PER_SECOND ? 'met' : 'MISSED'} ` +
        `(slowest run ${fmt(slowest)}); each process < ${mb(RSS_LIMIT_BYTES)}: ` +
        `${biggest < RSS_LIMIT_BYTES ? 'met' : 'MISSED'} (largest peak ${mb(biggest)}). ` +
        'Rows/s counts from starting the client process to its exit: parsing, sending and every row applied.',
    );
    if (options.cpuProfDir !== undefined) {
      for (const name of ['server', 'client-first', 'client-again']) {
        console.log(`where ${name}'s CPU time went (self time, all rounds):`);
        for (const line of summariseProfiles(join(options.cpuProfDir, name))) console.log(line);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
