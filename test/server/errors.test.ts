// How handler failures reach a real client (@grpc/grpc-js): status codes, percent-encoded
// grpc-message, grpc-status-details-bin as google.rpc.Status, INTERNAL for unexpected exceptions,
// and server interceptors (grpc PROTOCOL-HTTP2.md "Responses"; the gRPC richer error model).

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import t from 'tap';
import { composeInterceptors, type ServerInterceptor } from '../../src/server/interceptor.js';
import { Server } from '../../src/server/server.js';
import { GrpcError, packDetail } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { BadRequestCodec } from '../../src/wire/messages/google-rpc.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoClient, grpc, unary } from '../helpers/grpc-js-echo.js';

const rpcRoot = new protobuf.Root();
rpcRoot.resolvePath = (_origin, target) =>
  target.startsWith('google/protobuf/')
    ? target
    : fileURLToPath(new URL(`../../proto/${target}`, import.meta.url));
rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
rpcRoot.resolveAll();
const RpcStatus = rpcRoot.lookupType('google.rpc.Status');
const BadRequest = rpcRoot.lookupType('google.rpc.BadRequest');

/** A server whose Echo.Unary is replaced by `unaryHandler`. */
async function serve(t: any, unaryHandler: typeof echoImplementation.Unary, options = {}) {
  const server = new Server(options);
  server.addService(EchoService, { ...echoImplementation, Unary: unaryHandler });
  const { address } = await server.listen();
  const client = echoClient(address);
  t.teardown(async () => {
    client.close();
    await server.forceClose();
  });
  return client;
}

type CallError = grpc.ServiceError;

t.test('a GrpcError becomes its status code and message', async (t) => {
  const client = await serve(t, async () => {
    throw new GrpcError(Status.NOT_FOUND, 'user 42 does not exist');
  });
  const error = (await unary(client, { message: 'x' }).catch((e) => e)) as CallError;
  t.equal(error.code, grpc.status.NOT_FOUND);
  t.equal(error.details, 'user 42 does not exist');
});

t.test('grpc-message carries any text exactly (percent-encoded on the wire)', async (t) => {
  const text = '\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n 100% sure';
  const client = await serve(t, async () => {
    throw new GrpcError(Status.UNKNOWN, text);
  });
  const error = (await unary(client, {}).catch((e) => e)) as CallError;
  t.equal(error.code, grpc.status.UNKNOWN);
  t.equal(error.details, text);
});

t.test('details travel as google.rpc.Status in grpc-status-details-bin', async (t) => {
  const client = await serve(t, async () => {
    throw new GrpcError(Status.INVALID_ARGUMENT, 'bad request', {
      details: [
        packDetail(BadRequestCodec, {
          fieldViolations: [
            { field: 'email', description: 'not an address', reason: '', localizedMessage: null },
          ],
        }),
      ],
    });
  });
  const error = (await unary(client, {}).catch((e) => e)) as CallError;
  t.equal(error.code, grpc.status.INVALID_ARGUMENT);
  const [bytes] = error.metadata.get('grpc-status-details-bin') as Buffer[];
  t.ok(bytes, 'grpc-status-details-bin arrived');
  const status = RpcStatus.toObject(RpcStatus.decode(bytes!)) as any;
  t.equal(status.code, grpc.status.INVALID_ARGUMENT);
  t.equal(status.message, 'bad request');
  t.equal(
    status.details[0].type_url ?? status.details[0].typeUrl,
    'type.googleapis.com/google.rpc.BadRequest',
  );
  const badRequest = BadRequest.toObject(BadRequest.decode(status.details[0].value)) as any;
  t.same(badRequest.fieldViolations, [{ field: 'email', description: 'not an address' }]);
});

t.test(
  'an unexpected exception is INTERNAL with a generic message; the real one is logged',
  async (t) => {
    const logged: Array<{ details: any; message: string }> = [];
    const logger = {
      error: (details: object, message: string) => logged.push({ details, message }),
    };
    const client = await serve(
      t,
      async () => {
        throw new Error('database password is hunter2');
      },
      { logger },
    );
    const error = (await unary(client, {}).catch((e) => e)) as CallError;
    t.equal(error.code, grpc.status.INTERNAL);
    t.equal(error.details, 'internal error');
    t.notMatch(error.details, /hunter2/, 'the real message is never sent');
    t.equal(logged.length, 1);
    t.match(logged[0]!.details.err.message, /hunter2/);
    t.equal(logged[0]!.details.method, '/handwire.test.Echo/Unary');
  },
);

t.test('a synchronous throw and a thrown non-Error are handled too', async (t) => {
  const client = await serve(
    t,
    (() => {
      throw 'a string';
    }) as any,
    { logger: { error() {} } },
  );
  const error = (await unary(client, {}).catch((e) => e)) as CallError;
  t.equal(error.code, grpc.status.INTERNAL);
});

t.test('a streaming handler that returns no AsyncIterable is INTERNAL', async (t) => {
  const server = new Server({ logger: { error() {} } });
  server.addService(EchoService, { ...echoImplementation, ServerStream: (() => 42) as any });
  const { address } = await server.listen();
  const client = echoClient(address);
  t.teardown(async () => {
    client.close();
    await server.forceClose();
  });
  const error = await new Promise<CallError>((resolve) => {
    const call = client.ServerStream({ count: 1 });
    call.on('data', () => {});
    call.on('error', resolve);
  });
  t.equal(error.code, grpc.status.INTERNAL);
});

t.test(
  'a server stream that fails after some messages delivers them, then the status',
  async (t) => {
    const server = new Server();
    server.addService(EchoService, echoImplementation);
    const { address } = await server.listen();
    const client = echoClient(address);
    t.teardown(async () => {
      client.close();
      await server.forceClose();
    });
    const received: number[] = [];
    const error = await new Promise<CallError>((resolve) => {
      const call = client.ServerStream({ count: 3, failCode: Status.ABORTED, message: 'stop' });
      call.on('data', (response: any) => received.push(response.index));
      call.on('error', resolve);
    });
    t.same(received, [0, 1, 2]);
    t.equal(error.code, grpc.status.ABORTED);
    t.equal(error.details, 'failed as asked: stop');
  },
);

t.test('interceptors run in order around every call shape and may end a call', async (t) => {
  const order: string[] = [];
  const tracing =
    (name: string): ServerInterceptor =>
    (next) =>
    async (call) => {
      order.push(`${name}>${call.method.path}`);
      const result = await next(call);
      order.push(`${name}<`);
      return result;
    };
  const denyNamed: ServerInterceptor = (next) => async (call) => {
    if (call.context.metadata.get('deny') === 'yes') {
      throw new GrpcError(Status.PERMISSION_DENIED, 'denied by interceptor');
    }
    return next(call);
  };
  const server = new Server({ interceptors: [tracing('a'), tracing('b'), denyNamed] });
  server.addService(EchoService, echoImplementation);
  const { address } = await server.listen();
  const client = echoClient(address);
  t.teardown(async () => {
    client.close();
    await server.forceClose();
  });

  await unary(client, { message: 'x' });
  t.same(order, ['a>/handwire.test.Echo/Unary', 'b>/handwire.test.Echo/Unary', 'b<', 'a<']);

  order.length = 0;
  const streamed: number[] = [];
  const call = client.ServerStream({ count: 2 });
  for await (const response of call) streamed.push(response.index);
  t.same(streamed, [0, 1]);
  t.same(order, [
    'a>/handwire.test.Echo/ServerStream',
    'b>/handwire.test.Echo/ServerStream',
    'b<',
    'a<',
  ]);

  const metadata = new grpc.Metadata();
  metadata.set('deny', 'yes');
  const error = (await unary(client, {}, metadata).catch((e) => e)) as CallError;
  t.equal(error.code, grpc.status.PERMISSION_DENIED);
  t.equal(error.details, 'denied by interceptor');
});

t.test('composeInterceptors with none returns the handler itself', async (t) => {
  const next = async () => 'x';
  t.equal(composeInterceptors([], next), next);
});
