// ghz (github.com/bojand/ghz v0.121.0, grpc-go inside), the load tool the README gives performance
// people, against `handwire serve --demo` as the README runs it: no --proto, the methods learned
// through server reflection. Every method of user.UserService and offers.v1.OfferService under a
// small bounded load, then the long streams: ListUsers of 21,000 users at -c 1 and a bidi
// StreamUserUpdates call of 10,000 messages. ghz's JSON report (-O json) gives the status of every
// call; the server's go-grpc-prometheus counters (--metrics-port) give the messages each call
// carried, which ghz does not count.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { demoUserId } from '../../src/cli/demo-data.js';
import { call, grpcJsClient } from '../helpers/grpc-js-proto.js';
import { requireGoTool, skipUnless } from '../helpers/peer-tools.js';
import { runTool, stopRunningTools } from '../helpers/run-tool.js';
import { serverTrouble } from '../helpers/serve-log.js';
import { type ServeProcess, startServe } from '../helpers/serve-process.js';

const skip = skipUnless('ghz');
const USER_PROTO = fileURLToPath(new URL('../../proto/user.proto', import.meta.url));
const OFFERS_PROTO = fileURLToPath(new URL('../../proto/offers.proto', import.meta.url));

/** The fields of ghz's JSON report (runner/reporter.go) these tests read; durations in ns. */
interface GhzReport {
  count: number;
  rps: number;
  endReason: string;
  statusCodeDistribution: Record<string, number>;
  errorDistribution: Record<string, number>;
  /** null when no call succeeded (failed calls are left out of the latencies). */
  latencyDistribution: Array<{ percentage: number; latency: number }> | null;
}

/**
 * Runs `ghz --insecure --call METHOD` against `address` with the call data `data` (an array
 * makes the stream of a client-streaming call, or one request per call, round robin, for the
 * others) and reads the report. Each call has ghz's deadline (-t) and the run a time limit; not
 * ghz's -x, which in v0.121.0 turns -n 200 into as many calls as fit in its duration.
 */
async function ghz(
  address: string,
  method: string,
  data: object | { file: string },
  args: string[],
): Promise<GhzReport> {
  const dataArgs = 'file' in data ? ['-D', data.file as string] : ['-d', JSON.stringify(data)];
  const run = await runTool(
    requireGoTool('ghz'),
    ['--insecure', '--call', method, ...dataArgs, '-O', 'json', '-t', '20s', ...args, address],
    { timeoutMs: 60_000 },
  );
  if (run.code !== 0) throw new Error(`ghz ${method} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as GhzReport;
}

/** ghz's figures in one line: what a performance person would read off its summary. */
function figures(report: GhzReport): string {
  const latency = (percentage: number) => {
    const found = report.latencyDistribution?.find((l) => l.percentage === percentage);
    return found === undefined ? 'n/a' : `${(found.latency / 1e6).toFixed(2)} ms`;
  };
  return (
    `${report.count} calls, ${report.rps.toFixed(1)} req/s, p50 ${latency(50)}, p99 ${latency(99)}, ` +
    `statuses ${JSON.stringify(report.statusCodeDistribution)}`
  );
}

/** Asserts ghz ran all `count` calls and every one ended with `status` (OK unless said). */
function allEnded(t: Test, report: GhzReport, count: number, status = 'OK'): void {
  t.comment(figures(report));
  t.equal(report.endReason, 'normal', 'ghz ran to the end');
  t.equal(report.count, count, `${count} calls`);
  t.same(report.statusCodeDistribution, { [status]: count }, `every call ${status}`);
  if (status === 'OK') t.same(report.errorDistribution, {}, 'no error');
}

/** The server's go-grpc-prometheus counters for one method. */
interface MethodCounts {
  /** Calls the server finished, whatever their status. */
  handled: number;
  handledOk: number;
  handledCancelled: number;
  received: number;
  sent: number;
}

/** Reads /metrics and sums, for `service/method`, the counters these tests compare. */
async function countsOf(serve: ServeProcess, path: string): Promise<MethodCounts> {
  const [service, method] = path.split('/') as [string, string];
  const text = await (await fetch(`http://127.0.0.1:${serve.metricsPort}/metrics`)).text();
  const value = (name: string, code?: string): number => {
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`)) continue;
      const labels = line.slice(name.length + 1, line.lastIndexOf('}'));
      if (!labels.includes(`grpc_service="${service}"`)) continue;
      if (!labels.includes(`grpc_method="${method}"`)) continue;
      if (code !== undefined && !labels.includes(`grpc_code="${code}"`)) continue;
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  };
  return {
    handled: value('grpc_server_handled_total'),
    handledOk: value('grpc_server_handled_total', 'OK'),
    handledCancelled: value('grpc_server_handled_total', 'Canceled'),
    received: value('grpc_server_msg_received_total'),
    sent: value('grpc_server_msg_sent_total'),
  };
}

/**
 * Runs ghz on `path` and returns its report with what the server counted meanwhile. The counts
 * are read again (for at most 3 s) until the server has finished as many calls as ghz made: a
 * cancel, say, reaches the server after ghz has moved on, and the server ends the call then.
 */
async function measured(
  serve: ServeProcess,
  path: string,
  data: object | { file: string },
  args: string[],
): Promise<{ report: GhzReport; server: MethodCounts }> {
  const before = await countsOf(serve, path);
  const report = await ghz(serve.address, path.replace('/', '.'), data, args);
  const deadline = Date.now() + 3000;
  for (;;) {
    const after = await countsOf(serve, path);
    const server = {} as MethodCounts;
    for (const key of Object.keys(after) as Array<keyof MethodCounts>) {
      server[key] = after[key] - before[key];
    }
    if (server.handled >= report.count || Date.now() > deadline) return { report, server };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const N = 200;
const LOAD = ['-n', String(N), '-c', '4'];

t.test('ghz: every method under -n 200 -c 4', { skip }, async (t) => {
  t.teardown(stopRunningTools);
  const serve = await startServe(['--demo', '--metrics-port', '0']);
  t.teardown(() => serve.stop('SIGKILL'));
  const users = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
  const offers = grpcJsClient(OFFERS_PROTO, 'offers.v1.OfferService', serve.address);
  t.teardown(() => {
    users.close();
    offers.close();
  });

  t.test('CreateUser: a new name per call (ghz templates)', async (t) => {
    const { report, server } = await measured(
      serve,
      'user.UserService/CreateUser',
      {
        username: 'ghz{{.RequestNumber}}',
        email: 'ghz{{.RequestNumber}}@example.com',
        role: 'ROLE_USER',
      },
      LOAD,
    );
    allEnded(t, report, N);
    t.equal(server.handledOk, N, 'the server created every one');
    const last = await call(users, 'GetUser', { id: demoUserId(0) });
    t.equal(last.username, 'demo0000', 'the demo users are still there');
  });

  t.test('GetUser: a demo user', async (t) => {
    const { report, server } = await measured(
      serve,
      'user.UserService/GetUser',
      { id: demoUserId(0) },
      LOAD,
    );
    allEnded(t, report, N);
    t.equal(server.sent, N, 'one user per call');
  });

  t.test('ListUsers: ten users per call', async (t) => {
    const { report, server } = await measured(
      serve,
      'user.UserService/ListUsers',
      { limit: 10 },
      LOAD,
    );
    allEnded(t, report, N);
    t.equal(server.sent, 10 * N, 'ten users streamed per call');
  });

  t.test('BatchCreateUsers: a client stream of two users per call', async (t) => {
    const { report, server } = await measured(
      serve,
      'user.UserService/BatchCreateUsers',
      [0, 1].map((i) => ({
        username: `batch{{.RequestNumber}}x${i}`,
        email: `batch{{.RequestNumber}}x${i}@example.com`,
      })),
      LOAD,
    );
    allEnded(t, report, N);
    t.equal(server.received, 2 * N, 'two requests per call reached the server');
    t.equal(server.handledOk, N);
  });

  t.test('StreamUserUpdates: bidi, three updates per call, one failing in band', async (t) => {
    const id = demoUserId(1);
    const { report, server } = await measured(
      serve,
      'user.UserService/StreamUserUpdates',
      [
        { user_id: id, field: 'full_name', value: 'Loaded Once' },
        { user_id: 'nope', field: 'email', value: 'a@b.co' },
        { user_id: id, field: 'full_name', value: 'Loaded Twice' },
      ],
      LOAD,
    );
    allEnded(t, report, N);
    t.same([server.received, server.sent], [3 * N, 3 * N], 'one answer per update');
    t.equal((await call(users, 'GetUser', { id })).fullName, 'Loaded Twice');
  });

  t.test('DeleteUser: a different demo user per call', async (t) => {
    // An array for a unary call: call k sends element k % length, so each id goes once.
    const ids = Array.from({ length: N }, (_, i) => demoUserId(800 + i));
    const { report, server } = await measured(
      serve,
      'user.UserService/DeleteUser',
      ids.map((id) => ({ id })),
      LOAD,
    );
    allEnded(t, report, N);
    t.equal(server.handledOk, N, 'each delete found its user: none was sent twice');
    await t.rejects(call(users, 'GetUser', { id: ids[N - 1] }), { code: 5 }, 'gone');
  });

  t.test('SetUserOffer: every change counted in the version', async (t) => {
    const id = demoUserId(3);
    const { report } = await measured(
      serve,
      'offers.v1.OfferService/SetUserOffer',
      { user_id: id, offer_code: 'GOLD{{.RequestNumber}}' },
      LOAD,
    );
    allEnded(t, report, N);
    const offer = await call(offers, 'GetUserOffer', { userId: id });
    t.equal(offer.version, 1 + N, 'the seeded offer, then one version per call');
  });

  t.test('GetUserOffer: a demo user', async (t) => {
    const { report } = await measured(
      serve,
      'offers.v1.OfferService/GetUserOffer',
      { user_id: demoUserId(4) },
      LOAD,
    );
    allEnded(t, report, N);
  });

  t.test('MigrateOffers: a client stream of rows per call', async (t) => {
    const rows = [
      { user_id: demoUserId(6), current_offer: 'BASIC', target_offer: 'UNLIMITED' },
      { user_id: demoUserId(7), current_offer: 'PLUS', target_offer: 'UNLIMITED' },
    ];
    const { report, server } = await measured(
      serve,
      'offers.v1.OfferService/MigrateOffers',
      rows,
      LOAD,
    );
    allEnded(t, report, N);
    t.equal(server.received, 2 * N, 'two rows per call');
    const moved = await call(offers, 'GetUserOffer', { userId: demoUserId(7) });
    t.same([moved.offerCode, moved.version], ['UNLIMITED', 2], 'moved once, then skipped');
  });

  t.test('-e: gzip-compressed requests in all four call shapes', async (t) => {
    // ghz -e compresses every request message with gzip (grpc-encoding: gzip) and accepts gzip.
    const shapes: Array<[string, object]> = [
      ['user.UserService/GetUser', { id: demoUserId(0) }],
      ['user.UserService/ListUsers', { limit: 10 }],
      [
        'user.UserService/BatchCreateUsers',
        [{ username: 'gzip{{.RequestNumber}}', email: 'gzip{{.RequestNumber}}@example.com' }],
      ],
      [
        'user.UserService/StreamUserUpdates',
        [{ user_id: demoUserId(2), field: 'full_name', value: 'Compressed' }],
      ],
    ];
    for (const [path, data] of shapes) {
      const { report, server } = await measured(serve, path, data, ['-e', '-n', '100', '-c', '4']);
      t.comment(path);
      allEnded(t, report, 100);
      t.equal(server.handledOk, 100, `${path}: every compressed request read`);
    }
  });

  t.test('WatchOfferEvents: each call cancelled after 20 events', async (t) => {
    // The stream never ends by itself (history, then live): ghz cancels it after
    // --stream-call-count messages, so every call ends CANCELLED on both sides.
    const { report, server } = await measured(
      serve,
      'offers.v1.OfferService/WatchOfferEvents',
      { from_offset: 900 },
      ['--stream-call-count', '20', ...LOAD],
    );
    allEnded(t, report, N, 'Canceled');
    t.equal(server.handledCancelled, N, 'the server saw each cancel');
    t.ok(server.sent >= 20 * N, `at least 20 events sent per call (${server.sent})`);
  });

  t.test('the server logged no error and sent no GOAWAY', async (t) => {
    await new Promise((resolve) => setTimeout(resolve, 100)); // pino writes asynchronously
    t.same(serverTrouble(serve.stderr()), []);
  });
});

t.test('ghz: long streams on one connection (-c 1)', { skip }, async (t) => {
  t.teardown(stopRunningTools);
  const serve = await startServe(['--demo', '--metrics-port', '0']);
  t.teardown(() => serve.stop('SIGKILL'));
  const dir = mkdtempSync(join(tmpdir(), 'handwire-ghz-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const CREATED = 20_000;
  const LISTED = 1000 + CREATED;

  t.test(`BatchCreateUsers: ${CREATED} users in one client stream`, async (t) => {
    const file = join(dir, 'users.json');
    const requests = Array.from({ length: CREATED }, (_, i) => ({
      username: `load${i}`,
      email: `load${i}@example.com`,
    }));
    writeFileSync(file, JSON.stringify(requests));
    const { report, server } = await measured(
      serve,
      'user.UserService/BatchCreateUsers',
      { file },
      ['-n', '1', '-c', '1'],
    );
    allEnded(t, report, 1);
    t.equal(server.received, CREATED, 'every request reached the server');
    t.equal(server.handledOk, 1);
  });

  t.test(`ListUsers {"limit":0}: all ${LISTED} users, five times over`, async (t) => {
    // ghz does not count a stream's messages; the server does. A call ends OK only once the
    // trailers arrived, after every DATA frame of the stream: OK and 21,000 sent = 21,000 read.
    const { report, server } = await measured(serve, 'user.UserService/ListUsers', { limit: 0 }, [
      '-n',
      '5',
      '-c',
      '1',
    ]);
    allEnded(t, report, 5);
    t.equal(server.handledOk, 5);
    t.equal(server.sent, 5 * LISTED, `${LISTED} users streamed per call`);
  });

  t.test('StreamUserUpdates: one bidi call of 10,000 messages', async (t) => {
    const id = demoUserId(0);
    const { report, server } = await measured(
      serve,
      'user.UserService/StreamUserUpdates',
      [
        { user_id: id, field: 'full_name', value: 'Update Even' },
        { user_id: id, field: 'full_name', value: 'Update Odd' },
      ],
      ['--stream-call-count', '10000', '-n', '1', '-c', '1'],
    );
    allEnded(t, report, 1);
    t.same([server.received, server.sent], [10_000, 10_000], 'every update answered');
    const users = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
    t.teardown(() => users.close());
    // Sent in turn, applied in order: the 10,000th update (an odd one) is the last one seen.
    t.equal((await call(users, 'GetUser', { id })).fullName, 'Update Odd');
  });

  t.test('the server logged no error and sent no GOAWAY', async (t) => {
    await new Promise((resolve) => setTimeout(resolve, 100)); // pino writes asynchronously
    t.same(serverTrouble(serve.stderr()), []);
  });
});
