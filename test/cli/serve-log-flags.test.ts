// `handwire serve --log-level` and `--access-log`: which lines the log gets (docs/contract.md §5;
// README "handwire serve" says what each costs).

import t from 'tap';
import { frame, rawRequest } from '../helpers/raw-http2.js';
import { runHandwire, startServe } from '../helpers/serve-process.js';

/** The JSON lines `serve` wrote to stderr so far. */
function loggedLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A GetUser of an unknown user (NOT_FOUND, an info line) and an unknown method (an error line). */
async function twoCalls(address: string): Promise<void> {
  const missing = await rawRequest(address, {
    path: '/user.UserService/GetUser',
    headers: { 'x-request-id': 'info-1' },
    body: [frame(Buffer.from([0x0a, 0x01, 0x78]))],
  });
  t.equal(missing.headers['grpc-status'], '5', 'NOT_FOUND');
  const unknown = await rawRequest(address, {
    path: '/user.UserService/NoSuchMethod',
    headers: { 'x-request-id': 'error-1' },
    body: [frame(Buffer.alloc(0))],
  });
  t.equal(unknown.headers['grpc-status'], '12', 'UNIMPLEMENTED');
}

/** The log is written asynchronously: time for lines that are not meant to come to show up. */
function waitForAnyStrayLine(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}

t.test('--log-level warn: the info line of a NOT_FOUND goes, the error line stays', async (t) => {
  const serve = await startServe(['--no-kafka', '--log-level', 'warn']);
  t.teardown(() => serve.stop('SIGKILL'));
  await twoCalls(serve.address);
  // The error line is written last; lines keep their order, so the info line would be there.
  const ids = loggedLines(await serve.waitForStderr(/"request_id":"error-1"/)).map(
    (line) => line.request_id,
  );
  t.same(ids, ['error-1']);
});

t.test('--access-log off: no line per call, whatever its status', async (t) => {
  const serve = await startServe(['--no-kafka', '--access-log', 'off']);
  t.teardown(() => serve.stop('SIGKILL'));
  await twoCalls(serve.address);
  await waitForAnyStrayLine();
  t.same(loggedLines(serve.stderr()), []);
});

t.test('bad values: one sentence naming the flag and what it takes, exit code 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['serve', '--log-level', 'loud'],
      /--log-level must be one of trace, debug, info, warn, error, fatal, silent, not "loud"/,
    ],
    [['serve', '--access-log', 'yes'], /--access-log must be on or off, not "yes"/],
  ];
  for (const [args, message] of cases) {
    const result = await runHandwire(args);
    t.equal(result.code, 2, `${args.join(' ')}: exit code 2`);
    t.match(result.stderr, message);
  }
});
