// An idle channel does not keep the Node process alive (as in grpc-js): its sessions are unref'd
// while no call runs and ref'd while one does, and its reconnect timers are unref'd. A child
// process that makes calls and never closes its channel must exit by itself.

import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { childEnv } from '../helpers/child-env.js';
import { startEchoServer } from '../helpers/echo-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const child = fileURLToPath(new URL('../helpers/idle-channel-child.ts', import.meta.url));

/** After its answers, the child must be gone within this. */
const EXIT_LIMIT_MS = 5000;

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  exitAfterResultMs: number | undefined;
  killed: boolean;
}

function runChild(args: string[]): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const childProcess = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
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
    // Generous before the answer: tsx compiles the child first, on a busy machine.
    let timer = setTimeout(kill, 40_000);
    childProcess.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (resultAt === undefined && stdout.includes('\n')) {
        resultAt = Date.now();
        clearTimeout(timer);
        timer = setTimeout(kill, EXIT_LIMIT_MS + 1000);
      }
    });
    childProcess.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    childProcess.on('error', reject);
    childProcess.on('exit', (code) => {
      clearTimeout(timer);
      const exitAfterResultMs = resultAt === undefined ? undefined : Date.now() - resultAt;
      resolve({ code, stdout, stderr, exitAfterResultMs, killed });
    });
  });
}

async function downAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

function checkRun(t: Test, run: ChildRun): void {
  t.notOk(run.killed, 'the child was not killed for hanging');
  t.equal(run.code, 0, `it exited by itself with code 0 (stderr: ${run.stderr.trim()})`);
  t.same(JSON.parse(run.stdout.trim() || '{}'), { message: 'hi', streamed: [0, 1] });
  t.ok(
    run.exitAfterResultMs !== undefined && run.exitAfterResultMs < EXIT_LIMIT_MS,
    `it exited ${run.exitAfterResultMs} ms after its last call`,
  );
}

t.test('calls over a channel never closed: the process still exits', async (t) => {
  const { address } = await startEchoServer(t);
  checkRun(t, await runChild([address]));
});

t.test('a slow call keeps the process alive until its answer', async (t) => {
  // Were the session unref'd during the call, the child would exit before printing.
  const { address } = await startEchoServer(t);
  checkRun(t, await runChild([address, '1500']));
});

t.test(
  'round_robin with an address down: its reconnect timer does not hold the process',
  async (t) => {
    const { address } = await startEchoServer(t);
    checkRun(t, await runChild([`${address},${await downAddress()}`, '0', 'round_robin']));
  },
);
