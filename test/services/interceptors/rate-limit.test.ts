// Rate limit (docs/contract.md §4): token buckets by sub or peer host, RetryInfo, eviction.

import { SignJWT } from 'jose';
import t from 'tap';
import {
  authInterceptor,
  ROLE_TABLE,
  type RoleName,
} from '../../../src/services/interceptors/auth.js';
import { peerHost, rateLimitInterceptor } from '../../../src/services/interceptors/rate-limit.js';
import {
  bearer,
  callPath,
  decodeDetail,
  grpc,
  serveEcho,
  standIn,
  statusDetails,
} from './interceptor-helpers.js';

const UNARY = '/handwire.test.Echo/Unary';
const SECRET = 'rate limit test secret, 32 bytes+';

/** A clock the test moves by hand, so a slow machine never refills a bucket mid-burst. */
function manualClock() {
  const clock = { ms: 1_000_000, now: () => clock.ms };
  return clock;
}

async function burst(client: grpc.Client, count: number, metadata?: grpc.Metadata) {
  const outcomes = [];
  for (let i = 0; i < count; i++)
    outcomes.push(await callPath(client, UNARY, { message: `${i}` }, metadata));
  return outcomes;
}

t.test(
  'with 5 a second, the 6th call of a burst is RESOURCE_EXHAUSTED with RetryInfo',
  async (t) => {
    const clock = manualClock();
    const { generic } = await serveEcho(t, [
      rateLimitInterceptor({ perSecond: 5, now: clock.now }),
    ]);
    const outcomes = await burst(generic, 6);
    t.same(
      outcomes.slice(0, 5).map((o) => o.response?.message),
      ['0', '1', '2', '3', '4'],
    );
    const error = outcomes[5]!.error!;
    t.equal(error.code, grpc.status.RESOURCE_EXHAUSTED);
    t.equal(
      error.details,
      'too many calls: this server allows 5 a second per caller; retry in 200 ms',
    );
    const status = statusDetails(error);
    t.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
    t.equal(status.details.length, 1);
    t.equal(status.details[0]!.typeUrl, 'type.googleapis.com/google.rpc.RetryInfo');
    const retryInfo = decodeDetail('google.rpc.RetryInfo', status.details[0]!.value);
    t.same(
      retryInfo.retryDelay,
      { seconds: 0, nanos: 200_000_000 },
      'one token comes back in 200 ms',
    );
  },
);

t.test('tokens come back continuously: after the retry delay one call passes', async (t) => {
  const clock = manualClock();
  const { generic } = await serveEcho(t, [rateLimitInterceptor({ perSecond: 5, now: clock.now })]);
  await burst(generic, 5);
  clock.ms += 50;
  const early = await callPath(generic, UNARY, {});
  t.equal(early.error?.code, grpc.status.RESOURCE_EXHAUSTED);
  const delay = decodeDetail('google.rpc.RetryInfo', statusDetails(early.error!).details[0]!.value);
  t.same(
    delay.retryDelay,
    { seconds: 0, nanos: 150_000_000 },
    'the delay counts the refill so far',
  );
  clock.ms += 150;
  t.equal((await callPath(generic, UNARY, { message: 'again' })).response?.message, 'again');
  t.equal((await callPath(generic, UNARY, {})).error?.code, grpc.status.RESOURCE_EXHAUSTED);
  clock.ms += 1000;
  const full = await burst(generic, 6);
  t.equal(full.filter((o) => o.response !== undefined).length, 5, 'a full bucket holds N, no more');
});

t.test('a limit of 1 a second gives a whole-second RetryInfo', async (t) => {
  const clock = manualClock();
  const { generic } = await serveEcho(t, [rateLimitInterceptor({ perSecond: 1, now: clock.now })]);
  const [, second] = await burst(generic, 2);
  const delay = decodeDetail(
    'google.rpc.RetryInfo',
    statusDetails(second!.error!).details[0]!.value,
  );
  t.same(delay.retryDelay, { seconds: 1, nanos: 0 });
});

t.test('callers are told apart by their JWT sub', async (t) => {
  const clock = manualClock();
  const roles = new Map([...ROLE_TABLE, [UNARY, ['ROLE_USER'] as RoleName[]]]);
  const { generic } = await serveEcho(t, [
    authInterceptor({ secret: SECRET, roles }),
    rateLimitInterceptor({ perSecond: 2, now: clock.now }),
  ]);
  const key = new TextEncoder().encode(SECRET);
  const tokenFor = (sub: string) =>
    new SignJWT({ sub, role: 'ROLE_USER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(key);
  const alice = bearer(`Bearer ${await tokenFor('alice')}`);
  const bob = bearer(`Bearer ${await tokenFor('bob')}`);
  const aliceCalls = await burst(generic, 3, alice);
  t.same(
    aliceCalls.map((o) => o.error?.code ?? 0),
    [0, 0, grpc.status.RESOURCE_EXHAUSTED],
  );
  const bobCalls = await burst(generic, 2, bob);
  t.same(
    bobCalls.map((o) => o.error?.code ?? 0),
    [0, 0],
    'bob has his own bucket, on the same connection',
  );
  // A second token for alice, on another connection: still alice's bucket.
  const other = new grpc.Client(
    (generic.getChannel() as any).getTarget().replace(/^dns:/, ''),
    grpc.credentials.createInsecure(),
  );
  t.teardown(() => other.close());
  const again = await callPath(other, UNARY, {}, bearer(`Bearer ${await tokenFor('alice')}`));
  t.equal(again.error?.code, grpc.status.RESOURCE_EXHAUSTED);
});

t.test('without auth, callers are keyed by peer host: a new connection buys nothing', async (t) => {
  const clock = manualClock();
  const { generic, address } = await serveEcho(t, [
    rateLimitInterceptor({ perSecond: 3, now: clock.now }),
  ]);
  await burst(generic, 3);
  const fresh = new grpc.Client(address, grpc.credentials.createInsecure());
  t.teardown(() => fresh.close());
  const outcome = await callPath(fresh, UNARY, {});
  t.equal(
    outcome.error?.code,
    grpc.status.RESOURCE_EXHAUSTED,
    'another port, same host, same bucket',
  );
});

t.test('health and reflection are never limited', async (t) => {
  const clock = manualClock();
  const { generic } = await serveEcho(t, [rateLimitInterceptor({ perSecond: 1, now: clock.now })], {
    standIns: [
      standIn('grpc.health.v1.Health', ['Check']),
      standIn('grpc.reflection.v1.ServerReflection', ['ServerReflectionInfo']),
    ],
  });
  for (let i = 0; i < 5; i++) {
    t.equal((await callPath(generic, '/grpc.health.v1.Health/Check', {})).error, undefined);
    t.equal(
      (await callPath(generic, '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', {}))
        .error,
      undefined,
    );
  }
  t.equal((await callPath(generic, UNARY, {})).error, undefined, 'the exempt calls took no token');
});

t.test('buckets of idle callers are dropped', async (t) => {
  const clock = manualClock();
  const limiter = rateLimitInterceptor({ perSecond: 2, now: clock.now });
  const roles = new Map([...ROLE_TABLE, [UNARY, ['ROLE_USER'] as RoleName[]]]);
  const { generic } = await serveEcho(t, [authInterceptor({ secret: SECRET, roles }), limiter]);
  const key = new TextEncoder().encode(SECRET);
  for (let i = 0; i < 20; i++) {
    const token = await new SignJWT({ sub: `user-${i}`, role: 'ROLE_USER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(key);
    await callPath(generic, UNARY, {}, bearer(`Bearer ${token}`));
  }
  t.equal(limiter.trackedCallers, 20);
  clock.ms += 999;
  await callPath(generic, '/handwire.test.Echo/Unary', {}, new grpc.Metadata()); // unauthenticated: refused before the limiter
  t.equal(limiter.trackedCallers, 20, 'nothing is dropped before a second has passed');
  const last = await new SignJWT({ sub: 'latecomer', role: 'ROLE_USER' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(key);
  clock.ms += 1;
  await callPath(generic, UNARY, {}, bearer(`Bearer ${last}`));
  t.equal(limiter.trackedCallers, 1, 'the full buckets are gone; only the new caller is left');
});

t.test('a partly used bucket is kept until it has refilled', async (t) => {
  const clock = manualClock();
  const limiter = rateLimitInterceptor({ perSecond: 2, now: clock.now });
  const { generic } = await serveEcho(t, [limiter]);
  await burst(generic, 2);
  clock.ms += 1000;
  await callPath(generic, UNARY, {}); // sweeps (the bucket refilled: dropped), then takes a token
  t.equal(limiter.trackedCallers, 1);
  clock.ms += 1000;
  await burst(generic, 2);
  clock.ms += 1000;
  await burst(generic, 2);
  t.equal(limiter.trackedCallers, 1, 'one caller, one bucket, however long it stays');
});

t.test('with the real clock, a burst is cut and later calls pass again', async (t) => {
  const { generic } = await serveEcho(t, [rateLimitInterceptor({ perSecond: 2 })]);
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, () => callPath(generic, UNARY, {})),
  );
  const refused = outcomes.filter((o) => o.error?.code === grpc.status.RESOURCE_EXHAUSTED).length;
  t.ok(refused >= 10, `${refused} of 20 refused`);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  t.equal((await callPath(generic, UNARY, { message: 'later' })).response?.message, 'later');
});

t.test('perSecond below 1 is refused', async (t) => {
  for (const perSecond of [0, 0.5, -1, Number.NaN]) {
    t.throws(() => rateLimitInterceptor({ perSecond }), {
      name: 'TypeError',
      message: /perSecond must be a number of at least 1/,
    });
  }
});

t.test('peerHost drops the port, IPv4 and IPv6 alike', async (t) => {
  t.equal(peerHost('127.0.0.1:5000'), '127.0.0.1');
  t.equal(peerHost('[::1]:5000'), '::1');
  t.equal(peerHost('[::ffff:10.0.0.1]:80'), '::ffff:10.0.0.1');
  t.equal(peerHost('/tmp/socket'), '/tmp/socket');
  t.equal(peerHost('unknown:0'), 'unknown');
});
