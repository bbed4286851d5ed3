// handwire embedded in a vitest suite: a hand-written service in memory and the same service
// from its .proto on port 0. Run with `npm test`.

import { createChannel, createClient, Server } from 'handwire';
import { loadProto, protobufjsService } from 'handwire/protobufjs';
import { expect, test } from 'vitest';
import { GreeterService, greeter } from './greeter.js';

test('a hand-written service, in memory', async () => {
  await using server = new Server().addService(GreeterService, greeter);
  const { address } = await server.listen({ inMemory: true });
  await using channel = createChannel(address);
  const client = createClient(GreeterService, channel);

  expect(await client.SayHello({ name: 'Ada', times: 0 })).toEqual({ message: 'Hello, Ada' });
  const replies: string[] = [];
  for await (const reply of client.SayHelloStream({ name: 'Ada', times: 2 })) {
    replies.push(reply.message);
  }
  expect(replies).toEqual(['Hello #1, Ada', 'Hello #2, Ada']);
});

test('the service from greeter.proto, on port 0', async () => {
  const root = loadProto(new URL('greeter.proto', import.meta.url));
  const Greeter = protobufjsService(root, 'helloworld.Greeter', {
    SayHello: 'unary',
    SayHelloStream: 'serverStreaming',
  });
  await using server = new Server().addService(Greeter, {
    async SayHello(request) {
      return { message: `Hi ${request.name}` };
    },
    async *SayHelloStream() {},
  });
  const { address } = await server.listen({ port: 0 });
  await using channel = createChannel(address);
  const client = createClient(Greeter, channel);

  expect(await client.SayHello({ name: 'Grace' })).toEqual({ message: 'Hi Grace' });
});
