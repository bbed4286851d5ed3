// Interceptor test helpers: an Echo server with interceptors, a grpc-js client for any unary path.

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Test } from 'tap';
import type { ServerInterceptor } from '../../../src/server/interceptor.js';
import { Server } from '../../../src/server/server.js';
import type { ServerOptions } from '../../../src/server/server-options.js';
import { method, type ServiceDefinition } from '../../../src/transport/service-definition.js';
import { EchoRequestCodec, EchoResponseCodec, EchoService } from '../../fixtures/echo-codecs.js';
import { echoImplementation } from '../../fixtures/echo-service.js';
import {
  echoClient,
  grpc,
  type PlainEchoRequest,
  type PlainEchoResponse,
} from '../../helpers/grpc-js-echo.js';

/**
 * A service named `name` whose methods are all unary echoes: stands in for user.UserService,
 * offers.v1.OfferService or grpc.health.v1.Health where only the path matters (auth, limits).
 */
export function standIn(name: string, methodNames: readonly string[]) {
  const definition: ServiceDefinition = {
    name,
    methods: Object.fromEntries(
      methodNames.map((m) => [m, method(name, m, 'unary', EchoRequestCodec, EchoResponseCodec)]),
    ),
  };
  const implementation = Object.fromEntries(methodNames.map((m) => [m, echoImplementation.Unary]));
  return { definition, implementation };
}

/** A handwire server with the Echo service (and `standIns`) behind `interceptors`. */
export async function serveEcho(
  t: Test,
  interceptors: ServerInterceptor[],
  options: { standIns?: ReturnType<typeof standIn>[]; server?: ServerOptions } = {},
) {
  const server = new Server({ ...options.server, interceptors });
  server.addService(EchoService, echoImplementation);
  for (const { definition, implementation } of options.standIns ?? []) {
    server.addService(definition, implementation as never);
  }
  const { address } = await server.listen();
  const client = echoClient(address);
  const generic = new grpc.Client(address, grpc.credentials.createInsecure());
  t.teardown(async () => {
    client.close();
    generic.close();
    await server.forceClose();
  });
  return { server, address, client, generic };
}

const echoRoot = protobuf.loadSync(
  fileURLToPath(new URL('../../fixtures/echo.proto', import.meta.url)),
);
const EchoRequest = echoRoot.lookupType('handwire.test.EchoRequest');
const EchoResponse = echoRoot.lookupType('handwire.test.EchoResponse');

/** What a unary call to any path gave: the response or the error, and the response headers. */
export interface UnaryOutcome {
  response?: PlainEchoResponse;
  error?: grpc.ServiceError;
  headers?: grpc.Metadata;
}

/** A unary call to `path` (an echo under any name); never rejects. */
export function callPath(
  client: grpc.Client,
  path: string,
  request: PlainEchoRequest = {},
  metadata = new grpc.Metadata(),
): Promise<UnaryOutcome> {
  return new Promise((resolve) => {
    const outcome: UnaryOutcome = {};
    const call = client.makeUnaryRequest(
      path,
      (value: PlainEchoRequest) =>
        Buffer.from(EchoRequest.encode(EchoRequest.fromObject(value)).finish()),
      (bytes: Buffer) =>
        EchoResponse.toObject(EchoResponse.decode(bytes), { defaults: true }) as PlainEchoResponse,
      request,
      metadata,
      {},
      (error, response) => {
        if (error) outcome.error = error;
        else outcome.response = response;
        resolve(outcome);
      },
    );
    call.on('metadata', (headers) => {
      outcome.headers = headers;
    });
  });
}

/** Metadata with one `authorization` value. */
export function bearer(value: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', value);
  return metadata;
}

const rpcRoot = new protobuf.Root();
// google/protobuf/*.proto ship with protobufjs; the google/rpc ones are in proto/.
rpcRoot.resolvePath = (_origin, target) =>
  target.startsWith('google/protobuf/')
    ? target
    : fileURLToPath(new URL(`../../../proto/${target}`, import.meta.url));
rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
rpcRoot.resolveAll();
const RpcStatus = rpcRoot.lookupType('google.rpc.Status');

/** The google.rpc.Status a client received in grpc-status-details-bin, decoded by protobufjs. */
export function statusDetails(error: grpc.ServiceError): {
  code: number;
  message: string;
  details: { typeUrl: string; value: Uint8Array }[];
} {
  const [bytes] = error.metadata.get('grpc-status-details-bin') as Buffer[];
  if (bytes === undefined) throw new Error('the error carried no grpc-status-details-bin');
  const status = RpcStatus.toObject(RpcStatus.decode(bytes), { defaults: true });
  return {
    code: status.code,
    message: status.message,
    // protobufjs's own google/protobuf/any.proto keeps the snake_case field name.
    details: status.details.map((any: any) => ({
      typeUrl: any.type_url ?? any.typeUrl,
      value: any.value,
    })),
  };
}

/** Decodes one google.rpc detail message of `typeName` with protobufjs. */
export function decodeDetail(typeName: string, bytes: Uint8Array): any {
  const type = rpcRoot.lookupType(typeName);
  return type.toObject(type.decode(bytes), { defaults: true, longs: Number });
}

export { grpc };
