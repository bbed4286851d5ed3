// ServerCallContext.metadataText: one text key read straight from the request headers must give
// what `metadata.get` gives (grpc PROTOCOL-HTTP2.md Custom-Metadata), without building the rest.

import type { IncomingHttpHeaders } from 'node:http2';
import t from 'tap';
import { ServerCallContext } from '../../src/server/call-context.js';
import { method } from '../../src/transport/service-definition.js';
import { GetUserRequestCodec, UserCodec } from '../../src/wire/messages/user.js';

const GET_USER = method('user.UserService', 'GetUser', 'unary', GetUserRequestCodec, UserCodec);

function contextFor(headers: IncomingHttpHeaders): ServerCallContext {
  const control = {
    headersSent: false,
    sendHeaders() {},
    headerMetadata: undefined,
    trailerMetadata: undefined,
  };
  return new ServerCallContext(GET_USER, headers, '127.0.0.1:1', undefined, 'identity', control);
}

const BASE = { ':path': GET_USER.path, 'content-type': 'application/grpc', te: 'trailers' };

t.test('gives what metadata.get gives, before and after metadata is built', async (t) => {
  const cases: [string, IncomingHttpHeaders, string][] = [
    ['a plain value', { ...BASE, 'x-request-id': 'abc-123' }, 'x-request-id'],
    ['no such header', BASE, 'x-request-id'],
    ['a value with a comma stays whole', { ...BASE, 'x-trace': 'a, b' }, 'x-trace'],
    ['non-ASCII is dropped', { ...BASE, 'x-request-id': 'é' }, 'x-request-id'],
    ['the first valid of several', { ...BASE, 'x-list': ['é', 'ok', 'no'] } as never, 'x-list'],
    ['a reserved header is not metadata', BASE, 'content-type'],
    ['a pseudo-header is not metadata', BASE, ':path'],
  ];
  for (const [name, headers, key] of cases) {
    const expected = contextFor(headers).metadata.get(key);
    t.equal(contextFor(headers).metadataText(key), expected, `${name}, from the headers`);
    const built = contextFor(headers);
    void built.metadata;
    t.equal(built.metadataText(key), expected, `${name}, from the built metadata`);
  }
});

t.test('a -bin key is not text; another key’s malformed -bin value does not throw', async (t) => {
  const headers = { ...BASE, 'x-data-bin': '!!!not base64', 'x-request-id': 'r1' };
  const context = contextFor(headers);
  t.equal(context.metadataText('x-data-bin'), undefined);
  t.equal(context.metadataText('x-request-id'), 'r1');
  t.throws(() => context.metadata, /not valid base64/);
});
