// The server embedded in a test suite (docs/design.md "Who it is for": test authors; grpc-go internal/grpctest leak
// checks): it starts in milliseconds on port 0 and, once closed, leaves nothing that keeps the
// process alive — a child process running test/fixtures/embedded-child.ts must exit by itself.

import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runExitingChild } from '../helpers/exiting-child.js';

const child = fileURLToPath(new URL('../fixtures/embedded-child.ts', import.meta.url));

/** The child must exit by itself this soon after it printed its result. */
const EXIT_LIMIT_MS = 5000;

t.test('an embedded server starts fast and leaves nothing behind once closed', async (t) => {
  // Generous: tsx compiles the child's modules first, on a machine shared with other tests.
  // Once it printed its result only a leaked handle can keep it alive: it is killed a second after
  // the limit.
  const run = await runExitingChild(child, [], 40_000, EXIT_LIMIT_MS + 1000);
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
