// handwire embedded in a tap suite: a hand-written service in memory, the same service from its
// .proto on port 0, and an interceptor. Run with `npm test`.

import {
  createChannel,
  createClient,
  GrpcError,
  Metadata,
  Server,
  type ServerInterceptor,
  Status,
} from 'handwire';
import { loadProto, protobufjsService } from 'handwire/protobufjs';
import { requestIdInterceptor } from 'handwire/services';
import t from 'tap';
import { GreeterService, greeter } from './greeter.js';

t.test('a hand-written service, in memory', async (t) => {
  await using server = new Server().addService(GreeterService, greeter);
  const { address } = await server.listen({ inMemory: true });
  await using channel = createChannel(address);
  const client = createClient(GreeterService, channel);

  t.same(await client.SayHello({ name: 'Ada', times: 0 }), { message: 'Hello, Ada' });
  const replies: string[] = [];
  for await (const reply of client.SayHelloStream({ name: 'Ada', times: 2 })) {
    replies.push(reply.message);
  }
  t.same(replies, ['Hello #1, Ada', 'Hello #2, Ada']);
});

t.test('the service from greeter.proto, on port 0', async (t) => {
  const Greeter = protobufjsService(
    loadProto(new URL('greeter.proto', import.meta.url)),
    'helloworld.Greeter',
    {
      SayHello: 'unary',
      SayHelloStream: 'serverStreaming',
    },
  );
  await using server = new Server().addService(Greeter, {
    async SayHello(request) {
      return { message: `Hi ${request.name}` };
    },
    async *SayHelloStream() {},
  });
  const { address } = await server.listen({ port: 0 });
  await using channel = createChannel(address);
  const client = createClient(Greeter, channel);

  t.same(await client.SayHello({ name: 'Grace' }), { message: 'Hi Grace' });
});

t.test('an interceptor refuses calls without a token', async (t) => {
  const requireToken: ServerInterceptor = (next) => async (call) => {
    if (call.context.metadata.get('authorization') !== 'Bearer test') {
      throw new GrpcError(Status.UNAUTHENTICATED, 'no token');
    }
    return next(call);
  };
  await using server = new Server({ interceptors: [requestIdInterceptor(), requireToken] });
  server.addService(GreeterService, greeter);
  const { address } = await server.listen({ inMemory: true });
  await using channel = createChannel(address);
  const client = createClient(GreeterService, channel);

  await t.rejects(client.SayHello({ name: 'Eve', times: 0 }), { code: Status.UNAUTHENTICATED });
  const metadata = new Metadata().set('authorization', 'Bearer test');
  let requestId: string | undefined;
  const reply = await client.SayHello(
    { name: 'Ada', times: 0 },
    { metadata, onHeader: (headers) => (requestId = headers.get('x-request-id')) },
  );
  t.equal(reply.message, 'Hello, Ada');
  t.match(requestId, /^[0-9a-f-]{36}$/, 'requestIdInterceptor gave the call an id');
});
