import t from 'tap';
import {
  GRPC_CONTENT_TYPE,
  isGrpcContentType,
  isReservedHeader,
  parseGrpcContentType,
} from '../../src/transport/headers.js';

t.test('parseGrpcContentType', async (t) => {
  const cases: [string | undefined, string | null][] = [
    ['application/grpc', 'proto'],
    ['application/grpc+proto', 'proto'],
    ['application/grpc+json', 'json'],
    ['application/grpc+thrift', 'thrift'],
    ['application/grpc;charset=utf-8', 'proto'],
    ['application/grpc+proto; charset=utf-8', 'proto'],
    ['application/grpc+json;x=y', 'json'],
    ['Application/GRPC+Proto', 'proto'],
    [' application/grpc ', 'proto'],
    ['application/grpc+', 'proto'],
    ['application/grpc-web', null],
    ['application/grpc-web+proto', null],
    ['application/grpcx', null],
    ['application/json', null],
    ['text/plain', null],
    ['', null],
    [undefined, null],
  ];
  for (const [value, subtype] of cases) {
    t.same(
      parseGrpcContentType(value),
      subtype === null ? null : { subtype },
      JSON.stringify(value),
    );
    t.equal(
      isGrpcContentType(value),
      subtype !== null,
      `isGrpcContentType ${JSON.stringify(value)}`,
    );
  }
  t.equal(GRPC_CONTENT_TYPE, 'application/grpc');
});

t.test('isReservedHeader', async (t) => {
  const reserved = [
    ':path',
    ':authority',
    'content-type',
    'te',
    'grpc-timeout',
    'grpc-encoding',
    'grpc-accept-encoding',
    'grpc-status',
    'grpc-message',
    'grpc-status-details-bin',
    'grpc-message-type',
    'grpc-future-thing',
    'connection',
    'content-length',
    'host',
    'keep-alive',
    'proxy-connection',
    'transfer-encoding',
    'upgrade',
    'http2-settings',
  ];
  const metadata = [
    'user-agent',
    'authorization',
    'x-request-id',
    'trace-proto-bin',
    'grpc-retry-pushback-ms',
    'grpc-previous-rpc-attempts',
    'grpc-trace-bin',
    'grpc-tags-bin',
    'grpcfoo',
  ];
  for (const name of reserved) t.ok(isReservedHeader(name), `${name} is reserved`);
  for (const name of metadata) t.notOk(isReservedHeader(name), `${name} is metadata`);
});
