// Auth with real HS256 JWTs (jose SignJWT): each way a token is wrong, the role table per method.

import { SignJWT } from 'jose';
import t from 'tap';
import type { ServerInterceptor } from '../../../src/server/interceptor.js';
import {
  authInterceptor,
  type Principal,
  principalOf,
  ROLE_TABLE,
  type RoleName,
} from '../../../src/services/interceptors/auth.js';
import { bearer, callPath, grpc, serveEcho, standIn } from './interceptor-helpers.js';

const SECRET = 'a test secret, long enough for HS256';
const KEY = new TextEncoder().encode(SECRET);
const UNARY = '/handwire.test.Echo/Unary';

interface TokenOptions {
  /** Seconds since the epoch; null for no exp claim. Default: in five minutes. */
  exp?: number | null;
  alg?: string;
  key?: Uint8Array;
}

async function sign(claims: Record<string, unknown>, options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  const exp = options.exp === undefined ? Math.floor(Date.now() / 1000) + 300 : options.exp;
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(options.key ?? KEY);
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

const userService = standIn('user.UserService', [
  'GetUser',
  'ListUsers',
  'CreateUser',
  'BatchCreateUsers',
  'StreamUserUpdates',
  'DeleteUser',
  'PurgeEverything',
]);
const offerService = standIn('offers.v1.OfferService', [
  'SetUserOffer',
  'GetUserOffer',
  'MigrateOffers',
  'WatchOfferEvents',
]);
const health = standIn('grpc.health.v1.Health', ['Check']);
const reflection = standIn('grpc.reflection.v1.ServerReflection', ['ServerReflectionInfo']);
const reflectionAlpha = standIn('grpc.reflection.v1alpha.ServerReflection', [
  'ServerReflectionInfo',
]);

/** A server with auth, the stand-in services, and a spy recording principalOf after auth. */
async function guarded(t: any, roles?: ReadonlyMap<string, readonly RoleName[]>) {
  const principals: Array<Principal | undefined> = [];
  const spy: ServerInterceptor = (next) => (call) => {
    principals.push(principalOf(call.context));
    return next(call);
  };
  const served = await serveEcho(t, [authInterceptor({ secret: SECRET, roles }), spy], {
    standIns: [userService, offerService, health, reflection, reflectionAlpha],
  });
  return { ...served, principals };
}

/** The Echo path opened to every role, so token checks can be tested on it. */
const WITH_ECHO = new Map([
  ...ROLE_TABLE,
  [UNARY, ['ROLE_USER', 'ROLE_MODERATOR', 'ROLE_ADMIN']],
]) as ReadonlyMap<string, readonly RoleName[]>;

t.test('a valid token passes and its principal reaches later interceptors', async (t) => {
  const { generic, principals } = await guarded(t, WITH_ECHO);
  const token = await sign({ sub: 'alice', role: 'ROLE_USER' });
  const outcome = await callPath(generic, UNARY, { message: 'hi' }, bearer(`Bearer ${token}`));
  t.equal(outcome.response?.message, 'hi');
  t.same(principals, [{ sub: 'alice', role: 'ROLE_USER' }]);
});

t.test('the scheme word is case-insensitive', async (t) => {
  const { generic } = await guarded(t, WITH_ECHO);
  const token = await sign({ sub: 'bob', role: 'ROLE_ADMIN' });
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    const outcome = await callPath(
      generic,
      UNARY,
      { message: scheme },
      bearer(`${scheme} ${token}`),
    );
    t.equal(outcome.response?.message, scheme, `${scheme} is accepted`);
  }
});

t.test('each wrong token is UNAUTHENTICATED with a sentence saying what was wrong', async (t) => {
  const { generic, principals } = await guarded(t, WITH_ECHO);
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, grpc.Metadata, RegExp]> = [
    ['no authorization metadata', new grpc.Metadata(), /needs a token.*authorization: Bearer/],
    ['another scheme', bearer('Basic YWxpY2U6c2VjcmV0'), /must be "Bearer " followed by a JWT/],
    ['the scheme alone', bearer('Bearer'), /must be "Bearer " followed by a JWT/],
    ['not a JWT', bearer('Bearer not-a-jwt'), /not a well-formed JWT/],
    [
      'expired',
      bearer(`Bearer ${await sign({ sub: 'a', role: 'ROLE_USER' }, { exp: now - 60 })}`),
      /expired at \d{4}-\d\d-\d\dT.*get a new one/,
    ],
    [
      'signed with another secret',
      bearer(
        `Bearer ${await sign({ sub: 'a', role: 'ROLE_USER' }, { key: new TextEncoder().encode('some other secret entirely!!') })}`,
      ),
      /signature does not verify/,
    ],
    [
      'without exp',
      bearer(`Bearer ${await sign({ sub: 'a', role: 'ROLE_USER' }, { exp: null })}`),
      /no "exp" claim: tokens must expire/,
    ],
    ['without sub', bearer(`Bearer ${await sign({ role: 'ROLE_USER' })}`), /no "sub" claim/],
    [
      'an empty sub',
      bearer(`Bearer ${await sign({ sub: '', role: 'ROLE_USER' })}`),
      /"sub" claim must be a non-empty string/,
    ],
    [
      'an unknown role',
      bearer(`Bearer ${await sign({ sub: 'a', role: 'ROLE_GOD' })}`),
      /role "ROLE_GOD" is not one of ROLE_USER, ROLE_ADMIN, ROLE_MODERATOR/,
    ],
    [
      'ROLE_UNSPECIFIED',
      bearer(`Bearer ${await sign({ sub: 'a', role: 'ROLE_UNSPECIFIED' })}`),
      /role "ROLE_UNSPECIFIED" is not one of/,
    ],
    ['no role', bearer(`Bearer ${await sign({ sub: 'a' })}`), /no "role" claim/],
    [
      'HS512 with the right secret',
      bearer(`Bearer ${await sign({ sub: 'a', role: 'ROLE_ADMIN' }, { alg: 'HS512' })}`),
      /signed with alg "HS512"; this server accepts only HS256/,
    ],
    [
      'alg none (an unsigned token)',
      bearer(
        `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'a', role: 'ROLE_ADMIN', exp: now + 300 })}.`,
      ),
      /not signed \(alg "none"\); this server accepts only HS256-signed tokens/,
    ],
    [
      'not valid yet (nbf)',
      bearer(`Bearer ${await sign({ sub: 'a', role: 'ROLE_USER', nbf: now + 600 })}`),
      /not valid yet/,
    ],
  ];
  for (const [name, metadata, message] of cases) {
    const { error } = await callPath(generic, UNARY, {}, metadata);
    t.equal(error?.code, grpc.status.UNAUTHENTICATED, `${name}: UNAUTHENTICATED`);
    t.match(error?.details, message, `${name}: ${error?.details}`);
  }
  t.same(principals, [], 'no refused call reached the next interceptor');
});

t.test(
  'the role table: reads any role, writes moderators and admins, the rest admins',
  async (t) => {
    const { generic } = await guarded(t);
    const everyone: RoleName[] = ['ROLE_USER', 'ROLE_MODERATOR', 'ROLE_ADMIN'];
    const writers: RoleName[] = ['ROLE_MODERATOR', 'ROLE_ADMIN'];
    const admins: RoleName[] = ['ROLE_ADMIN'];
    // Written out from docs/contract.md §4, not read from ROLE_TABLE, so the table itself is checked.
    const expected: Record<string, RoleName[]> = {
      '/user.UserService/GetUser': everyone,
      '/user.UserService/ListUsers': everyone,
      '/offers.v1.OfferService/GetUserOffer': everyone,
      '/offers.v1.OfferService/WatchOfferEvents': everyone,
      '/user.UserService/CreateUser': writers,
      '/user.UserService/BatchCreateUsers': writers,
      '/user.UserService/StreamUserUpdates': writers,
      '/offers.v1.OfferService/SetUserOffer': writers,
      '/user.UserService/DeleteUser': admins,
      '/offers.v1.OfferService/MigrateOffers': admins,
    };
    t.same(
      [...ROLE_TABLE.keys()].sort(),
      Object.keys(expected).sort(),
      'the table has every method',
    );
    const tokens = Object.fromEntries(
      await Promise.all(
        everyone.map(async (role) => [role, await sign({ sub: `s-${role}`, role })]),
      ),
    ) as Record<RoleName, string>;
    for (const [path, allowed] of Object.entries(expected)) {
      for (const role of everyone) {
        const outcome = await callPath(
          generic,
          path,
          { message: 'ok' },
          bearer(`Bearer ${tokens[role]}`),
        );
        if (allowed.includes(role)) {
          t.equal(outcome.response?.message, 'ok', `${role} may call ${path}`);
        } else {
          t.equal(
            outcome.error?.code,
            grpc.status.PERMISSION_DENIED,
            `${role} may not call ${path}`,
          );
          t.equal(
            outcome.error?.details,
            `${path} needs ${allowed.join(' or ')}; this token's role is ${role}`,
          );
        }
      }
    }
  },
);

t.test('a method missing from the table is denied to every role, once authenticated', async (t) => {
  const { generic } = await guarded(t);
  const admin = await sign({ sub: 'root', role: 'ROLE_ADMIN' });
  for (const path of ['/user.UserService/PurgeEverything', UNARY]) {
    const denied = await callPath(generic, path, {}, bearer(`Bearer ${admin}`));
    t.equal(denied.error?.code, grpc.status.PERMISSION_DENIED);
    t.equal(
      denied.error?.details,
      `${path} is open to no role: the server's role table does not list it`,
    );
    const anonymous = await callPath(generic, path, {});
    t.equal(
      anonymous.error?.code,
      grpc.status.UNAUTHENTICATED,
      'no token is still UNAUTHENTICATED first',
    );
  }
});

t.test('health and reflection need no token, and have no principal', async (t) => {
  const { generic, principals } = await guarded(t);
  for (const path of [
    '/grpc.health.v1.Health/Check',
    '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
  ]) {
    const outcome = await callPath(generic, path, { message: 'up' });
    t.equal(outcome.response?.message, 'up', `${path} is exempt`);
  }
  t.same(principals, [undefined, undefined, undefined]);
});

t.test('exempt services can be chosen', async (t) => {
  const { generic } = await serveEcho(
    t,
    [authInterceptor({ secret: KEY, exempt: ['handwire.test.Echo'] })],
    { standIns: [health] },
  );
  t.equal((await callPath(generic, UNARY, { message: 'free' })).response?.message, 'free');
  const healthCall = await callPath(generic, '/grpc.health.v1.Health/Check', {});
  t.equal(healthCall.error?.code, grpc.status.UNAUTHENTICATED, 'health is no longer exempt');
});

t.test('an empty secret is refused when the interceptor is made', async (t) => {
  t.throws(() => authInterceptor({ secret: '' }), {
    name: 'TypeError',
    message: 'authInterceptor needs a secret: an HS256 key cannot be empty',
  });
});

t.test(
  'a token accepted once is refused once it expires (verified tokens are remembered)',
  async (t) => {
    const { generic } = await guarded(t, WITH_ECHO);
    const exp = Math.floor(Date.now() / 1000) + 3;
    const metadata = bearer(`Bearer ${await sign({ sub: 'brief', role: 'ROLE_USER' }, { exp })}`);
    t.equal((await callPath(generic, UNARY, { message: '1' }, metadata)).response?.message, '1');
    t.equal((await callPath(generic, UNARY, { message: '2' }, metadata)).response?.message, '2');
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    const late = await callPath(generic, UNARY, {}, metadata);
    t.equal(late.error?.code, grpc.status.UNAUTHENTICATED);
    t.match(late.error?.details, /expired at/);
  },
);
