// A @grpc/grpc-js client of the Echo service, its messages (de)serialized by protobufjs from
// test/fixtures/echo.proto: a real peer that shares no code with handwire.

import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/echo.proto', import.meta.url)));
const EchoRequest = root.lookupType('handwire.test.EchoRequest');
const EchoResponse = root.lookupType('handwire.test.EchoResponse');

export interface PlainEchoRequest {
  message?: string;
  count?: number;
  delayMs?: number;
  failCode?: number;
  payload?: Uint8Array;
}

export interface PlainEchoResponse {
  message: string;
  index: number;
  payload: Uint8Array;
}

const serialize = (value: PlainEchoRequest): Buffer =>
  Buffer.from(EchoRequest.encode(EchoRequest.fromObject(value)).finish());
const deserialize = (bytes: Buffer): PlainEchoResponse =>
  EchoResponse.toObject(EchoResponse.decode(bytes), { defaults: true }) as PlainEchoResponse;

function definition(name: string, requestStream: boolean, responseStream: boolean) {
  return {
    path: `/handwire.test.Echo/${name}`,
    requestStream,
    responseStream,
    requestSerialize: serialize,
    requestDeserialize: (bytes: Buffer) => EchoRequest.decode(bytes),
    responseSerialize: (value: unknown) =>
      Buffer.from(EchoResponse.encode(value as object).finish()),
    responseDeserialize: deserialize,
  };
}

export const EchoClient = grpc.makeGenericClientConstructor(
  {
    Unary: definition('Unary', false, false),
    ServerStream: definition('ServerStream', false, true),
    ClientStream: definition('ClientStream', true, false),
    Bidi: definition('Bidi', true, true),
  },
  'Echo',
);

export type EchoClientInstance = InstanceType<typeof EchoClient> & Record<string, any>;

/** A grpc-js Echo client on an insecure channel to `address`. */
export function echoClient(address: string, options: grpc.ClientOptions = {}): EchoClientInstance {
  return new EchoClient(address, grpc.credentials.createInsecure(), options) as EchoClientInstance;
}

/** Promisified unary call. */
export function unary(
  client: EchoClientInstance,
  request: PlainEchoRequest,
  metadata = new grpc.Metadata(),
  options: grpc.CallOptions = {},
): Promise<PlainEchoResponse> {
  return new Promise((resolve, reject) => {
    client.Unary(
      request,
      metadata,
      options,
      (error: grpc.ServiceError | null, response: PlainEchoResponse) =>
        error ? reject(error) : resolve(response),
    );
  });
}

export { grpc };
