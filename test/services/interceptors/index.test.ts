// standardInterceptors: the chain in the order docs/contract.md §4 sets, checked by what each layer sees of the others.

import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import pino from 'pino';
import t from 'tap';
import {
  createMetrics,
  ROLE_TABLE,
  type RoleName,
  standardInterceptors,
} from '../../../src/services/interceptors/index.js';
import { bearer, callPath, grpc, serveEcho, standIn } from './interceptor-helpers.js';

const SECRET = 'the standard chain test secret!!';
const UNARY = '/handwire.test.Echo/Unary';
const BOOM = '/test.Crash/Boom';

async function tokenFor(sub: string, role: RoleName = 'ROLE_USER'): Promise<string> {
  return new SignJWT({ sub, role })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

async function standard(t: any) {
  const lines: any[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ base: undefined }, sink);
  const metrics = createMetrics();
  const clock = { ms: 0 };
  const serverLogged: unknown[] = [];
  const crash = standIn('test.Crash', ['Boom']);
  crash.implementation.Boom = async () => {
    throw new Error('secret internals');
  };
  const served = await serveEcho(
    t,
    standardInterceptors({
      logger,
      metrics,
      auth: {
        secret: SECRET,
        roles: new Map([...ROLE_TABLE, [UNARY, ['ROLE_USER']], [BOOM, ['ROLE_USER']]]),
      },
      rateLimit: { perSecond: 2, now: () => clock.ms },
    }),
    { standIns: [crash], server: { logger: { error: (e: unknown) => serverLogged.push(e) } } },
  );
  return { ...served, lines, metrics, serverLogged };
}

const handled = async (metrics: ReturnType<typeof createMetrics>, code: string) => {
  const text = await metrics.registry.metrics();
  const match = new RegExp(
    `grpc_server_handled_total\\{[^}]*grpc_code="${code}"[^}]*\\} (\\d+)`,
  ).exec(text);
  return match === null ? 0 : Number(match[1]);
};

t.test(
  'a call without a token: UNAUTHENTICATED, with a request id, logged and counted',
  async (t) => {
    const { generic, lines, metrics } = await standard(t);
    const metadata = new grpc.Metadata();
    metadata.set('x-request-id', 'no-token-1');
    const { error } = await callPath(generic, UNARY, {}, metadata);
    t.equal(error?.code, grpc.status.UNAUTHENTICATED);
    t.same(
      error?.metadata.get('x-request-id'),
      ['no-token-1'],
      'the id is in the Trailers-Only answer',
    );
    t.equal(lines.length, 1);
    t.match(lines[0], { code: 'UNAUTHENTICATED', request_id: 'no-token-1', method: UNARY });
    t.equal(await handled(metrics, 'Unauthenticated'), 1, 'metrics sit outside auth');
  },
);

t.test('auth runs before the rate limit, which keys on the verified sub', async (t) => {
  const { generic, lines, metrics } = await standard(t);
  const alice = bearer(`Bearer ${await tokenFor('alice')}`);
  const codes = [];
  for (let i = 0; i < 3; i++)
    codes.push((await callPath(generic, UNARY, {}, alice)).error?.code ?? 0);
  t.same(codes, [0, 0, grpc.status.RESOURCE_EXHAUSTED]);
  const bob = await callPath(
    generic,
    UNARY,
    { message: 'b' },
    bearer(`Bearer ${await tokenFor('bob')}`),
  );
  t.equal(bob.response?.message, 'b', 'another sub, another bucket');
  for (let i = 0; i < 5; i++) {
    const refused = await callPath(generic, UNARY, {}, bearer('Bearer forged'));
    t.equal(refused.error?.code, grpc.status.UNAUTHENTICATED, 'bad tokens never reach the limiter');
  }
  t.equal(await handled(metrics, 'ResourceExhausted'), 1);
  t.same(
    lines.map((line) => line.code),
    ['OK', 'OK', 'RESOURCE_EXHAUSTED', 'OK', ...Array(5).fill('UNAUTHENTICATED')],
  );
});

t.test(
  'an unexpected exception: INTERNAL to the client, logged by recovery and by logging',
  async (t) => {
    const { generic, lines, metrics, serverLogged } = await standard(t);
    const metadata = bearer(`Bearer ${await tokenFor('carol')}`);
    metadata.set('x-request-id', 'crash-1');
    const { error } = await callPath(generic, BOOM, {}, metadata);
    t.equal(error?.code, grpc.status.INTERNAL);
    t.equal(error?.details, 'internal error');
    t.equal(lines.length, 2);
    t.match(lines[0], {
      level: 50,
      request_id: 'crash-1',
      method: BOOM,
      err: { message: 'secret internals' },
    });
    t.match(lines[1], {
      msg: 'call finished',
      code: 'INTERNAL',
      error: 'internal error',
      request_id: 'crash-1',
    });
    t.equal(serverLogged.length, 0, "the server's fallback logger had nothing left to do");
    t.equal(await handled(metrics, 'Internal'), 1);
  },
);

t.test('the chain holds only what was asked for', async (t) => {
  const logger = pino({ enabled: false });
  t.equal(standardInterceptors({ logger }).length, 4, 'request id, logging, recovery, tracing');
  t.equal(
    standardInterceptors({
      logger,
      metrics: createMetrics(),
      auth: { secret: 'x' },
      rateLimit: { perSecond: 1 },
    }).length,
    7,
  );
});
