// The server processes benchmarks measure against: the bench/servers/ scripts, and starting and
// stopping a server (spawn it, wait for the stdout line that says where it listens, SIGTERM it).

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const serverScript = (file: string) =>
  fileURLToPath(new URL(`../servers/${file}`, import.meta.url));

/** The benchmark servers, the bare one first (the ceiling); each serves GetUser and ListUsers. */
export const BENCH_SERVERS = [
  { name: 'bare node:http2', script: serverScript('bare-http2.mjs') },
  { name: 'handwire', script: serverScript('handwire.mjs') },
  { name: '@grpc/grpc-js', script: serverScript('grpc-js.mjs') },
] as const;
export type BenchServerName = (typeof BENCH_SERVERS)[number]['name'];

export interface ServerProcessOptions {
  /** What the process is called in errors. */
  name: string;
  /** Where its stderr goes: 'inherit' shows it, 'ignore' drops it. */
  stderr: 'inherit' | 'ignore';
  /** Matches its stdout once it listens; the first group is where (a port or an address). */
  listening: RegExp;
  /** How long it may take to print that. */
  startLimitMs: number;
}

/** Spawns `command` with `args` and resolves once its stdout matches `options.listening`. */
export async function startServerProcess(
  command: string,
  args: readonly string[],
  options: ServerProcessOptions,
): Promise<{ child: ChildProcess; listeningOn: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', options.stderr] });
  let output = '';
  const listeningOn = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} did not start in ${options.startLimitMs / 1000} s`)),
      options.startLimitMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = options.listening.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code}: ${output}`));
    });
  });
  return { child, listeningOn };
}

/** Starts a bench/servers/ script pinned to core 0 and waits for the `PORT n` line it prints. */
export async function startBenchServer(
  script: string,
  args: readonly string[] = [],
): Promise<{ child: ChildProcess; port: number }> {
  const { child, listeningOn } = await startServerProcess(
    'taskset',
    ['-c', '0', process.execPath, script, ...args],
    { name: script, stderr: 'inherit', listening: /PORT (\d+)/, startLimitMs: 10_000 },
  );
  return { child, port: Number(listeningOn) };
}

/**
 * Stops a server process with SIGTERM (a graceful exit, so a --cpu-prof profile gets written),
 * then SIGKILL if it has not exited within `killAfterMs`.
 */
export async function stopServerProcess(child: ChildProcess, killAfterMs = 3000): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await once(child, 'exit');
  clearTimeout(timer);
}

/**
 * `handwire serve --demo` as users run it (the built CLI, no Kafka), pinned to core 0 like the
 * other servers: the figure performance people get from ghz or h2load.
 */
export async function startShippedServe(): Promise<{ child: ChildProcess; port: number }> {
  const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  const { child, listeningOn } = await startServerProcess(
    'taskset',
    ['-c', '0', process.execPath, main, 'serve', '--demo', '--no-kafka', '--port', '0'],
    {
      name: 'handwire serve',
      stderr: 'ignore',
      listening: /serving gRPC \(h2c\) on 127\.0\.0\.1:(\d+)/,
      startLimitMs: 20_000,
    },
  );
  return { child, port: Number(listeningOn) };
}
