// The smallest complete test: a fake of a .proto service, in memory, one call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChannel, createClient, Server } from 'handwire';
import { loadProto, protobufjsService } from 'handwire/protobufjs';

test('SayHello answers', async (t) => {
  const Greeter = protobufjsService(loadProto('greeter.proto'), 'helloworld.Greeter');
  const server = new Server().addService(Greeter, {
    SayHello: async ({ name }) => ({ message: `Hello, ${name}` }),
    async *SayHelloStream() {},
  });
  const channel = createChannel((await server.listen({ inMemory: true })).address);
  t.after(() => Promise.all([channel.close(), server.forceClose()]));
  const reply = await createClient(Greeter, channel).SayHello({ name: 'Ada' });
  assert.equal(reply.message, 'Hello, Ada');
});
