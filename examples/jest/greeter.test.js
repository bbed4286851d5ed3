// handwire embedded in a Jest suite. handwire is an ES module and Jest loads CommonJS unless told
// otherwise, so this package runs Jest in its ESM mode: `"type": "module"`, no transform
// (`"transform": {}` in package.json), and Node's VM modules switched on with
// NODE_OPTIONS=--experimental-vm-modules (the `test` script). Without them Jest fails with
// "SyntaxError: Unexpected token 'export'". Run with `npm test`.

import { afterEach, expect, test } from '@jest/globals';
import { createChannel, createClient, Server } from 'handwire';
import { loadProto, protobufjsService } from 'handwire/protobufjs';
import { GreeterService, greeter } from './greeter.js';

/** What each test opened, closed after it. */
const opened = [];
afterEach(async () => {
  for (const resource of opened.splice(0)) await resource[Symbol.asyncDispose]();
});

test('a hand-written service, in memory', async () => {
  const server = new Server().addService(GreeterService, greeter);
  const { address } = await server.listen({ inMemory: true });
  const channel = createChannel(address);
  opened.push(channel, server);
  const client = createClient(GreeterService, channel);

  expect(await client.SayHello({ name: 'Ada', times: 0 })).toEqual({ message: 'Hello, Ada' });
  const replies = [];
  for await (const reply of client.SayHelloStream({ name: 'Ada', times: 2 })) {
    replies.push(reply.message);
  }
  expect(replies).toEqual(['Hello #1, Ada', 'Hello #2, Ada']);
});

test('the service from greeter.proto, on port 0', async () => {
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
  opened.push(channel, server);
  const client = createClient(Greeter, channel);

  expect(await client.SayHello({ name: 'Grace' })).toEqual({ message: 'Hi Grace' });
});
