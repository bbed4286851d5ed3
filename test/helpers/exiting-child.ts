// Runs a TypeScript file as a child Node process (through tsx) and times how long it takes to
// exit after it printed its result line: a child that does not exit by itself has a leaked handle.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv } from './child-env.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the child's first output line to its exit; undefined if it printed none. */
  exitAfterResultMs: number | undefined;
  /** True when it was killed for taking too long, before or after its result. */
  killed: boolean;
}

/**
 * Runs `script` with `args`, killing it if it prints nothing within `resultLimitMs` (tsx
 * compiles first, on a machine shared with other tests) or does not exit within `exitLimitMs`
 * of its first line.
 */
export function runExitingChild(
  script: string,
  args: readonly string[],
  resultLimitMs: number,
  exitLimitMs: number,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let resultAt: number | undefined;
    let killed = false;
    const kill = (): void => {
      killed = true;
      child.kill('SIGKILL');
    };
    let timer = setTimeout(kill, resultLimitMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (resultAt === undefined && stdout.includes('\n')) {
        resultAt = Date.now();
        clearTimeout(timer);
        timer = setTimeout(kill, exitLimitMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const exitAfterResultMs = resultAt === undefined ? undefined : Date.now() - resultAt;
      resolve({ code, signal, stdout, stderr, exitAfterResultMs, killed });
    });
  });
}
