// Recovery: handler, stream and interceptor exceptions become INTERNAL for the client, logged.

import t from 'tap';
import type { ServerInterceptor } from '../../../src/server/interceptor.js';
import { recoveryInterceptor } from '../../../src/services/interceptors/recovery.js';
import { requestIdInterceptor } from '../../../src/services/interceptors/request-id.js';
import { GrpcError } from '../../../src/transport/grpc-error.js';
import { Status } from '../../../src/transport/status.js';
import { callPath, grpc, serveEcho } from './interceptor-helpers.js';

const UNARY = '/handwire.test.Echo/Unary';

function recordingLogger() {
  const entries: Array<{ fields: any; message: string }> = [];
  return {
    entries,
    logger: { error: (fields: object, message: string) => entries.push({ fields, message }) },
  };
}

/** A server whose calls go through recovery, then `inner`; the server's own logger is watched. */
async function recovered(t: any, inner: ServerInterceptor[]) {
  const recovery = recordingLogger();
  const serverLog = recordingLogger();
  const served = await serveEcho(
    t,
    [requestIdInterceptor(), recoveryInterceptor(recovery.logger), ...inner],
    {
      server: { logger: serverLog.logger },
    },
  );
  return { ...served, logged: recovery.entries, serverLogged: serverLog.entries };
}

const replaceHandler =
  (handler: () => unknown): ServerInterceptor =>
  () =>
  async () =>
    handler();

t.test('a thrown Error becomes INTERNAL "internal error"; the real one is logged', async (t) => {
  const { generic, logged, serverLogged } = await recovered(t, [
    replaceHandler(() => {
      throw new Error('the database password is hunter2');
    }),
  ]);
  const metadata = new grpc.Metadata();
  metadata.set('x-request-id', 'r-1');
  const { error } = await callPath(generic, UNARY, {}, metadata);
  t.equal(error?.code, grpc.status.INTERNAL);
  t.equal(error?.details, 'internal error');
  t.equal(logged.length, 1);
  t.match(logged[0]!.fields.err.message, /hunter2/);
  t.match(logged[0]!.fields, { method: UNARY, request_id: 'r-1' });
  t.match(logged[0]!.fields.peer, /^127\.0\.0\.1:/);
  t.equal(serverLogged.length, 0, 'logged once, by recovery, not again by the server');
});

t.test('a thrown non-Error (a string, undefined) is INTERNAL too', async (t) => {
  const thrown: unknown[] = ['a string', undefined, { not: 'an error' }];
  let next = 0;
  const { generic, logged } = await recovered(t, [
    replaceHandler(() => {
      throw thrown[next++];
    }),
  ]);
  for (let i = 0; i < thrown.length; i++) {
    const { error } = await callPath(generic, UNARY, {});
    t.equal(error?.code, grpc.status.INTERNAL);
    t.equal(error?.details, 'internal error');
  }
  t.equal(logged.length, 3);
});

t.test('a GrpcError passes unchanged and is not logged', async (t) => {
  const { generic, logged } = await recovered(t, []);
  const { error } = await callPath(generic, UNARY, { message: 'x', failCode: Status.NOT_FOUND });
  t.equal(error?.code, grpc.status.NOT_FOUND);
  t.equal(error?.details, 'failed as asked: x');
  t.equal(logged.length, 0);
});

t.test('a synchronous throw in an interceptor inside recovery is recovered', async (t) => {
  const broken: ServerInterceptor = (next) => (call) => {
    if ((call.request as { message: string }).message === 'break') {
      throw new TypeError('cannot read properties of undefined');
    }
    return next(call);
  };
  const { generic, logged } = await recovered(t, [broken]);
  const { error } = await callPath(generic, UNARY, { message: 'break' });
  t.equal(error?.code, grpc.status.INTERNAL);
  t.equal(error?.details, 'internal error');
  t.equal(logged.length, 1);
  t.equal(logged[0]!.fields.err.name, 'TypeError');
  const after = await callPath(generic, UNARY, { message: 'still here' });
  t.equal(after.response?.message, 'still here', 'the server goes on');
});

t.test('a stream that throws mid-way: the messages before it arrive, then INTERNAL', async (t) => {
  const { client, logged } = await recovered(t, [
    replaceHandler(() =>
      (async function* () {
        yield { message: 'one', index: 0, payload: new Uint8Array(0) };
        throw new RangeError('index out of range');
      })(),
    ),
  ]);
  const call = client.ServerStream({ count: 5 });
  const received: string[] = [];
  const error = await (async () => {
    try {
      for await (const response of call) received.push(response.message);
    } catch (e) {
      return e as grpc.ServiceError;
    }
  })();
  t.same(received, ['one']);
  t.equal(error?.code, grpc.status.INTERNAL);
  t.equal(error?.details, 'internal error');
  t.equal(logged.length, 1);
  t.match(logged[0]!.fields.err.message, 'index out of range');
});

t.test('a cancelled call is not an error to log', async (t) => {
  const { client, logged } = await recovered(t, []);
  const call = client.ServerStream({ count: 100, delayMs: 20 });
  call.on('error', () => {});
  await new Promise<void>((resolve) => call.once('data', () => resolve()));
  call.cancel();
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.equal(logged.length, 0, 'the AbortError of a cancelled handler stays CANCELLED, unlogged');
});

t.test('an interceptor outside recovery sees the GrpcError it made', async (t) => {
  const seen: unknown[] = [];
  const outer: ServerInterceptor = (next) => async (call) => {
    try {
      return await next(call);
    } catch (error) {
      seen.push(error);
      throw error;
    }
  };
  const recovery = recordingLogger();
  const { generic } = await serveEcho(t, [
    outer,
    recoveryInterceptor(recovery.logger),
    replaceHandler(() => {
      throw new Error('bug');
    }),
  ]);
  await callPath(generic, UNARY, {});
  t.equal(seen.length, 1);
  t.ok(seen[0] instanceof GrpcError);
  t.equal((seen[0] as GrpcError).code, Status.INTERNAL);
  t.equal(((seen[0] as GrpcError).cause as Error).message, 'bug', 'the cause is kept');
});
