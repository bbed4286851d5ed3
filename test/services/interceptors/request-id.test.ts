// x-request-id (docs/contract.md §1): in the response headers, Trailers-Only included, and requestIdOf.

import t from 'tap';
import type { ServerInterceptor } from '../../../src/server/interceptor.js';
import {
  REQUEST_ID_KEY,
  requestIdInterceptor,
  requestIdOf,
} from '../../../src/services/interceptors/request-id.js';
import { encodeMessage } from '../../../src/wire/codec.js';
import { EchoRequestCodec } from '../../fixtures/echo-codecs.js';
import { frame, rawRequest } from '../../helpers/raw-http2.js';
import { callPath, grpc, serveEcho } from './interceptor-helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UNARY = '/handwire.test.Echo/Unary';

function echoRequestFrame(fields: Partial<Parameters<typeof EchoRequestCodec.write>[0]>): Buffer {
  return frame(encodeMessage(EchoRequestCodec, { ...EchoRequestCodec.create(), ...fields }));
}

t.test('a call without x-request-id gets a generated UUID in its response headers', async (t) => {
  const { generic } = await serveEcho(t, [requestIdInterceptor()]);
  const first = await callPath(generic, UNARY, { message: 'a' });
  const second = await callPath(generic, UNARY, { message: 'b' });
  const id = first.headers?.get(REQUEST_ID_KEY)[0];
  t.match(id, UUID);
  t.not(second.headers?.get(REQUEST_ID_KEY)[0], id, 'each call gets its own id');
});

t.test("the client's x-request-id is echoed unchanged", async (t) => {
  const { generic } = await serveEcho(t, [requestIdInterceptor()]);
  const metadata = new grpc.Metadata();
  metadata.set(REQUEST_ID_KEY, 'req-42.abc');
  const outcome = await callPath(generic, UNARY, { message: 'a' }, metadata);
  t.same(outcome.headers?.get(REQUEST_ID_KEY), ['req-42.abc']);
});

t.test('an id longer than 128 characters is replaced by a generated one', async (t) => {
  const { generic } = await serveEcho(t, [requestIdInterceptor()]);
  const metadata = new grpc.Metadata();
  metadata.set(REQUEST_ID_KEY, 'x'.repeat(129));
  const outcome = await callPath(generic, UNARY, {}, metadata);
  t.match(outcome.headers?.get(REQUEST_ID_KEY)[0], UUID);
  const exact = new grpc.Metadata();
  exact.set(REQUEST_ID_KEY, 'y'.repeat(128));
  t.same((await callPath(generic, UNARY, {}, exact)).headers?.get(REQUEST_ID_KEY), [
    'y'.repeat(128),
  ]);
});

t.test('a Trailers-Only error response carries the id with its status', async (t) => {
  const { address } = await serveEcho(t, [requestIdInterceptor()]);
  const response = await rawRequest(address, {
    path: UNARY,
    headers: { [REQUEST_ID_KEY]: 'trace-me' },
    body: [echoRequestFrame({ message: 'x', failCode: 5 })],
  });
  t.equal(response.trailers, undefined, 'no separate trailers: Trailers-Only');
  t.equal(response.headers['grpc-status'], '5');
  t.equal(response.headers[REQUEST_ID_KEY], 'trace-me');
  t.equal(response.body.length, 0);
});

t.test('a generated id reaches a Trailers-Only response too, and grpc-js sees it', async (t) => {
  const { address, generic } = await serveEcho(t, [requestIdInterceptor()]);
  const raw = await rawRequest(address, {
    path: UNARY,
    body: [echoRequestFrame({ failCode: 9 })],
  });
  t.equal(raw.headers['grpc-status'], '9');
  t.match(raw.headers[REQUEST_ID_KEY], UUID);
  const outcome = await callPath(generic, UNARY, { failCode: 9 });
  t.equal(outcome.error?.code, grpc.status.FAILED_PRECONDITION);
  t.match(outcome.error?.metadata.get(REQUEST_ID_KEY)[0], UUID);
});

t.test('a stream that fails after a message has the id in its headers', async (t) => {
  const { address } = await serveEcho(t, [requestIdInterceptor()]);
  const response = await rawRequest(address, {
    path: '/handwire.test.Echo/ServerStream',
    headers: { [REQUEST_ID_KEY]: 'stream-1' },
    body: [echoRequestFrame({ message: 'x', count: 2, failCode: 13 })],
  });
  t.equal(response.headers[REQUEST_ID_KEY], 'stream-1');
  t.equal(response.trailers?.['grpc-status'], '13');
  t.ok(response.body.length > 0, 'the messages came before the failure');
});

t.test('later interceptors read the id with requestIdOf', async (t) => {
  const seen: Array<string | undefined> = [];
  const spy: ServerInterceptor = (next) => (call) => {
    seen.push(requestIdOf(call.context));
    return next(call);
  };
  const { generic } = await serveEcho(t, [requestIdInterceptor(), spy]);
  const metadata = new grpc.Metadata();
  metadata.set(REQUEST_ID_KEY, 'abc');
  await callPath(generic, UNARY, {}, metadata);
  t.same(seen, ['abc']);
});

t.test('without the interceptor requestIdOf is undefined', async (t) => {
  const seen: Array<string | undefined> = [];
  const spy: ServerInterceptor = (next) => (call) => {
    seen.push(requestIdOf(call.context));
    return next(call);
  };
  const { generic } = await serveEcho(t, [spy]);
  await callPath(generic, UNARY, {});
  t.same(seen, [undefined]);
});
