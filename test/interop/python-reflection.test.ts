// Server reflection against Python grpcio (Debian python3-grpcio and python3-protobuf, a client
// nobody here wrote): list services, fetch the file of user.UserService.GetUser, build the call
// from the returned FileDescriptorProtos alone and make it — what ghz does without --proto
// (grpc doc/server-reflection.md).

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import { addHealthService } from '../../src/services/health/health-service.js';
import { OfferServiceDefinition } from '../../src/services/offers/offer-service-definition.js';
import { addReflectionService } from '../../src/services/reflection/reflection-service.js';
import { Status } from '../../src/transport/status.js';
import {
  offerStubImplementation,
  UserServiceStub,
  userStubImplementation,
} from '../services/contract-stubs.js';

const run = promisify(execFile);
// Debian installs grpcio for the system interpreter; a python3 earlier on PATH may not see it.
const PYTHON = '/usr/bin/python3';
// The repository's copy of grpc's reflection.proto, which the Python client is generated from
// (the same file Debian's grpc-proto package ships, which CI does not install).
const GRPC_PROTO_REFLECTION = fileURLToPath(
  new URL('../../proto/grpc/reflection/v1/', import.meta.url),
);
const script = fileURLToPath(new URL('python_reflection_client.py', import.meta.url));

t.test('Python grpcio builds a working call from reflection alone', async (t) => {
  const stubs = mkdtempSync(join(tmpdir(), 'handwire-py-reflection-'));
  t.teardown(() => rmSync(stubs, { recursive: true, force: true }));
  // Python's grpc_reflection module is not packaged in Debian: generate the stubs instead.
  await run(
    PYTHON,
    [
      '-m',
      'grpc_tools.protoc',
      `-I${GRPC_PROTO_REFLECTION}`,
      `--python_out=${stubs}`,
      `--grpc_python_out=${stubs}`,
      'reflection.proto',
    ],
    { timeout: 30_000 },
  );

  const server = new Server();
  server.addService(UserServiceStub, userStubImplementation);
  server.addService(OfferServiceDefinition, offerStubImplementation);
  addHealthService(server);
  addReflectionService(server);
  const { address } = await server.listen();
  t.teardown(() => server.forceClose());

  const { stdout } = await run(PYTHON, [script, address], {
    env: { ...process.env, PYTHONPATH: stubs },
    timeout: 60_000,
  });
  const results = JSON.parse(stdout);

  t.same(results.services, [
    'user.UserService',
    'offers.v1.OfferService',
    'grpc.health.v1.Health',
    'grpc.reflection.v1.ServerReflection',
    'grpc.reflection.v1alpha.ServerReflection',
  ]);
  t.same(results.echo, ['py', 'user.UserService.GetUser'], 'host and request echoed');
  t.same(results.files, ['user.proto']);
  t.same(results.method, ['user.GetUserRequest', 'user.User']);
  // The user our codecs wrote, read by Python through classes made from our descriptors.
  t.same(results.user, {
    id: '42',
    username: 'ada',
    email: 'ada@example.com',
    full_name: 'Ada Lovelace',
    role: 'ROLE_ADMIN',
    created_at: '1700000000000',
    updated_at: '1700000000123',
  });
  t.same(results.missing, ['NOT_FOUND', 'user "7" not found']);
  // [client_streaming, server_streaming] as Python's MethodDescriptor reads them.
  t.same(results.streaming, {
    CreateUser: [false, false],
    GetUser: [false, false],
    ListUsers: [false, true],
    BatchCreateUsers: [true, false],
    StreamUserUpdates: [true, true],
    DeleteUser: [false, false],
  });
  t.same(results.health, { status: 'SERVING' });
  t.same(results.in_order, ['error_response', 'file_descriptor_response']);
  t.same(results.error, [
    Status.NOT_FOUND,
    'symbol "user.Nope" is not declared in any file served',
  ]);
});
