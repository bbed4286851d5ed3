import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import {
  CorruptCompressedMessageError,
  DecompressedTooLargeError,
  UnsupportedEncodingError,
} from '../../src/transport/compression.js';
import { findDetail, GrpcError, packDetail, unpackDetail } from '../../src/transport/grpc-error.js';
import { MalformedTimeoutError } from '../../src/transport/grpc-timeout.js';
import { MalformedMetadataError, Metadata } from '../../src/transport/metadata.js';
import { Status, type StatusCode } from '../../src/transport/status.js';
import { MessageTooLargeError } from '../../src/wire/framing.js';
import { DurationCodec } from '../../src/wire/messages/google-protobuf.js';
import { RetryInfoCodec, StatusCodec } from '../../src/wire/messages/google-rpc.js';
import { WireError } from '../../src/wire/wire-error.js';

t.test('a GrpcError carries code, message, details, metadata and cause', async (t) => {
  const cause = new Error('db down');
  const metadata = new Metadata().set('x-a', '1');
  const detail = packDetail(RetryInfoCodec, { retryDelay: { seconds: 1, nanos: 0 } });
  const error = new GrpcError(Status.UNAVAILABLE, 'try later', {
    details: [detail],
    metadata,
    cause,
  });
  t.type(error, Error);
  t.equal(error.name, 'GrpcError');
  t.equal(error.code, Status.UNAVAILABLE);
  t.equal(error.message, 'try later', 'the message is exactly what goes into grpc-message');
  t.same(error.details, [detail]);
  t.equal(error.metadata, metadata);
  t.equal(error.cause, cause);
  t.equal(error.toString(), 'GrpcError: UNAVAILABLE: try later');

  const plain = new GrpcError(Status.NOT_FOUND, 'no such user');
  t.same(plain.details, []);
  t.equal(plain.metadata.size, 0);
  t.notOk('cause' in plain, 'no cause unless one is given');
  t.throws(() => new GrpcError(17 as StatusCode, 'x'), {
    name: 'RangeError',
    message: '17 is not a gRPC status code: use one of Status.OK … Status.UNAUTHENTICATED',
  });
});

t.test('GrpcError.from', async (t) => {
  const grpc = new GrpcError(Status.NOT_FOUND, 'x');
  const controller = new AbortController();
  controller.abort();
  const timeoutSignal = AbortSignal.timeout(1);
  await sleep(10);
  // node's timers/promises rejects with an AbortError whose cause is the signal's reason.
  const withGrpcReason = new AbortController();
  const deadline = new GrpcError(Status.DEADLINE_EXCEEDED, 'deadline of 5 ms exceeded');
  withGrpcReason.abort(deadline);
  const nodeAbort = await sleep(1000, undefined, { signal: withGrpcReason.signal }).catch(
    (e: unknown) => e,
  );
  const nodeTimeout = await sleep(1000, undefined, { signal: timeoutSignal }).catch(
    (e: unknown) => e,
  );
  const nodePlainAbort = await sleep(1000, undefined, { signal: controller.signal }).catch(
    (e: unknown) => e,
  );

  const cases: [string, unknown, number, string][] = [
    [
      'AbortSignal.abort() reason',
      controller.signal.reason,
      Status.CANCELLED,
      'the call was cancelled',
    ],
    [
      'AbortSignal.timeout() reason',
      timeoutSignal.reason,
      Status.DEADLINE_EXCEEDED,
      'deadline exceeded',
    ],
    [
      'node AbortError around a TimeoutError',
      nodeTimeout,
      Status.DEADLINE_EXCEEDED,
      'deadline exceeded',
    ],
    [
      'node AbortError around an AbortError',
      nodePlainAbort,
      Status.CANCELLED,
      'the call was cancelled',
    ],
    [
      'node AbortError around a GrpcError',
      nodeAbort,
      Status.DEADLINE_EXCEEDED,
      'deadline of 5 ms exceeded',
    ],
    [
      'a DOMException AbortError',
      new DOMException('stop', 'AbortError'),
      Status.CANCELLED,
      'the call was cancelled',
    ],
    [
      'MessageTooLargeError',
      new MessageTooLargeError(5_000_000, 4_194_304, 0),
      Status.RESOURCE_EXHAUSTED,
      'a message of 5000000 bytes is larger than the limit of 4194304 bytes',
    ],
    [
      'DecompressedTooLargeError',
      new DecompressedTooLargeError('gzip', 100),
      Status.RESOURCE_EXHAUSTED,
      'a gzip-compressed message decompresses to more than the limit of 100 bytes',
    ],
    [
      'UnsupportedEncodingError',
      new UnsupportedEncodingError('snappy'),
      Status.UNIMPLEMENTED,
      'grpc-encoding "snappy" is not supported; supported encodings are identity, gzip, deflate',
    ],
    [
      'CorruptCompressedMessageError',
      new CorruptCompressedMessageError(
        'gzip',
        'a gzip-compressed message could not be decompressed: x',
      ),
      Status.INTERNAL,
      'a gzip-compressed message could not be decompressed: x',
    ],
    [
      'MalformedTimeoutError',
      new MalformedTimeoutError('1x', 'bad'),
      Status.INTERNAL,
      'grpc-timeout "1x" is malformed: bad',
    ],
    [
      'MalformedMetadataError',
      new MalformedMetadataError('a-bin'),
      Status.INTERNAL,
      'binary metadata "a-bin" is not valid base64',
    ],
    // Anything else: INTERNAL, and nothing of it in the message sent.
    ['a plain WireError', new WireError('truncated varint', 3), Status.INTERNAL, 'internal error'],
    ['an Error', new Error('password=hunter2'), Status.INTERNAL, 'internal error'],
    ['a TypeError', new TypeError('x is undefined'), Status.INTERNAL, 'internal error'],
    ['a string', 'oops', Status.INTERNAL, 'internal error'],
    ['undefined', undefined, Status.INTERNAL, 'internal error'],
    ['null', null, Status.INTERNAL, 'internal error'],
    ['an object', { code: 5, message: 'looks like a status' }, Status.INTERNAL, 'internal error'],
  ];
  for (const [what, thrown, code, message] of cases) {
    const error = GrpcError.from(thrown);
    t.type(error, GrpcError, what);
    t.equal(error.code, code, `${what}: code`);
    t.equal(error.message, message, `${what}: message`);
    if (
      !(thrown instanceof GrpcError) &&
      !((thrown as Error | undefined)?.cause instanceof GrpcError)
    ) {
      t.equal(error.cause, thrown, `${what}: the original is the cause`);
    }
  }
  t.equal(GrpcError.from(grpc), grpc, 'a GrpcError is returned as is');
  t.equal(GrpcError.from(nodeAbort), deadline, "an AbortError's GrpcError cause is returned as is");
});

t.test('GrpcError.fromWireError: a message that could not be decoded', async (t) => {
  const wire = new WireError('truncated varint', 7);
  const request = GrpcError.fromWireError(wire, 'request');
  t.equal(
    request.code,
    Status.INTERNAL,
    'statuscodes.md: "Error parsing request proto" is INTERNAL',
  );
  t.equal(request.message, 'the request message could not be decoded: truncated varint at byte 7');
  t.equal(request.cause, wire);
  const response = GrpcError.fromWireError(wire, 'response');
  t.equal(response.code, Status.INTERNAL);
  t.equal(
    response.message,
    'the response message could not be decoded: truncated varint at byte 7',
  );
  const tooLarge = GrpcError.fromWireError(new MessageTooLargeError(10, 5, 0), 'request');
  t.equal(tooLarge.code, Status.RESOURCE_EXHAUSTED);
  t.equal(tooLarge.message, 'the request message of 10 bytes is larger than the limit of 5 bytes');
});

t.test('packDetail, unpackDetail, findDetail', async (t) => {
  const retry = { retryDelay: { seconds: 2, nanos: 500 } };
  const any = packDetail(RetryInfoCodec, retry);
  t.equal(any.typeUrl, 'type.googleapis.com/google.rpc.RetryInfo');
  t.same(unpackDetail(any, RetryInfoCodec), retry);
  t.equal(unpackDetail(any, DurationCodec), undefined, 'another type is undefined');
  t.same(
    unpackDetail(
      { typeUrl: 'example.com/x/google.rpc.RetryInfo', value: any.value },
      RetryInfoCodec,
    ),
    retry,
    'only the last segment of the URL names the type',
  );
  t.same(
    unpackDetail({ typeUrl: 'google.rpc.RetryInfo', value: any.value }, RetryInfoCodec),
    retry,
    'a bare name',
  );
  t.equal(
    unpackDetail(
      { typeUrl: 'type.googleapis.com/google.rpc.RetryInfoX', value: any.value },
      RetryInfoCodec,
    ),
    undefined,
  );
  t.throws(
    () =>
      unpackDetail({ typeUrl: any.typeUrl, value: new Uint8Array([0x0a, 0x09]) }, RetryInfoCodec),
    WireError,
    'a matching type with corrupt bytes is a WireError',
  );

  const duration = packDetail(DurationCodec, { seconds: 1, nanos: 0 });
  const error = new GrpcError(Status.UNAVAILABLE, 'later', { details: [duration, any] });
  t.same(findDetail(error, RetryInfoCodec), retry);
  t.same(findDetail(error, DurationCodec), { seconds: 1, nanos: 0 });
  t.equal(findDetail(error, StatusCodec), undefined);
  t.equal(findDetail({ details: [] }, StatusCodec), undefined, 'works on any { details }');
});
