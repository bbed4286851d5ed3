// Runs a command-line peer (grpcurl, ghz) to completion with a time limit, optionally feeding its
// standard input, and gathers what it printed: the tests then read its output as a user would.

import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { collectOutput } from './child-output.js';

export interface ToolRun {
  /** Exit code; null when the process was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
  /** True when it was killed for outliving `timeoutMs`. */
  timedOut: boolean;
}

export interface ToolOptions {
  /** Written to the tool's standard input, which is then closed; no input at all when absent. */
  stdin?: string;
  /** Killed (SIGKILL) after this long: an unanswered call must fail the test, not hang it. */
  timeoutMs: number;
}

/** The tools running now, so that a test's teardown can stop what an interrupted test left. */
const running = new Set<ChildProcess>();

/** Runs `path ARGS…`, resolving once it exits (or was killed after `options.timeoutMs`). */
export function runTool(
  path: string,
  args: readonly string[],
  options: ToolOptions,
): Promise<ToolRun> {
  const started = performance.now();
  const child = spawn(path, args, {
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const output = collectOutput({ stdout: child.stdout!, stderr: child.stderr! });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  if (options.stdin !== undefined) {
    // A tool that exits before reading all of its input closes the pipe: not this test's error.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.stdin);
  }
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    // 'close', not 'exit': every byte of stdout and stderr has been read by then.
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ ...output, code, ms: performance.now() - started, timedOut });
    });
  });
}

/** Kills every tool still running (for t.teardown): a test that failed halfway leaves none. */
export function stopRunningTools(): void {
  for (const child of running) child.kill('SIGKILL');
}
