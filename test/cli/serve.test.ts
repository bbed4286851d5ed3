// `handwire serve` as a user runs it, a child process driven by a @grpc/grpc-js client:
// the contract's user service, --demo, flags, JWT auth and roles, rate limiting, metrics, the log
// line per call, and graceful shutdown on SIGTERM (docs/contract.md §2, §4, §5).

import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import t from 'tap';
import { call, collect, grpc, grpcJsClient } from '../helpers/grpc-js-proto.js';
import { frame, rawRequest } from '../helpers/raw-http2.js';
import { runHandwire, startServe } from '../helpers/serve-process.js';

const USER_PROTO = fileURLToPath(new URL('../../proto/user.proto', import.meta.url));
const OFFERS_PROTO = fileURLToPath(new URL('../../proto/offers.proto', import.meta.url));
const HEALTH_PROTO = fileURLToPath(
  new URL('../../proto/grpc/health/v1/health.proto', import.meta.url),
);
const SECRET = 'a-test-secret-of-enough-length';

async function token(role: string, sub = `${role}-caller`, expiresIn = '1h', secret = SECRET) {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

function bearer(jwt: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${jwt}`);
  return metadata;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: grpc.ServiceError) => error,
  );

t.test('--demo: a thousand users to call at once, and a JSON log line per call', async (t) => {
  const serve = await startServe(['--demo']);
  t.teardown(() => serve.stop('SIGKILL'));
  t.match(serve.stdout(), /seeded 1000 demo users, e\.g\. [0-9a-f-]{36}/);
  t.match(
    serve.stdout(),
    /ghz --insecure --call user\.UserService\.GetUser -d '\{"id":"[0-9a-f-]{36}"\}'/,
  );
  const id = /e\.g\. ([0-9a-f-]{36})/.exec(serve.stdout())![1]!;
  const client = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
  t.teardown(() => client.close());
  const user = await call(client, 'GetUser', { id });
  t.equal(user.username, 'demo0000');
  t.equal((await collect(client, 'ListUsers', {})).length, 1000);
  const missing = await failure(call(client, 'GetUser', { id: 'nope' }));
  t.equal(missing?.code, grpc.status.NOT_FOUND);
  t.match(
    serve.stdout(),
    /\n {5}npx handwire gen-csv --output demo\.csv && npx handwire migrate demo\.csv/,
    'npx: handwire is not on PATH after npm start',
  );

  // The log is written asynchronously: wait for the last call's line (lines keep their order).
  const stderr = await serve.waitForStderr(/"code":"NOT_FOUND"/);
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  const calls = lines.filter((line) => typeof line.method === 'string');
  t.equal(calls.length, 3, 'one line per call');
  const offers = grpcJsClient(OFFERS_PROTO, 'offers.v1.OfferService', serve.address);
  t.teardown(() => offers.close());
  t.match(await call(offers, 'GetUserOffer', { userId: id }), { offerCode: 'BASIC', version: 1 });
  t.match(calls[2], { method: '/user.UserService/GetUser', code: 'NOT_FOUND' });
  t.ok(calls.every((line) => line.request_id && line.peer && typeof line.duration_ms === 'number'));
});

t.test('the health service reports SERVING for "" and both contract services', async (t) => {
  const serve = await startServe();
  t.teardown(() => serve.stop('SIGKILL'));
  const health = grpcJsClient(HEALTH_PROTO, 'grpc.health.v1.Health', serve.address);
  t.teardown(() => health.close());
  t.equal((await call(health, 'Check', { service: '' })).status, 'SERVING');
  t.equal((await call(health, 'Check', { service: 'user.UserService' })).status, 'SERVING');
  t.equal((await call(health, 'Check', { service: 'offers.v1.OfferService' })).status, 'SERVING');
});

t.test('bad flags: one sentence on stderr, exit code 2, no stack trace', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['serve', '--port', 'abc'], /--port must be a whole number from 0 to 65535, not "abc"/],
    [['serve', '--port', '70000'], /--port must be a whole number/],
    [['serve', '--bogus'], /unknown option '--bogus'/],
    [['serve', '--shutdown-grace', 'soon'], /--shutdown-grace must be a number of seconds/],
    [
      ['serve', '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'],
      /^handwire: cannot read \/nonexistent\/cert\.pem \(--tls-cert\): no such file \(ENOENT\)\n$/,
    ],
    [['serve', '--tls-cert', '/nonexistent/cert.pem'], /--tls-cert and --tls-key go together/],
    [['serve', '--host', '0.0.0.0'], /refusing to listen on 0\.0\.0\.0 without --auth-secret/],
    [['serve', '--auth-secret', 'short'], /--auth-secret must be at least 16 characters/],
    [['nonsense'], /unknown command 'nonsense'/],
  ];
  for (const [args, message] of cases) {
    const result = await runHandwire(args);
    t.equal(result.code, 2, `${args.join(' ')}: exit code 2`);
    t.match(result.stderr, message, args.join(' '));
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});

t.test('auth: JWT HS256 required, roles as in the contract, health exempt', async (t) => {
  const serve = await startServe(['--auth-secret', SECRET]);
  t.teardown(() => serve.stop('SIGKILL'));
  const client = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
  const health = grpcJsClient(HEALTH_PROTO, 'grpc.health.v1.Health', serve.address);
  t.teardown(() => {
    client.close();
    health.close();
  });
  const newUser = { username: 'someone', email: 'someone@example.com' };

  t.equal((await failure(call(client, 'GetUser', { id: 'x' })))?.code, grpc.status.UNAUTHENTICATED);
  const expired = await token('ROLE_ADMIN', 'late', '-1m');
  t.equal(
    (await failure(call(client, 'GetUser', { id: 'x' }, bearer(expired))))?.code,
    grpc.status.UNAUTHENTICATED,
  );
  const forged = await token('ROLE_ADMIN', 'forger', '1h', 'another-secret-entirely');
  t.equal(
    (await failure(call(client, 'GetUser', { id: 'x' }, bearer(forged))))?.code,
    grpc.status.UNAUTHENTICATED,
  );

  const user = bearer(await token('ROLE_USER'));
  t.equal(
    (await failure(call(client, 'GetUser', { id: 'x' }, user)))?.code,
    grpc.status.NOT_FOUND,
    'reads: any role',
  );
  t.equal(
    (await failure(call(client, 'CreateUser', newUser, user)))?.code,
    grpc.status.PERMISSION_DENIED,
  );

  const moderator = bearer(await token('ROLE_MODERATOR'));
  const created = await call(client, 'CreateUser', newUser, moderator);
  t.equal(
    (await failure(call(client, 'DeleteUser', { id: created.id }, moderator)))?.code,
    grpc.status.PERMISSION_DENIED,
  );

  const admin = bearer(await token('ROLE_ADMIN'));
  const offers = grpcJsClient(OFFERS_PROTO, 'offers.v1.OfferService', serve.address);
  t.teardown(() => offers.close());
  const offer = { userId: created.id, offerCode: 'BASIC' };
  t.equal(
    (await failure(call(offers, 'SetUserOffer', offer, user)))?.code,
    grpc.status.PERMISSION_DENIED,
    'offer writes: moderator or admin',
  );
  t.match(await call(offers, 'SetUserOffer', offer, moderator), { offerCode: 'BASIC', version: 1 });
  t.match(await call(offers, 'GetUserOffer', { userId: created.id }, user), { version: 1 });
  const migrate = (metadata: grpc.Metadata) =>
    new Promise((resolve, reject) => {
      const stream = offers.MigrateOffers(metadata, (error: Error | null, report: unknown) =>
        error ? reject(error) : resolve(report),
      );
      stream.end();
    });
  t.equal(
    ((await failure(migrate(moderator))) as grpc.ServiceError | undefined)?.code,
    grpc.status.PERMISSION_DENIED,
    'MigrateOffers: admin only',
  );
  t.match(await migrate(admin), { rows: 0 });
  t.same(await call(client, 'DeleteUser', { id: created.id }, admin), { success: true });
  t.equal(
    (await failure(call(offers, 'GetUserOffer', { userId: created.id }, user)))?.code,
    grpc.status.NOT_FOUND,
    'a deleted user has no offer any more',
  );
  t.equal(
    (await call(health, 'Check', { service: '' })).status,
    'SERVING',
    'health needs no token',
  );
});

t.test('--rate-limit: excess calls get RESOURCE_EXHAUSTED, per caller', async (t) => {
  const serve = await startServe(['--rate-limit', '5']);
  t.teardown(() => serve.stop('SIGKILL'));
  const client = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
  t.teardown(() => client.close());
  const results = await Promise.all(
    Array.from({ length: 12 }, () => failure(call(client, 'GetUser', { id: 'x' }))),
  );
  const limited = results.filter((error) => error?.code === grpc.status.RESOURCE_EXHAUSTED);
  const served = results.filter((error) => error?.code === grpc.status.NOT_FOUND);
  t.ok(served.length >= 5 && served.length <= 7, `${served.length} calls passed`);
  t.equal(limited.length + served.length, 12);
  t.ok(limited[0]?.metadata.get('grpc-status-details-bin').length, 'with a RetryInfo detail');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  t.equal(
    (await failure(call(client, 'GetUser', { id: 'x' })))?.code,
    grpc.status.NOT_FOUND,
    'refilled',
  );
});

t.test('--metrics-port: Prometheus text with go-grpc-prometheus names', async (t) => {
  const serve = await startServe(['--metrics-port', '0']);
  t.teardown(() => serve.stop('SIGKILL'));
  t.ok(serve.metricsPort, 'the metrics address is printed');
  const client = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
  t.teardown(() => client.close());
  await call(client, 'CreateUser', { username: 'counted', email: 'counted@example.com' });
  await failure(call(client, 'GetUser', { id: 'nope' }));
  const text = await (await fetch(`http://127.0.0.1:${serve.metricsPort}/metrics`)).text();
  t.match(text, /grpc_server_started_total\{[^}]*grpc_method="CreateUser"[^}]*\} 1/);
  t.match(text, /grpc_server_handled_total\{[^}]*grpc_code="NotFound"[^}]*\} 1/);
  t.match(text, /grpc_server_handled_total\{[^}]*grpc_code="OK"[^}]*\} 1/);
  t.match(text, /grpc_server_handling_seconds_bucket\{/);
  t.match(text, /^process_resident_memory_bytes \d+/m, "prom-client's process metrics");
  t.match(text, /^nodejs_eventloop_lag_seconds /m, "and Node.js's");
});

t.test('SIGTERM: calls in flight finish within the grace, then exit 0', async (t) => {
  const serve = await startServe(['--shutdown-grace', '5']);
  const client = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
  t.teardown(() => client.close());
  const created = await call(client, 'CreateUser', {
    username: 'stays',
    email: 'stays@example.com',
  });
  const stream = client.StreamUserUpdates();
  const responses: any[] = [];
  const ended = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
  stream.on('data', (response: unknown) => responses.push(response));
  stream.write({ userId: created.id, field: 'full_name', value: 'Before' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const exited = serve.stop('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  stream.write({ userId: created.id, field: 'full_name', value: 'During' });
  stream.end();
  t.equal((await ended).code, grpc.status.OK, 'the call in flight completed');
  t.same(
    responses.map((r) => r.success),
    [true, true],
  );
  t.equal(await exited, 0);
  t.match(serve.stdout(), /SIGTERM: shutting down/);
});

t.test(
  'SIGTERM: a call past the grace ends UNAVAILABLE and the process still exits 0',
  async (t) => {
    const serve = await startServe(['--shutdown-grace', '0.5']);
    const client = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
    t.teardown(() => client.close());
    const stream = client.StreamUserUpdates();
    const ended = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('error', () => {});
    stream.on('data', () => {});
    stream.write({ userId: 'x', field: 'role', value: 'ROLE_ADMIN' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const code = await serve.stop('SIGTERM');
    t.equal(code, 0);
    t.equal((await ended).code, grpc.status.UNAVAILABLE);
    t.ok(Date.now() - started < 5000, 'the grace is honoured, not exceeded by much');
  },
);

t.test('x-request-id on every call, also those answered before any interceptor runs', async (t) => {
  const serve = await startServe();
  t.teardown(() => serve.stop('SIGKILL'));
  const unknown = await rawRequest(serve.address, {
    path: '/user.UserService/NoSuchMethod',
    headers: { 'x-request-id': 'trace-me-42' },
    body: [frame(Buffer.alloc(0))],
  });
  t.equal(unknown.headers['grpc-status'], '12');
  t.equal(
    unknown.headers['x-request-id'],
    'trace-me-42',
    'echoed on a Trailers-Only UNIMPLEMENTED',
  );
  const generated = await rawRequest(serve.address, {
    path: '/no.Such/Service',
    body: [frame(Buffer.alloc(0))],
  });
  t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'generated when none was sent');
  const undecodable = await rawRequest(serve.address, {
    path: '/user.UserService/GetUser',
    headers: { 'x-request-id': 'bad-body-1' },
    body: [frame(Buffer.from([0x0a, 0x09]))],
  });
  t.equal(undecodable.headers['grpc-status'], '13');
  t.equal(undecodable.headers['x-request-id'], 'bad-body-1', 'a request rejected before dispatch');
  const served = await rawRequest(serve.address, {
    path: '/user.UserService/GetUser',
    headers: { 'x-request-id': 'normal-1' },
    body: [frame(Buffer.from([0x0a, 0x01, 0x78]))],
  });
  t.equal(
    served.headers['x-request-id'],
    'normal-1',
    'and through the interceptor on ordinary calls',
  );
});
