// The server embedded in a test suite (DESIGN.md "test authors"; grpc-go internal/grpctest leak
// checks): it starts in milliseconds on port 0 and, once closed, leaves nothing that keeps the
// process alive — a child process running test/fixtures/embedded-child.ts must exit by itself.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { childEnv } from '../helpers/child-env.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const child = fileURLToPath(new URL('../fixtures/embedded-child.ts', import.meta.url));

/** The child must exit by itself this soon after it printed its result. */
const EXIT_LIMIT_MS = 5000;

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the child's result line to its exit; undefined if it printed none. */
  exitAfterResultMs: number | undefined;
  killed: boolean;
}

/** Runs the child; kills it if it hangs before its result (`limitMs`) or after it. */
function runChild(limitMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const childProcess = spawn(process.execPath, ['--import', 'tsx', child], {
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
      childProcess.kill('SIGKILL');
    };
    let timer = setTimeout(kill, limitMs);
    childProcess.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (resultAt === undefined && stdout.includes('\n')) {
        resultAt = Date.now();
        // Its work is done: from now on only a leaked handle can keep it alive.
        clearTimeout(timer);
        timer = setTimeout(kill, EXIT_LIMIT_MS + 1000);
      }
    });
    childProcess.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    childProcess.on('error', reject);
    childProcess.on('exit', (code, signal) => {
      clearTimeout(timer);
      const exitAfterResultMs = resultAt === undefined ? undefined : Date.now() - resultAt;
      resolve({ code, signal, stdout, stderr, exitAfterResultMs, killed });
    });
  });
}

t.test('an embedded server starts fast and leaves nothing behind once closed', async (t) => {
  // Generous: tsx compiles the child's modules first, on a machine shared with other tests.
  const run = await runChild(40_000);
  t.notOk(run.killed, 'the child was not killed for hanging');
  t.equal(run.code, 0, `the child exited by itself with code 0 (stderr: ${run.stderr.trim()})`);
  t.equal(run.signal, null);
  t.ok(
    run.exitAfterResultMs !== undefined && run.exitAfterResultMs < EXIT_LIMIT_MS,
    `it exited ${run.exitAfterResultMs} ms after closing the server and client`,
  );
  const result = JSON.parse(run.stdout.trim().split('\n')[0] ?? '{}') as {
    startMs?: number;
    ok?: boolean;
  };
  t.equal(result.ok, true, 'the call to the embedded server succeeded');
  t.type(result.startMs, 'number');
  t.ok(
    (result.startMs ?? Number.POSITIVE_INFINITY) < 50,
    `new Server() to listening: ${result.startMs} ms`,
  );
});
