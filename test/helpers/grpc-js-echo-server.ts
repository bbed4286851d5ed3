// A @grpc/grpc-js Echo server, its messages (de)serialized by protobufjs from
// test/fixtures/echo.proto: a real server peer for the handwire client that shares no code with it.

import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { Test } from 'tap';

const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/echo.proto', import.meta.url)));
const EchoRequest = root.lookupType('handwire.test.EchoRequest');
const EchoResponse = root.lookupType('handwire.test.EchoResponse');

interface Request {
  message: string;
  count: number;
  delayMs: number;
  failCode: number;
  payload: Uint8Array;
}

const deserialize = (bytes: Buffer): Request =>
  EchoRequest.toObject(EchoRequest.decode(bytes), { defaults: true }) as Request;
const serialize = (value: object): Buffer =>
  Buffer.from(EchoResponse.encode(EchoResponse.fromObject(value)).finish());

function definition(name: string, requestStream: boolean, responseStream: boolean) {
  return {
    path: `/handwire.test.Echo/${name}`,
    requestStream,
    responseStream,
    requestSerialize: (value: object) =>
      Buffer.from(EchoRequest.encode(EchoRequest.fromObject(value)).finish()),
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: (bytes: Buffer) => EchoResponse.decode(bytes),
  };
}

const SERVICE = {
  Unary: definition('Unary', false, false),
  ServerStream: definition('ServerStream', false, true),
  ClientStream: definition('ClientStream', true, false),
  Bidi: definition('Bidi', true, true),
};

/** `echo-*` request metadata goes back in the headers, `echo-trailer-*` in the trailers. */
function split(metadata: grpc.Metadata): { headers: grpc.Metadata; trailers: grpc.Metadata } {
  const headers = new grpc.Metadata();
  const trailers = new grpc.Metadata();
  for (const [key, values] of Object.entries(metadata.getMap())) {
    const all = metadata.get(key);
    void values;
    for (const value of all) {
      if (key.startsWith('echo-trailer-')) trailers.add(key, value);
      else if (key.startsWith('echo-')) headers.add(key, value);
    }
  }
  return { headers, trailers };
}

function failure(request: Request, trailers: grpc.Metadata): Partial<grpc.StatusObject> {
  return {
    code: request.failCode,
    details: `failed as asked: ${request.message}`,
    metadata: trailers,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const implementation: grpc.UntypedServiceImplementation = {
  Unary(call: grpc.ServerUnaryCall<Request, object>, callback: grpc.sendUnaryData<object>) {
    const { headers, trailers } = split(call.metadata);
    call.sendMetadata(headers);
    const request = call.request;
    const timer = setTimeout(() => {
      if (request.failCode !== 0) callback(failure(request, trailers));
      else callback(null, { message: request.message, payload: request.payload }, trailers);
    }, request.delayMs);
    call.on('cancelled', () => clearTimeout(timer));
  },
  async ServerStream(call: grpc.ServerWritableStream<Request, object>) {
    const { headers, trailers } = split(call.metadata);
    call.sendMetadata(headers);
    const request = call.request;
    for (let index = 0; index < request.count; index++) {
      if (call.cancelled) return;
      if (request.delayMs > 0) await sleep(request.delayMs);
      if (!call.write({ message: request.message, index, payload: request.payload })) {
        await new Promise((resolve) => call.once('drain', resolve));
      }
    }
    if (request.failCode !== 0) call.emit('error', failure(request, trailers));
    else call.end(trailers);
  },
  ClientStream(
    call: grpc.ServerReadableStream<Request, object>,
    callback: grpc.sendUnaryData<object>,
  ) {
    const { headers, trailers } = split(call.metadata);
    call.sendMetadata(headers);
    const parts: string[] = [];
    let failed: Request | undefined;
    call.on('data', (request: Request) => {
      if (request.failCode !== 0) failed ??= request;
      parts.push(request.message);
    });
    call.on('end', () => {
      if (failed !== undefined) callback(failure(failed, trailers));
      else callback(null, { message: parts.join(','), index: parts.length }, trailers);
    });
  },
  Bidi(call: grpc.ServerDuplexStream<Request, object>) {
    const { headers, trailers } = split(call.metadata);
    call.sendMetadata(headers);
    let index = 0;
    call.on('data', (request: Request) => {
      if (request.failCode !== 0) call.emit('error', failure(request, trailers));
      else call.write({ message: request.message, index: index++, payload: request.payload });
    });
    call.on('end', () => call.end(trailers));
  },
};

/**
 * Starts a grpc-js Echo server on a free loopback port, shut down after the test; plaintext
 * unless `credentials` (say, `grpc.ServerCredentials.createSsl(…)`) are given.
 */
export async function startGrpcJsEchoServer(
  t: Test,
  options: grpc.ServerOptions = {},
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
  /** Handlers that replace the echo ones, by method name (Unary, ServerStream, …). */
  handlers: grpc.UntypedServiceImplementation = {},
): Promise<{ server: grpc.Server; address: string; port: number }> {
  const server = new grpc.Server(options);
  server.addService(SERVICE, { ...implementation, ...handlers });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  t.teardown(() => server.forceShutdown());
  return { server, address: `127.0.0.1:${port}`, port };
}

export { grpc };
