// Request compression per message (grpc doc/compression.md: Compressed-Flag per message, one
// grpc-encoding per call; interop case client_compressed_streaming): the flags the server sees.

import http2 from 'node:http2';
import type net from 'node:net';
import { gunzipSync } from 'node:zlib';
import t, { type Test } from 'tap';
import { encodeMessage } from '../../src/wire/codec.js';
import { EchoRequestCodec } from '../fixtures/echo-codecs.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { startGrpcJsEchoServer } from '../helpers/grpc-js-echo-server.js';
import { answerEcho } from '../helpers/raw-grpc-answer.js';

interface SeenMessage {
  compressed: boolean;
  body: Buffer;
}

/** A bare HTTP/2 server that splits each request body into its messages and answers OK. */
async function startRecordingServer(t: Test) {
  const calls: { encoding: string | undefined; messages: SeenMessage[] }[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('error', () => {});
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const messages: SeenMessage[] = [];
      for (let at = 0; at + 5 <= bytes.length; ) {
        const length = bytes.readUInt32BE(at + 1);
        messages.push({
          compressed: bytes[at] === 1,
          body: bytes.subarray(at + 5, at + 5 + length),
        });
        at += 5 + length;
      }
      calls.push({ encoding: headers['grpc-encoding'] as string | undefined, messages });
      answerEcho(stream, [{ message: 'ok' }]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return { address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, calls };
}

t.test('compressMessage decides the flag of each request message', async (t) => {
  const { address, calls } = await startRecordingServer(t);
  const { client } = handwireEchoClient(t, address);
  const first = echoRequest({ message: 'first', payload: Buffer.alloc(1000, 1) });
  const second = echoRequest({ message: 'second', payload: Buffer.alloc(1000, 2) });
  const asked: number[] = [];
  await client.ClientStream([first, second], {
    compression: 'gzip',
    compressMessage: (index) => {
      asked.push(index);
      return index === 0;
    },
  });
  t.same(asked, [0, 1], 'asked once per message, by index');
  const [call] = calls;
  t.equal(call?.encoding, 'gzip', 'the call still declares its encoding');
  t.same(
    call?.messages.map((m) => m.compressed),
    [true, false],
  );
  t.same(gunzipSync(call!.messages[0]!.body), encodeMessage(EchoRequestCodec, first));
  t.same(call!.messages[1]!.body, encodeMessage(EchoRequestCodec, second), 'sent as is');

  await client.Unary(first, { compression: 'deflate', compressMessage: () => false });
  t.same(
    calls[1]?.messages.map((m) => m.compressed),
    [false],
    'a unary request can go uncompressed',
  );
  await client.Unary(first, { compression: 'gzip' });
  t.same(
    calls[2]?.messages.map((m) => m.compressed),
    [true],
    'without compressMessage every message is compressed',
  );
  await client.Unary(first, { compressMessage: () => true });
  t.same(
    calls[3]?.messages.map((m) => m.compressed),
    [false],
    'without compression, compressMessage changes nothing',
  );
  t.equal(calls[3]?.encoding, undefined);
});

// client_compressed_streaming: the first message compressed, the second not; the server must
// read both.
const servers = {
  'grpc-js': async (t: Test) => (await startGrpcJsEchoServer(t)).address,
  handwire: async (t: Test) => (await startEchoServer(t)).address,
};
for (const [name, start] of Object.entries(servers)) {
  t.test(`the ${name} server reads a compressed then an uncompressed message`, async (t) => {
    const { client } = handwireEchoClient(t, await start(t));
    const response = await client.ClientStream(
      [echoRequest({ message: 'zipped' }), echoRequest({ message: 'plain' })],
      { compression: 'gzip', compressMessage: (index) => index === 0 },
    );
    t.equal(response.message, 'zipped,plain');
    const seen: string[] = [];
    for await (const r of client.Bidi(
      [echoRequest({ message: 'a' }), echoRequest({ message: 'b' }), echoRequest({ message: 'c' })],
      { compression: 'deflate', compressMessage: (index) => index !== 1 },
    )) {
      seen.push(r.message);
    }
    t.same(seen, ['a', 'b', 'c']);
  });
}
