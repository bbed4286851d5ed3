// A @grpc/grpc-js client for any service of a .proto file, its messages (de)serialized by
// protobufjs (what @grpc/proto-loader does): a real peer that shares no code with handwire.

import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

export type AnyClient = grpc.Client & Record<string, any>;

/** Plain objects out: int64 as numbers, enums as names, defaults filled in. */
const TO_OBJECT: protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
};

export function grpcJsClient(
  protoFile: string,
  serviceName: string,
  address: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  options: grpc.ClientOptions = {},
): AnyClient {
  return grpcJsClientOf(protobuf.loadSync(protoFile), serviceName, address, credentials, options);
}

/** The same, for a service of an already loaded protobufjs Root (protos with their own imports). */
export function grpcJsClientOf(
  root: protobuf.Root,
  serviceName: string,
  address: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  options: grpc.ClientOptions = {},
): AnyClient {
  const service = root.lookupService(serviceName);
  const definition: Record<string, grpc.MethodDefinition<any, any>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (value: object) =>
        Buffer.from(request.encode(request.fromObject(value)).finish()),
      requestDeserialize: (bytes: Buffer) => request.decode(bytes),
      responseSerialize: (value: object) =>
        Buffer.from(response.encode(response.fromObject(value)).finish()),
      responseDeserialize: (bytes: Buffer) => response.toObject(response.decode(bytes), TO_OBJECT),
    };
  }
  const Client = grpc.makeGenericClientConstructor(definition, serviceName);
  return new Client(address, credentials, options) as AnyClient;
}

/** Calls a unary method and resolves with the response (or rejects with the ServiceError). */
export function call<T = any>(
  client: AnyClient,
  method: string,
  request: object,
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, (error: grpc.ServiceError | null, response: T) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Calls a client-streaming method with `requests` and resolves with the response. */
export function callClientStream<T = any>(
  client: AnyClient,
  method: string,
  requests: object[],
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<T> {
  return new Promise((resolve, reject) => {
    const stream = client[method](metadata, (error: grpc.ServiceError | null, response: T) =>
      error ? reject(error) : resolve(response),
    );
    for (const request of requests) stream.write(request);
    stream.end();
  });
}

/** Collects every message of a server-streaming call. */
export async function collect<T = any>(
  client: AnyClient,
  method: string,
  request: object,
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<T[]> {
  const out: T[] = [];
  for await (const message of client[method](request, metadata)) out.push(message as T);
  return out;
}

export { grpc };
