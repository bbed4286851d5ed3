// An idle channel does not keep the Node process alive (as in grpc-js): its sessions are unref'd
// while no call runs and ref'd while one does, and its reconnect timers are unref'd. A child
// process that makes calls and never closes its channel must exit by itself.

import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { startEchoServer } from '../helpers/echo-server.js';
import { type ChildRun, runExitingChild } from '../helpers/exiting-child.js';
import { downAddress } from '../helpers/free-port.js';

const child = fileURLToPath(new URL('../helpers/idle-channel-child.ts', import.meta.url));

/** After its answers, the child must be gone within this. */
const EXIT_LIMIT_MS = 5000;

function runChild(args: string[]): Promise<ChildRun> {
  return runExitingChild(child, args, 40_000, EXIT_LIMIT_MS + 1000);
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
