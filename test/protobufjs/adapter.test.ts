// The protobufjs adapter (src/protobufjs/): a .proto loaded at run time serves and calls at once,
// its bytes are the hand-written codecs' bytes, and mistakes are sentences naming what is wrong.

import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createChannel } from '../../src/client/channel.js';
import { createClient } from '../../src/client/client.js';
import { loadProto, protobufjsCodec, protobufjsService } from '../../src/protobufjs/index.js';
import { Server } from '../../src/server/server.js';
import { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js';
import { EchoRequestCodec, EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';

const echoProto = new URL('../fixtures/echo.proto', import.meta.url);
const root = loadProto(echoProto);
const kitchenSink = loadProto(
  fileURLToPath(new URL('../fixtures/kitchen_sink.proto', import.meta.url)),
);

t.test(
  'a service from a .proto serves every call shape, to its own client and a hand-written one',
  async (t) => {
    const Echo = protobufjsService(root, 'handwire.test.Echo', {
      Unary: 'unary',
      ServerStream: 'serverStreaming',
      ClientStream: 'clientStreaming',
      Bidi: 'bidiStreaming',
    });
    const server = new Server().addService(Echo, {
      async Unary(request) {
        return { message: `${request.message}!`, index: request.count };
      },
      async *ServerStream(request) {
        for (let index = 0; index < request.count; index++)
          yield { message: request.message, index };
      },
      async ClientStream(requests) {
        const seen: string[] = [];
        for await (const request of requests) seen.push(request.message);
        return { message: seen.join('+') };
      },
      async *Bidi(requests) {
        for await (const request of requests) yield { message: request.message.toUpperCase() };
      },
    });
    const { address } = await server.listen({ inMemory: true });
    t.teardown(() => server.forceClose());
    const channel = createChannel(address);
    t.teardown(() => channel.close());

    const client = createClient(Echo, channel);
    t.same(await client.Unary({ message: 'hi', count: 3 }), {
      message: 'hi!',
      index: 3,
      payload: Buffer.alloc(0),
    });
    const streamed: number[] = [];
    for await (const item of client.ServerStream({ message: 's', count: 3 }))
      streamed.push(item.index);
    t.same(streamed, [0, 1, 2]);
    t.equal((await client.ClientStream([{ message: 'a' }, { message: 'b' }])).message, 'a+b');
    const shouted: string[] = [];
    for await (const item of client.Bidi([{ message: 'x' }, { message: 'y' }]))
      shouted.push(item.message);
    t.same(shouted, ['X', 'Y']);

    // The hand-written client of the same .proto: same paths, same bytes.
    const handWritten = createClient(EchoService, channel);
    const reply = await handWritten.Unary({
      message: 'hw',
      count: 7,
      delayMs: 0,
      failCode: 0,
      payload: new Uint8Array(0),
    });
    t.same({ message: reply.message, index: reply.index }, { message: 'hw!', index: 7 });
  },
);

t.test('an adapter client calls a hand-written server', async (t) => {
  const server = new Server().addService(EchoService, echoImplementation);
  const { address } = await server.listen({ inMemory: true });
  t.teardown(() => server.forceClose());
  const channel = createChannel(address);
  t.teardown(() => channel.close());
  const client = createClient(
    protobufjsService(root, 'handwire.test.Echo', { Unary: 'unary' }),
    channel,
  );
  const reply = await client.Unary({ message: 'plain', payload: Buffer.from([1, 2]) });
  t.equal(reply.message, 'plain');
  t.same([...reply.payload], [1, 2]);
  const failed = await client.Unary({ failCode: Status.NOT_FOUND }).catch((e: unknown) => e);
  t.ok(failed instanceof GrpcError && failed.code === Status.NOT_FOUND);
});

t.test(
  'the adapter writes the bytes the hand-written codec writes, and reads them back',
  async (t) => {
    const codec = protobufjsCodec(root.lookupType('handwire.test.EchoRequest'));
    t.equal(codec.typeName, 'handwire.test.EchoRequest');
    t.same(codec.create(), {
      message: '',
      count: 0,
      delayMs: 0,
      failCode: 0,
      payload: Buffer.alloc(0),
    });
    const request = {
      message: 'é',
      count: -2,
      delayMs: 5,
      failCode: 0,
      payload: Buffer.from('ab'),
    };
    const bytes = encodeMessage(codec, request);
    t.same(bytes, encodeMessage(EchoRequestCodec, request));
    t.same(decodeMessage(codec, bytes), request);
    t.same(decodeMessage(EchoRequestCodec, bytes), {
      ...request,
      payload: new Uint8Array(bytes.subarray(-2)),
    });
  },
);

t.test('int64 values come back exact, as decimal strings', async (t) => {
  const codec = protobufjsCodec(kitchenSink.lookupType('Numbers64'));
  const big = '9007199254740993'; // 2^53 + 1: a number would round it
  const decoded = decodeMessage(
    codec,
    encodeMessage(codec, { i64: big, u64: '18446744073709551615', s64: '-5' }),
  );
  t.equal(decoded.i64, big);
  t.equal(decoded.u64, '18446744073709551615');
  t.equal(decoded.s64, '-5');
});

t.test('mistakes are sentences naming the service, method or type', async (t) => {
  t.throws(() => protobufjsService(root, 'handwire.test.Nope'), {
    message:
      'the .proto files loaded declare no service "handwire.test.Nope"; they declare handwire.test.Echo',
  });
  t.throws(() => protobufjsService(root, 'handwire.test.Echo', { Unary: 'serverStreaming' }), {
    message: 'handwire.test.Echo.Unary is unary in the .proto, not serverStreaming',
  });
  t.throws(() => protobufjsService(root, 'handwire.test.Echo', { Missing: 'unary' }), {
    message: 'handwire.test.Echo has no method Missing',
  });
  const codec = protobufjsCodec(kitchenSink.lookupType('Numbers64'));
  t.throws(() => encodeMessage(codec, { rI64: 'not a list' }), {
    message: /^a handwire.test.Numbers64 message could not be encoded: .*array expected$/,
  });
  t.throws(() => decodeMessage(codec, Buffer.from([0x0a, 0x05, 0x01])), {
    name: 'WireError',
    message: 'handwire.test.Numbers64: index out of range: 2 + 5 > 3 at byte 0',
  });
});
