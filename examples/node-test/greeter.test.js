// handwire embedded in a node:test suite, in plain JavaScript (Node 20 has no `await using`, so
// t.after closes what a test opened): a hand-written service in memory, the same service from its
// .proto on port 0. Run with `npm test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChannel, createClient, Server } from 'handwire';
import { loadProto, protobufjsService } from 'handwire/protobufjs';
import { GreeterService, greeter } from './greeter.js';

test('a hand-written service, in memory', async (t) => {
  const server = new Server().addService(GreeterService, greeter);
  const { address } = await server.listen({ inMemory: true });
  const channel = createChannel(address);
  t.after(() => Promise.all([channel.close(), server.forceClose()]));
  const client = createClient(GreeterService, channel);

  assert.deepEqual(await client.SayHello({ name: 'Ada', times: 0 }), { message: 'Hello, Ada' });
  const replies = [];
  for await (const reply of client.SayHelloStream({ name: 'Ada', times: 2 })) {
    replies.push(reply.message);
  }
  assert.deepEqual(replies, ['Hello #1, Ada', 'Hello #2, Ada']);
});

test('the service from greeter.proto, on port 0', async (t) => {
  const Greeter = protobufjsService(
    loadProto(new URL('greeter.proto', import.meta.url)),
    'helloworld.Greeter',
  );
  const server = new Server().addService(Greeter, {
    SayHello: async (request) => ({ message: `Hi ${request.name}` }),
    async *SayHelloStream() {},
  });
  const { address } = await server.listen({ port: 0 });
  const channel = createChannel(address);
  t.after(() => Promise.all([channel.close(), server.forceClose()]));
  const client = createClient(Greeter, channel);

  assert.deepEqual(await client.SayHello({ name: 'Grace' }), { message: 'Hi Grace' });
});
