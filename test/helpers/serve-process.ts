// Runs `handwire serve` as a child process (through tsx, from the sources) and reads the addresses
// it prints, for tests that treat it as a black box the way a user would.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { childEnv } from './child-env.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** `host:port` of the gRPC server. */
  address: string;
  /** Port of the metrics server, when --metrics-port was given. */
  metricsPort: number | undefined;
  /** `host:port` of the embedded Kafka broker; undefined with --no-kafka. */
  kafkaAddress: string | undefined;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves with stderr once it matches `pattern`; rejects after `timeoutMs` with what it holds.
   * serve's log is batched (up to 100 ms or 4 KiB), so a line comes a moment after its cause.
   */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `handwire ARGS…` to completion: for flag errors, which must exit on their own. */
export async function runHandwire(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/**
 * Starts `handwire serve --port 0 --kafka-port 0 ARGS…` and waits until it prints the address it
 * bound. Kafka gets a free port too, so tests running in parallel never compete for 9092 (a
 * --kafka-port in ARGS wins); `kafkaPort: 'default'` leaves the flag out, for tests of the default.
 */
export async function startServe(
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  { kafkaPort = 'free' }: { kafkaPort?: 'free' | 'default' } = {},
): Promise<ServeProcess> {
  const kafkaFlags = kafkaPort === 'free' ? ['--kafka-port', '0'] : [];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'serve', '--port', '0', ...kafkaFlags, ...args],
    {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`handwire serve did not start in 20 s\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, 20_000);
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /serving gRPC \([^)]*\) on (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`handwire serve exited with ${code}\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
  // The metrics line is printed right after the address line, in the same write or the next.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const metrics = /metrics on http:\/\/[^:]+:(\d+)\/metrics/.exec(stdout);
  const kafka = /serving Kafka on (\S+)/.exec(stdout);
  return {
    child,
    address,
    kafkaAddress: kafka?.[1],
    metricsPort: metrics ? Number(metrics[1]) : undefined,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForStderr(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stderr)) {
        if (Date.now() > deadline) {
          throw new Error(`no ${pattern} in serve's stderr after ${timeoutMs} ms:\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return stderr;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(timer);
      return code;
    },
  };
}
