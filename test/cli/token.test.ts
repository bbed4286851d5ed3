// `handwire token` and `handwire --version`, run as a user runs them: the token it prints is the
// one `handwire serve --auth-secret` accepts, with the role and subject asked for.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import t from 'tap';
import { checkTokenFlags, parseTtl } from '../../src/cli/token.js';
import { call, grpc, grpcJsClient } from '../helpers/grpc-js-proto.js';
import { runHandwire, startServe } from '../helpers/serve-process.js';

const USER_PROTO = fileURLToPath(new URL('../../proto/user.proto', import.meta.url));
const SECRET = 'a-test-secret-of-enough-length';
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

t.test('handwire --version prints the package version', async (t) => {
  for (const flag of ['--version', '-V']) {
    const result = await runHandwire([flag]);
    t.equal(result.code, 0, flag);
    t.equal(result.stdout, `${VERSION}\n`, flag);
  }
});

t.test('handwire token prints a JWT alone, HS256, with sub, role, iat and exp', async (t) => {
  const before = Math.floor(Date.now() / 1000);
  const result = await runHandwire([
    'token',
    '--secret',
    SECRET,
    '--role',
    'ROLE_ADMIN',
    '--sub',
    'alice',
    '--ttl',
    '15m',
  ]);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stderr, '');
  const jwt = result.stdout.trim();
  t.equal(result.stdout, `${jwt}\n`, 'the token and a newline, nothing else');
  t.match(decodeProtectedHeader(jwt), { alg: 'HS256', typ: 'JWT' });
  const { payload } = await jwtVerify(jwt, new TextEncoder().encode(SECRET));
  t.match(payload, { sub: 'alice', role: 'ROLE_ADMIN' });
  t.ok(payload.iat! >= before && payload.iat! <= before + 5);
  t.equal(payload.exp! - payload.iat!, 900);
});

t.test('the secret can come from HANDWIRE_AUTH_SECRET; --ttl defaults to 1h', async (t) => {
  const result = await runHandwire(['token', '--role', 'ROLE_USER', '--sub', 'bob'], {
    HANDWIRE_AUTH_SECRET: SECRET,
  });
  t.equal(result.code, 0, result.stderr);
  const payload = decodeJwt(result.stdout.trim());
  t.equal(payload.exp! - payload.iat!, 3600);
  t.equal(payload.role, 'ROLE_USER');
});

t.test('handwire serve --auth-secret accepts what handwire token mints', async (t) => {
  const serve = await startServe(['--no-kafka', '--auth-secret', SECRET]);
  t.teardown(() => serve.stop('SIGKILL'));
  const client = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
  t.teardown(() => client.close());
  const mint = async (role: string) =>
    (
      await runHandwire(['token', '--secret', SECRET, '--role', role, '--sub', 'alice'])
    ).stdout.trim();
  const metadata = (jwt: string) => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${jwt}`);
    return m;
  };
  const admin = await mint('ROLE_ADMIN');
  const created = await call(
    client,
    'CreateUser',
    { username: 'minted', email: 'minted@example.com' },
    metadata(admin),
  );
  t.equal(created.username, 'minted');
  const deleted = await call(client, 'DeleteUser', { id: created.id }, metadata(admin));
  t.equal(deleted.success, true, 'an admin token may delete');
  const user = await mint('ROLE_USER');
  const refused = await call(client, 'DeleteUser', { id: created.id }, metadata(user)).then(
    () => undefined,
    (error: grpc.ServiceError) => error,
  );
  t.equal(refused?.code, grpc.status.PERMISSION_DENIED, 'the role is the one asked for');
});

t.test('each mistake is one sentence and exit 2', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--role', 'ROLE_ADMIN', '--sub', 'a'], /needs --secret \(or HANDWIRE_AUTH_SECRET\)/],
    [['--secret', 'short', '--role', 'ROLE_ADMIN', '--sub', 'a'], /at least 16 characters/],
    [
      ['--secret', SECRET, '--role', 'admin', '--sub', 'a'],
      /--role must be one of ROLE_USER, ROLE_ADMIN, ROLE_MODERATOR, not "admin"/,
    ],
    [['--secret', SECRET, '--role', 'ROLE_ADMIN', '--sub', 'a', '--ttl', '0'], /--ttl must be/],
    [['--secret', SECRET, '--sub', 'a'], /required option '--role <role>' not specified/],
  ];
  for (const [args, message] of cases) {
    const result = await runHandwire(['token', ...args], { HANDWIRE_AUTH_SECRET: '' });
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, message);
    t.equal(result.stdout, '', 'no token printed');
  }
});

t.test('--ttl units', async (t) => {
  t.equal(parseTtl('3600'), 3600);
  t.equal(parseTtl('90s'), 90);
  t.equal(parseTtl('15m'), 900);
  t.equal(parseTtl('12h'), 43_200);
  t.equal(parseTtl('7d'), 604_800);
  for (const bad of ['', '1w', '-5', '1.5h', '400d'])
    t.throws(() => parseTtl(bad), { name: 'UsageError' });
  t.throws(() => checkTokenFlags({ secret: SECRET, role: 'ROLE_ADMIN', sub: ' ', ttl: '1h' }), {
    message: /--sub must name the caller/,
  });
});

t.test('mintToken in process: exp is iat + ttl, from the clock given', async (t) => {
  const { mintToken } = await import('../../src/cli/token.js');
  const jwt = await mintToken(
    { secret: SECRET, role: 'ROLE_MODERATOR', sub: 'carol', ttlSeconds: 60 },
    1_700_000_000_500,
  );
  t.match(decodeJwt(jwt), {
    sub: 'carol',
    role: 'ROLE_MODERATOR',
    iat: 1_700_000_000,
    exp: 1_700_000_060,
  });
});
