// Every name the README documents, imported from the packed package by name: a name that is no
// longer exported fails this file when it loads ("does not provide an export named …"). The
// types behind them are checked by the TypeScript examples (tap, vitest).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Channel,
  createChannel,
  createClient,
  decodeMessage,
  encodeMessage,
  findDetail,
  GrpcError,
  Metadata,
  method,
  packDetail,
  Reader,
  Server,
  Status,
  startKafkaBroker,
  statusName,
  unpackDetail,
  WireError,
  WireType,
  Writer,
} from 'handwire';
import {
  DEFAULT_CONVERSION,
  loadProto,
  protobufjsCodec,
  protobufjsService,
} from 'handwire/protobufjs';
import {
  addHealthService,
  addReflectionService,
  authInterceptor,
  createMetrics,
  createStderrLogger,
  DescriptorPool,
  HealthService,
  HealthServiceDefinition,
  loggingInterceptor,
  ReflectionService,
  ReflectionV1Definition,
  rateLimitInterceptor,
  recoveryInterceptor,
  rejectedCallRecorder,
  requestIdInterceptor,
  ServingStatus,
  standardInterceptors,
  startMetricsServer,
  tracingInterceptor,
} from 'handwire/services';
import {
  AnyCodec,
  BadRequestCodec,
  bytesSize,
  DurationCodec,
  ErrorInfoCodec,
  emptyMessageCodec,
  FieldViolationCodec,
  int32Size,
  int64Size,
  LocalizedMessageCodec,
  messageFieldSize,
  RetryInfoCodec,
  RpcStatusCodec,
  readMessageField,
  sint32Size,
  sint64Size,
  stringSize,
  tagSize,
  uint64Size,
  varint32Size,
  writeMessageField,
} from 'handwire/wire';

test('every documented name is exported', () => {
  const names = {
    ...{ Channel, createChannel, createClient, decodeMessage, encodeMessage, findDetail },
    ...{ GrpcError, Metadata, method, packDetail, Reader, Server, Status, startKafkaBroker },
    ...{ statusName, unpackDetail, WireError, WireType, Writer },
    ...{ DEFAULT_CONVERSION, loadProto, protobufjsCodec, protobufjsService },
    ...{ addHealthService, addReflectionService, authInterceptor, createMetrics },
    ...{ createStderrLogger, DescriptorPool, HealthService, HealthServiceDefinition },
    ...{ loggingInterceptor, rateLimitInterceptor, recoveryInterceptor, ReflectionService },
    ...{ ReflectionV1Definition, rejectedCallRecorder, requestIdInterceptor, ServingStatus },
    ...{ standardInterceptors, startMetricsServer, tracingInterceptor },
    ...{ AnyCodec, BadRequestCodec, bytesSize, DurationCodec, ErrorInfoCodec, emptyMessageCodec },
    ...{ FieldViolationCodec, int32Size, int64Size, LocalizedMessageCodec, messageFieldSize },
    ...{ RetryInfoCodec, RpcStatusCodec, readMessageField, sint32Size, sint64Size, stringSize },
    ...{ tagSize, uint64Size, varint32Size, writeMessageField },
  };
  for (const [name, value] of Object.entries(names)) assert.ok(value !== undefined, name);
  assert.equal(stringSize('é'), 3);
});

test('health and reflection serve from the packed package (its proto/ is shipped)', async (t) => {
  const server = new Server();
  const health = addHealthService(server);
  const reflection = addReflectionService(server);
  const { address } = await server.listen({ inMemory: true });
  const channel = createChannel(address);
  t.after(() => Promise.all([channel.close(), server.forceClose()]));

  const client = createClient(HealthServiceDefinition, channel);
  assert.deepEqual(await client.Check({ service: '' }), { status: ServingStatus.SERVING });
  health.setStatus('', ServingStatus.NOT_SERVING);
  assert.equal((await client.Check({ service: '' })).status, ServingStatus.NOT_SERVING);
  assert.ok(reflection.pool.fileContainingSymbol('grpc.health.v1.Health'));
});
