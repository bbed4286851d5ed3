import type { IncomingHttpHeaders } from 'node:http2';
import t from 'tap';
import { encodeBase64 } from '../../src/transport/base64.js';
import { GrpcError, packDetail } from '../../src/transport/grpc-error.js';
import { Metadata } from '../../src/transport/metadata.js';
import { readStatus, statusTrailers, trailersOnlyHeaders } from '../../src/transport/responses.js';
import { Status } from '../../src/transport/status.js';
import { decodeStatusDetails, encodeStatusDetails } from '../../src/transport/status-details.js';
import { RetryInfoCodec } from '../../src/wire/messages/google-rpc.js';

const retry = packDetail(RetryInfoCodec, { retryDelay: { seconds: 1, nanos: 0 } });

t.test('statusTrailers', async (t) => {
  t.same(
    statusTrailers({ code: Status.OK, message: '' }),
    { 'grpc-status': '0' },
    'OK: the status alone',
  );
  t.same(statusTrailers({ code: Status.NOT_FOUND, message: 'user 42 not found' }), {
    'grpc-status': '5',
    'grpc-message': 'user 42 not found',
  });
  t.same(
    statusTrailers({ code: Status.INVALID_ARGUMENT, message: 'café 100%', details: [] }),
    {
      'grpc-status': '3',
      'grpc-message': 'caf%C3%A9 100%25',
    },
    'the message is percent-encoded; empty details send no grpc-status-details-bin',
  );

  const error = new GrpcError(Status.UNAVAILABLE, 'later', {
    details: [retry],
    metadata: new Metadata().add('x-request-id', 'r1').add('x-bin', Buffer.from([1])),
  });
  const trailers = statusTrailers(error);
  t.same(Object.keys(trailers), [
    'grpc-status',
    'grpc-message',
    'grpc-status-details-bin',
    'x-request-id',
    'x-bin',
  ]);
  t.equal(trailers['x-request-id'], 'r1');
  t.equal(trailers['x-bin'], 'AQ');
  t.same(
    decodeStatusDetails(trailers['grpc-status-details-bin'] as string),
    { code: Status.UNAVAILABLE, message: 'later', details: [retry] },
    'the details repeat the code and message',
  );
  t.notOk((trailers['grpc-status-details-bin'] as string).includes('='), 'unpadded');
});

t.test('trailersOnlyHeaders', async (t) => {
  t.same(trailersOnlyHeaders({ code: Status.UNIMPLEMENTED, message: 'no such method' }), {
    ':status': 200,
    'content-type': 'application/grpc',
    'grpc-status': '12',
    'grpc-message': 'no such method',
  });
  t.same(trailersOnlyHeaders({ code: 0, message: '' }, 'application/grpc+proto'), {
    ':status': 200,
    'content-type': 'application/grpc+proto',
    'grpc-status': '0',
  });
});

t.test('readStatus reads what statusTrailers writes', async (t) => {
  const error = new GrpcError(Status.RESOURCE_EXHAUSTED, 'slow down ☃', {
    details: [retry],
    metadata: new Metadata().add('x-a', '1').add('x-bin', Buffer.from([9])),
  });
  const status = readStatus(statusTrailers(error) as IncomingHttpHeaders);
  t.equal(status.code, Status.RESOURCE_EXHAUSTED);
  t.equal(status.message, 'slow down ☃');
  t.same(status.details, [retry]);
  t.same([...status.metadata.keys()], ['x-a', 'x-bin'], 'only custom metadata');
  t.same([...status.metadata.get('x-bin')!], [9]);
});

t.test('readStatus never throws: every problem becomes the status', async (t) => {
  const details = (code: number, message = '') =>
    encodeStatusDetails({ code, message, details: [retry] });
  const padded = (text: string) => text + '='.repeat((4 - (text.length % 4)) % 4);
  t.not(padded(details(8)), details(8), 'the padded case really has padding');
  const cases: [string, IncomingHttpHeaders, number, string, number][] = [
    ['OK', { 'grpc-status': '0' }, Status.OK, '', 0],
    [
      'a message',
      { 'grpc-status': '5', 'grpc-message': 'not%20found' },
      Status.NOT_FOUND,
      'not found',
      0,
    ],
    [
      'grpc-status as an array',
      { 'grpc-status': ['7', '8'] } as unknown as IncomingHttpHeaders,
      Status.PERMISSION_DENIED,
      '',
      0,
    ],
    ['no grpc-status', {}, Status.UNKNOWN, 'the response ended without a grpc-status', 0],
    [
      'no grpc-status, HTTP 200',
      { ':status': '200' },
      Status.UNKNOWN,
      'the response ended without a grpc-status',
      0,
    ],
    [
      'no grpc-status, a message',
      { 'grpc-message': 'hi' },
      Status.UNKNOWN,
      'the response ended without a grpc-status: hi',
      0,
    ],
    [
      'no grpc-status, HTTP 503',
      { ':status': 503 } as unknown as IncomingHttpHeaders,
      Status.UNAVAILABLE,
      'the server answered HTTP 503 (Service Unavailable) without a grpc-status',
      0,
    ],
    [
      'no grpc-status, HTTP 404',
      { ':status': '404' },
      Status.UNIMPLEMENTED,
      'the server answered HTTP 404 (Not Found) without a grpc-status',
      0,
    ],
    [
      'no grpc-status, an unknown HTTP status',
      { ':status': '599' },
      Status.UNKNOWN,
      'the server answered HTTP 599 (unknown) without a grpc-status',
      0,
    ],
    [
      'grpc-status wins over the HTTP status',
      { ':status': '503', 'grpc-status': '5' },
      Status.NOT_FOUND,
      '',
      0,
    ],
    [
      'malformed grpc-status',
      { 'grpc-status': 'abc' },
      Status.UNKNOWN,
      'grpc-status "abc" is malformed',
      0,
    ],
    [
      'malformed grpc-status with a message',
      { 'grpc-status': '', 'grpc-message': 'm' },
      Status.UNKNOWN,
      'grpc-status "" is malformed: m',
      0,
    ],
    [
      'grpc-status out of range',
      { 'grpc-status': '42' },
      Status.UNKNOWN,
      'grpc-status 42 is not a gRPC status code',
      0,
    ],
    [
      'grpc-status with a leading zero, as grpc-go reads it',
      { 'grpc-status': '05' },
      Status.NOT_FOUND,
      '',
      0,
    ],
    [
      'details',
      { 'grpc-status': '8', 'grpc-message': 'm', 'grpc-status-details-bin': details(8, 'm') },
      Status.RESOURCE_EXHAUSTED,
      'm',
      1,
    ],
    [
      'details, padded',
      { 'grpc-status': '8', 'grpc-status-details-bin': padded(details(8)) },
      Status.RESOURCE_EXHAUSTED,
      '',
      1,
    ],
    [
      "details whose message differs: the details' message is used, as grpc-go",
      {
        'grpc-status': '8',
        'grpc-message': 'header',
        'grpc-status-details-bin': details(8, 'proto'),
      },
      Status.RESOURCE_EXHAUSTED,
      'proto',
      1,
    ],
    [
      'details that are not base64: ignored',
      { 'grpc-status': '8', 'grpc-message': 'm', 'grpc-status-details-bin': '!!!' },
      Status.RESOURCE_EXHAUSTED,
      'm',
      0,
    ],
    [
      'details that are not a google.rpc.Status: ignored',
      {
        'grpc-status': '8',
        'grpc-message': 'm',
        'grpc-status-details-bin': encodeBase64(Buffer.from([0x12, 0x09])),
      },
      Status.RESOURCE_EXHAUSTED,
      'm',
      0,
    ],
    [
      'two details headers joined by node: ignored (as grpc-go ignores more than one)',
      { 'grpc-status': '8', 'grpc-status-details-bin': `${details(8)}, ${details(8)}` },
      Status.RESOURCE_EXHAUSTED,
      '',
      0,
    ],
    [
      'details whose code differs: INTERNAL, as grpc-go',
      { 'grpc-status': '8', 'grpc-message': 'm', 'grpc-status-details-bin': details(3, 'x') },
      Status.INTERNAL,
      'grpc-status-details-bin mismatch: grpc-status is 8 but the details say 3 ("x"); grpc-message: "m"',
      0,
    ],
    [
      'a custom -bin trailer that is not base64: INTERNAL, as grpc-go',
      { 'grpc-status': '0', 'x-bin': '!' },
      Status.INTERNAL,
      'binary metadata "x-bin" is not valid base64',
      0,
    ],
  ];
  for (const [what, trailers, code, message, detailCount] of cases) {
    const status = readStatus(trailers);
    t.equal(status.code, code, `${what}: code`);
    t.equal(status.message, message, `${what}: message`);
    t.equal(status.details.length, detailCount, `${what}: details`);
  }
});

t.test('readStatus keeps the metadata', async (t) => {
  const status = readStatus({ 'grpc-status': 'x', 'x-request-id': 'r', 'grpc-message': 'm' });
  t.equal(status.metadata.get('x-request-id'), 'r');
  t.equal(readStatus({ 'x-request-id': 'r' }).metadata.get('x-request-id'), 'r');
});
