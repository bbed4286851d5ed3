// Transparent retry (gRFC A6 "Transparent Retries"): a call the server refused before its
// application saw it — RST_STREAM REFUSED_STREAM, or a GOAWAY whose last-stream-id is below the
// call's stream — is sent again once, on a new session, for all four call shapes, with or without
// a retry policy, without counting against maxAttempts.

import http2 from 'node:http2';
import type net from 'node:net';
import t, { type Test } from 'tap';
import type { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { decodeMessage } from '../../src/wire/codec.js';
import { type EchoRequest, EchoRequestCodec } from '../fixtures/echo-codecs.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { answerEcho } from '../helpers/raw-grpc-answer.js';

type Refusal = 'rst' | 'goaway';

/**
 * A bare HTTP/2 Echo server whose first `refusals` streams are refused, by RST_STREAM
 * REFUSED_STREAM or by a GOAWAY whose last-stream-id is below the stream; later streams get
 * their whole request and an echo of it, shaped by the method.
 */
async function startRefusingServer(t: Test, how: Refusal, refusals: number, armed = true) {
  // Streams are counted, and refused, only while armed.
  const state = { armed, streams: 0, sessions: 0, answered: [] as string[][] };
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on('session', (session) => {
    state.sessions++;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    if (state.armed) state.streams++;
    if (state.armed && state.streams <= refusals) {
      if (how === 'rst') stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      else stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id! - 2);
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const requests = splitFrames(Buffer.concat(chunks));
      state.answered.push(requests.map((r) => r.message));
      const method = String(headers[':path']).split('/')[2];
      const messages =
        method === 'ClientStream'
          ? [{ message: requests.map((r) => r.message).join(','), index: requests.length }]
          : method === 'ServerStream'
            ? Array.from({ length: requests[0]!.count }, (_, index) => ({
                message: requests[0]!.message,
                index,
              }))
            : requests.map((r, index) => ({ message: r.message, index }));
      answerEcho(stream, messages);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const session of sessions) session.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, state };
}

function splitFrames(bytes: Buffer): EchoRequest[] {
  const requests: EchoRequest[] = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at + 1);
    requests.push(decodeMessage(EchoRequestCodec, bytes.subarray(at + 5, at + 5 + length)));
    at += 5 + length;
  }
  return requests;
}

for (const how of ['rst', 'goaway'] as const) {
  const what = how === 'rst' ? 'RST_STREAM REFUSED_STREAM' : 'GOAWAY below the stream';
  t.test(`${what}: every call shape is sent again once, on a new session`, async (t) => {
    const shapes = {
      Unary: async (client: ReturnType<typeof handwireEchoClient>['client']) =>
        [(await client.Unary(echoRequest({ message: 'u' }))).message].join(),
      ServerStream: async (client: ReturnType<typeof handwireEchoClient>['client']) => {
        const got: string[] = [];
        for await (const r of client.ServerStream(echoRequest({ message: 's', count: 2 }))) {
          got.push(`${r.message}${r.index}`);
        }
        return got.join();
      },
      ClientStream: async (client: ReturnType<typeof handwireEchoClient>['client']) =>
        (await client.ClientStream([echoRequest({ message: 'a' }), echoRequest({ message: 'b' })]))
          .message,
      Bidi: async (client: ReturnType<typeof handwireEchoClient>['client']) => {
        const got: string[] = [];
        for await (const r of client.Bidi([
          echoRequest({ message: 'x' }),
          echoRequest({ message: 'y' }),
        ])) {
          got.push(r.message);
        }
        return got.join();
      },
    };
    const expected = { Unary: 'u', ServerStream: 's0,s1', ClientStream: 'a,b', Bidi: 'x,y' };
    for (const [shape, run] of Object.entries(shapes)) {
      const { address, state } = await startRefusingServer(t, how, 1, false);
      // A first call connects; the next is the one refused (a GOAWAY needs a stream below it).
      const { client } = handwireEchoClient(t, address);
      await client.Unary(echoRequest({ message: 'warm-up' }));
      state.armed = true;
      const refusalsBefore = state.sessions;
      t.equal(await run(client), expected[shape as keyof typeof expected], `${shape} answered`);
      t.equal(state.streams, 2, `${shape}: refused once, sent again once`);
      if (how === 'goaway')
        t.equal(state.sessions, refusalsBefore + 1, `${shape}: on a new session`);
    }
  });
}

t.test('refused twice: the call fails UNAVAILABLE saying the server refused it', async (t) => {
  const { address, state } = await startRefusingServer(t, 'rst', 2);
  const { client } = handwireEchoClient(t, address);
  const error = (await client.Unary(echoRequest()).catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.UNAVAILABLE);
  t.match(error.message, /refused the stream \(RST_STREAM REFUSED_STREAM\) before processing/);
  t.equal(state.streams, 2, 'one transparent retry, no more');
});

t.test('a transparent retry does not count against maxAttempts', async (t) => {
  // Refused, then (policy retry) refused again is not possible with maxAttempts 2 unless the
  // first refusal was free: refused, transparent retry refused, policy retry answered.
  const { address, state } = await startRefusingServer(t, 'rst', 2);
  const { client } = handwireEchoClient(t, address, {
    serviceConfig: {
      methodConfig: [
        {
          name: [{ service: 'handwire.test.Echo' }],
          retryPolicy: {
            maxAttempts: 2,
            initialBackoff: '0.01s',
            maxBackoff: '0.01s',
            backoffMultiplier: 1,
            retryableStatusCodes: ['UNAVAILABLE'],
          },
        },
      ],
    },
  });
  t.equal((await client.Unary(echoRequest({ message: 'third' }))).message, 'third');
  t.equal(state.streams, 3);
});
