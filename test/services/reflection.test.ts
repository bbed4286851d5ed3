// grpc.reflection.v1 and v1alpha through a @grpc/grpc-js client whose messages protobufjs
// (de)serializes from proto/grpc/reflection/*/reflection.proto; the FileDescriptorProtos returned
// are decoded by @bufbuild/protobuf (grpc doc/server-reflection.md; descriptor.proto).

import { fileURLToPath } from 'node:url';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import {
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  type MethodDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import t, { type Test } from 'tap';
import { Server } from '../../src/server/server.js';
import { addHealthService } from '../../src/services/health/health-service.js';
import { OfferServiceDefinition } from '../../src/services/offers/offer-service-definition.js';
import { addContractReflection } from '../../src/services/reflection/contract-reflection.js';
import { DescriptorPool } from '../../src/services/reflection/descriptor-pool.js';
import {
  addReflectionService,
  HANDWIRE_PROTO_ROOT,
  ReflectionService,
  ReflectionV1AlphaDefinition,
  SERVED_PROTO_FILES,
} from '../../src/services/reflection/reflection-service.js';
import { Status } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import {
  offerStubImplementation,
  UserServiceStub,
  userStubImplementation,
} from './contract-stubs.js';
import { readStream, within } from './grpc-js-streams.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const VERSIONS = ['grpc.reflection.v1', 'grpc.reflection.v1alpha'] as const;
type Version = (typeof VERSIONS)[number];

/** The files the test server describes: what `serve` does, plus fixtures that import WKTs. */
const TEST_FILES = [...SERVED_PROTO_FILES, 'echo.proto'];

// --- a grpc-js reflection client, per version ----------------------------------------------

interface ReflectionReply {
  validHost?: string;
  originalRequest?: Record<string, unknown>;
  fileDescriptorResponse?: { fileDescriptorProto: Uint8Array[] };
  allExtensionNumbersResponse?: { baseTypeName?: string; extensionNumber?: number[] };
  listServicesResponse?: { service: { name: string }[] };
  errorResponse?: { errorCode?: number; errorMessage?: string };
  messageResponse?: string;
}

function clientConstructor(version: Version) {
  const root = protobuf.loadSync(
    `${HANDWIRE_PROTO_ROOT}grpc/reflection/${version.split('.').at(-1)}/reflection.proto`,
  );
  const Request = root.lookupType(`${version}.ServerReflectionRequest`);
  const Response = root.lookupType(`${version}.ServerReflectionResponse`);
  return grpc.makeGenericClientConstructor(
    {
      ServerReflectionInfo: {
        path: `/${version}.ServerReflection/ServerReflectionInfo`,
        requestStream: true,
        responseStream: true,
        requestSerialize: (value: object) =>
          Buffer.from(Request.encode(Request.fromObject(value)).finish()),
        requestDeserialize: (bytes: Buffer) => Request.decode(bytes),
        responseSerialize: (value: object) => Buffer.from(Response.encode(value).finish()),
        responseDeserialize: (bytes: Buffer) =>
          Response.toObject(Response.decode(bytes), {
            oneofs: true,
            arrays: true,
          }) as ReflectionReply,
      },
    },
    'ServerReflection',
  );
}
const CLIENTS = {
  'grpc.reflection.v1': clientConstructor('grpc.reflection.v1'),
  'grpc.reflection.v1alpha': clientConstructor('grpc.reflection.v1alpha'),
};

type ReflectionClient = grpc.Client & Record<string, any>;

function connect(t: Test, address: string, version: Version): ReflectionClient {
  const client = new CLIENTS[version](
    address,
    grpc.credentials.createInsecure(),
  ) as ReflectionClient;
  t.teardown(() => client.close());
  return client;
}

/** Sends `requests` on one stream, half-closes, and returns every reply and the final status. */
async function exchange(client: ReflectionClient, requests: object[]) {
  const call = client.ServerReflectionInfo({ deadline: Date.now() + 10_000 });
  const reader = readStream<ReflectionReply>(call);
  for (const request of requests) call.write(request);
  call.end();
  const end = await within(reader.ended, 10_000, 'the reflection stream to end');
  const replies: ReflectionReply[] = [];
  while (reader.buffered > 0) replies.push(await reader.next());
  return { replies, end };
}

async function ask(client: ReflectionClient, request: object): Promise<ReflectionReply> {
  const { replies, end } = await exchange(client, [request]);
  if (end.code !== Status.OK) throw new Error(`the stream failed: ${end.code} ${end.details}`);
  if (replies.length !== 1) throw new Error(`${replies.length} replies to one request`);
  return replies[0]!;
}

function decodeFiles(reply: ReflectionReply): FileDescriptorProto[] {
  const files = reply.fileDescriptorResponse?.fileDescriptorProto;
  if (files === undefined) {
    throw new Error(`not a file_descriptor_response: ${JSON.stringify(reply)}`);
  }
  return files.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
}

/**
 * A registry of `files` (which @bufbuild/protobuf wants dependencies first; a reply lists the file
 * asked for first). Throws if any reference in them does not resolve.
 */
function registryOf(files: FileDescriptorProto[]) {
  const ordered: FileDescriptorProto[] = [];
  const pending = [...files];
  while (pending.length > 0) {
    const ready = pending.findIndex((file) =>
      file.dependency.every((name) => ordered.some((done) => done.name === name)),
    );
    if (ready < 0) throw new Error(`missing imports among ${pending.map((f) => f.name)}`);
    ordered.push(...pending.splice(ready, 1));
  }
  return createFileRegistry({
    $typeName: 'google.protobuf.FileDescriptorSet',
    file: ordered,
  } as any);
}

// --- the server -------------------------------------------------------------------------------

async function startServer(t: Test) {
  const server = new Server();
  server.addService(UserServiceStub, userStubImplementation);
  server.addService(OfferServiceDefinition, offerStubImplementation);
  server.addService(EchoService, echoImplementation);
  addHealthService(server);
  const reflection = addReflectionService(server, {
    protoRoot: [HANDWIRE_PROTO_ROOT, FIXTURES],
    protoFiles: TEST_FILES,
  });
  const { address } = await server.listen();
  t.teardown(() => server.forceClose());
  return { server, address, reflection };
}

/** What proto/user.proto and proto/offers.proto declare: the contract, written out. */
const CONTRACT_METHODS: Record<string, [string, string, string, boolean, boolean][]> = {
  'user.UserService': [
    ['CreateUser', '.user.CreateUserRequest', '.user.User', false, false],
    ['GetUser', '.user.GetUserRequest', '.user.User', false, false],
    ['ListUsers', '.user.ListUsersRequest', '.user.User', false, true],
    ['BatchCreateUsers', '.user.CreateUserRequest', '.user.BatchCreateResponse', true, false],
    ['StreamUserUpdates', '.user.UserUpdateRequest', '.user.UserUpdateResponse', true, true],
    ['DeleteUser', '.user.DeleteUserRequest', '.user.DeleteUserResponse', false, false],
  ],
  'offers.v1.OfferService': [
    ['SetUserOffer', '.offers.v1.SetUserOfferRequest', '.offers.v1.UserOffer', false, false],
    ['GetUserOffer', '.offers.v1.GetUserOfferRequest', '.offers.v1.UserOffer', false, false],
    ['MigrateOffers', '.offers.v1.MigrationRow', '.offers.v1.MigrationReport', true, false],
    [
      'WatchOfferEvents',
      '.offers.v1.WatchOfferEventsRequest',
      '.offers.v1.OfferEvent',
      false,
      true,
    ],
  ],
};

function methodRow(method: MethodDescriptorProto) {
  return [
    method.name,
    method.inputType,
    method.outputType,
    method.clientStreaming,
    method.serverStreaming,
  ];
}

for (const version of VERSIONS) {
  t.test(`${version}: list_services names every registered service`, async (t) => {
    const { address, server } = await startServer(t);
    const reply = await ask(connect(t, address, version), { host: 'example', listServices: '' });
    t.same(
      reply.listServicesResponse?.service.map((service) => service.name),
      [
        'user.UserService',
        'offers.v1.OfferService',
        'handwire.test.Echo',
        'grpc.health.v1.Health',
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
      ],
    );
    t.equal(reply.validHost, 'example', 'valid_host echoes the host');
    t.same(reply.originalRequest, {
      host: 'example',
      listServices: '',
      messageRequest: 'listServices',
    });
    t.equal(reply.messageResponse, 'listServicesResponse');
    // A service added after reflection is listed too: the list is read at each request.
    server.addService({ name: 'late.Service', methods: {} }, {});
    const again = await ask(connect(t, address, version), { listServices: '*' });
    t.equal(again.listServicesResponse?.service.at(-1)?.name, 'late.Service');
  });

  t.test(`${version}: every method of the contract, as proto/ declares it`, async (t) => {
    const { address } = await startServer(t);
    const client = connect(t, address, version);
    for (const [service, methods] of Object.entries(CONTRACT_METHODS)) {
      const files = decodeFiles(await ask(client, { fileContainingSymbol: service }));
      const registry = registryOf(files);
      const described = files[0]!.service.find((s) => `${files[0]!.package}.${s.name}` === service);
      t.ok(described, `${service} is in the first file returned`);
      t.same(described?.method.map(methodRow), methods, `${service}: names, types, streaming`);
      // And every message those methods use resolves, field by field, as protobufjs reads proto/.
      const source = new protobuf.Root().loadSync(
        `${HANDWIRE_PROTO_ROOT}${service.startsWith('user') ? 'user' : 'offers'}.proto`,
        { keepCase: true },
      );
      source.resolveAll();
      for (const [, input, output] of methods) {
        for (const typeName of [input, output]) {
          const ours = registry.getMessage(typeName.slice(1));
          const theirs = source.lookupType(typeName);
          t.same(
            ours?.fields.map((f) => [f.name, f.number, f.fieldKind === 'list']),
            theirs.fieldsArray.map((f) => [f.name, f.id, f.repeated]),
            `${typeName} fields`,
          );
        }
      }
    }
  });

  t.test(`${version}: file_by_filename, for each served file and each import`, async (t) => {
    const { address } = await startServer(t);
    const client = connect(t, address, version);
    const expected: Record<string, string[]> = {
      'google/rpc/status.proto': ['google/rpc/status.proto', 'google/protobuf/any.proto'],
      'google/rpc/error_details.proto': [
        'google/rpc/error_details.proto',
        'google/protobuf/duration.proto',
      ],
      'google/protobuf/any.proto': ['google/protobuf/any.proto'],
      'google/protobuf/duration.proto': ['google/protobuf/duration.proto'],
    };
    for (const name of [
      ...TEST_FILES,
      'google/protobuf/any.proto',
      'google/protobuf/duration.proto',
    ]) {
      const files = decodeFiles(await ask(client, { fileByFilename: name }));
      t.same(
        files.map((file) => file.name),
        expected[name] ?? [name],
        `${name}: the file, then its imports`,
      );
      t.doesNotThrow(() => registryOf(files), `${name} builds from this reply alone`);
    }
    const any = decodeFiles(await ask(client, { fileByFilename: 'google/protobuf/any.proto' }))[0]!;
    t.same(
      any.messageType[0]?.field.map((f) => f.name),
      ['type_url', 'value'],
    );
  });

  t.test(`${version}: file_containing_symbol for every kind of symbol`, async (t) => {
    const { address } = await startServer(t);
    const client = connect(t, address, version);
    const cases: [string, string[]][] = [
      ['user.UserService', ['user.proto']],
      ['user.UserService.GetUser', ['user.proto']],
      ['offers.v1.OfferService.WatchOfferEvents', ['offers.proto']],
      ['offers.v1.MigrationReport', ['offers.proto']],
      ['grpc.health.v1.HealthListResponse.StatusesEntry', ['grpc/health/v1/health.proto']],
      ['grpc.health.v1.HealthCheckResponse.ServingStatus', ['grpc/health/v1/health.proto']],
      ['user.Role', ['user.proto']],
      ['user.ROLE_MODERATOR', ['user.proto']],
      ['user.User.email', ['user.proto']],
      ['user', ['user.proto']],
      ['handwire.test.Echo.Bidi', ['echo.proto']],
      ['google.rpc.Status', ['google/rpc/status.proto', 'google/protobuf/any.proto']],
      ['google.protobuf.Duration', ['google/protobuf/duration.proto']],
      ['grpc.reflection.v1alpha.ServerReflection', ['grpc/reflection/v1alpha/reflection.proto']],
    ];
    for (const [symbol, files] of cases) {
      const reply = await ask(client, { fileContainingSymbol: symbol });
      t.same(
        decodeFiles(reply).map((file) => file.name),
        files,
        symbol,
      );
    }
  });

  t.test(`${version}: unknown names and extensions are answered in-stream`, async (t) => {
    const { address } = await startServer(t);
    const client = connect(t, address, version);
    const notFound = async (request: object, message: string) => {
      const reply = await ask(client, request);
      t.same(reply.errorResponse, { errorCode: Status.NOT_FOUND, errorMessage: message });
    };
    await notFound(
      { fileContainingSymbol: 'user.UserService.Nope' },
      'symbol "user.UserService.Nope" is not declared in any file served',
    );
    await notFound({ fileByFilename: 'nope.proto' }, 'no file named "nope.proto" is served');
    await notFound(
      { fileContainingExtension: { containingType: 'user.User', extensionNumber: 100 } },
      'no extension 100 of "user.User" is declared in any file served',
    );
    await notFound(
      { allExtensionNumbersOfType: 'user.Nope' },
      'message type "user.Nope" is not declared in any file served',
    );
    // A known proto3 message has no extensions: an empty list, not an error (as grpc-go).
    const none = await ask(client, { allExtensionNumbersOfType: 'user.User' });
    t.same(none.allExtensionNumbersResponse, { baseTypeName: 'user.User', extensionNumber: [] });
    t.equal(
      (await ask(client, { allExtensionNumbersOfType: 'user.UserService' })).errorResponse
        ?.errorCode,
      Status.NOT_FOUND,
      'a service is not a message type',
    );
    // No request at all: the spec's UNIMPLEMENTED, and the stream goes on.
    const empty = await ask(client, { host: 'h' });
    t.equal(empty.errorResponse?.errorCode, Status.UNIMPLEMENTED);
    t.equal(empty.validHost, 'h');
  });

  t.test(`${version}: several requests on one stream, answered in order`, async (t) => {
    const { address } = await startServer(t);
    const requests = [
      { listServices: '' },
      { fileContainingSymbol: 'user.UserService.GetUser' },
      { fileByFilename: 'nope.proto' },
      { fileByFilename: 'offers.proto' },
      { allExtensionNumbersOfType: 'offers.v1.OfferEvent' },
      { fileContainingSymbol: 'user.UserService' },
      { fileContainingExtension: { containingType: 'user.User', extensionNumber: 5 } },
    ];
    const { replies, end } = await exchange(connect(t, address, version), requests);
    t.equal(end.code, Status.OK);
    t.same(
      replies.map((reply) => reply.messageResponse),
      [
        'listServicesResponse',
        'fileDescriptorResponse',
        'errorResponse',
        'fileDescriptorResponse',
        'allExtensionNumbersResponse',
        'fileDescriptorResponse',
        'errorResponse',
      ],
    );
    t.same(
      replies.map((reply) => {
        const { messageRequest: _, ...request } = reply.originalRequest ?? {};
        return request;
      }),
      requests,
      'each reply echoes its own request',
    );
    // A file sent earlier on the stream is sent again: each reply stands alone.
    t.same(
      decodeFiles(replies[5]!).map((file) => file.name),
      ['user.proto'],
    );
  });
}

/** What ghz and grpcurl do: v1 first, v1alpha only if v1 is UNIMPLEMENTED. */
async function listLikeTheTools(t: Test, address: string) {
  for (const version of VERSIONS) {
    const { replies, end } = await exchange(connect(t, address, version), [{ listServices: '' }]);
    if (end.code === Status.UNIMPLEMENTED) continue;
    return { version, end, services: replies[0]?.listServicesResponse?.service.length };
  }
  return { version: undefined };
}

t.test('the tools find v1 first; v1alpha alone is found by falling back', async (t) => {
  const { address } = await startServer(t);
  t.same(await listLikeTheTools(t, address), {
    version: 'grpc.reflection.v1',
    end: { code: Status.OK, details: '' },
    services: 6,
  });

  const legacy = new Server();
  const reflection = new ReflectionService(
    DescriptorPool.load({ protoPath: HANDWIRE_PROTO_ROOT, files: ['user.proto'] }),
    () => legacy.serviceNames,
  );
  legacy.addService(ReflectionV1AlphaDefinition, reflection.implementation);
  const bound = await legacy.listen();
  t.teardown(() => legacy.forceClose());
  t.match(await listLikeTheTools(t, bound.address), { version: 'grpc.reflection.v1alpha' });
});

t.test('a server without reflection answers both versions UNIMPLEMENTED', async (t) => {
  const server = new Server();
  server.addService(EchoService, echoImplementation);
  const { address } = await server.listen();
  t.teardown(() => server.forceClose());
  for (const version of VERSIONS) {
    const { replies, end } = await exchange(connect(t, address, version), [{ listServices: '' }]);
    t.equal(end.code, Status.UNIMPLEMENTED, version);
    t.same(replies, []);
  }
  t.same(await listLikeTheTools(t, address), { version: undefined });
});

t.test('addContractReflection describes the files handwire serve serves', async (t) => {
  const server = new Server();
  const reflection = addContractReflection(server);
  t.same(
    reflection.pool.fileNames.filter((name) => !name.startsWith('google/protobuf/')),
    SERVED_PROTO_FILES,
    'the served files, with the well-known types they import',
  );
  t.same(server.serviceNames, [
    'grpc.reflection.v1.ServerReflection',
    'grpc.reflection.v1alpha.ServerReflection',
  ]);
  const reply = reflection.answer({
    host: '',
    messageRequest: { case: 'fileContainingSymbol', value: '.user.UserService.GetUser' },
  });
  t.equal(reply.messageResponse?.case, 'fileDescriptorResponse', 'a leading dot is tolerated');
});
