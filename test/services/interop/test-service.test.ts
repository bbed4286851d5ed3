// The handwire TestService on the wire (grpc doc/interop-test-descriptions.md, "Server"): what
// no client library shows — each response message's Compressed-Flag, the probe's status — and the
// server features no interop case reaches (HalfDuplexCall, interval_us, bad parameters).

import { gunzipSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { createChannel } from '../../../src/client/channel.js';
import { createClient } from '../../../src/client/client.js';
import { createInteropServer } from '../../../src/services/interop/interop-server.js';
import { TestServiceDefinition } from '../../../src/services/interop/test-service-definition.js';
import { GrpcError } from '../../../src/transport/grpc-error.js';
import { Status } from '../../../src/transport/status.js';
import { decodeMessage, encodeMessage, type MessageCodec } from '../../../src/wire/codec.js';
import {
  type SimpleRequest,
  SimpleRequestCodec,
  SimpleResponseCodec,
  type StreamingOutputCallRequest,
  StreamingOutputCallRequestCodec,
  StreamingOutputCallResponseCodec,
} from '../../../src/wire/messages/grpc-testing.js';
import { frame, rawRequest } from '../../helpers/raw-http2.js';

/** The length-prefixed messages of a response body: [Compressed-Flag, message bytes]. */
function messagesOf(body: Buffer): [flag: number, bytes: Buffer][] {
  const out: [number, Buffer][] = [];
  for (let at = 0; at < body.length; ) {
    const length = body.readUInt32BE(at + 1);
    out.push([body[at]!, body.subarray(at + 5, at + 5 + length)]);
    at += 5 + length;
  }
  return out;
}

function decoded<T>(codec: MessageCodec<T>, [flag, bytes]: [number, Buffer]): T {
  return decodeMessage(codec, flag === 1 ? gunzipSync(bytes) : bytes);
}

const simple = (extra: Partial<SimpleRequest>): SimpleRequest => ({
  ...SimpleRequestCodec.create(),
  ...extra,
});
const output = (extra: Partial<StreamingOutputCallRequest>): StreamingOutputCallRequest => ({
  ...StreamingOutputCallRequestCodec.create(),
  ...extra,
});
const ACCEPTS_GZIP = { 'grpc-accept-encoding': 'identity,gzip' };

t.test('the TestService on the wire', async (t) => {
  const server = createInteropServer();
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 1000 }));

  t.test('CompressedResponse: UnaryCall compresses exactly when asked', async (t) => {
    for (const value of [true, false]) {
      const request = simple({ responseSize: 1000, responseCompressed: { value } });
      const response = await rawRequest(address, {
        path: '/grpc.testing.TestService/UnaryCall',
        headers: ACCEPTS_GZIP,
        body: [frame(encodeMessage(SimpleRequestCodec, request))],
      });
      t.equal(response.trailers?.['grpc-status'], '0');
      t.equal(response.headers['grpc-encoding'], 'gzip', 'the call may compress');
      const [message] = messagesOf(response.body);
      t.equal(message![0], value ? 1 : 0, `response_compressed ${value}: flag ${value ? 1 : 0}`);
      t.equal(decoded(SimpleResponseCodec, message!).payload?.body.length, 1000);
    }
    // A client that accepts no gzip gets an uncompressed answer whatever it asked.
    const request = simple({ responseSize: 10, responseCompressed: { value: true } });
    const plain = await rawRequest(address, {
      path: '/grpc.testing.TestService/UnaryCall',
      body: [frame(encodeMessage(SimpleRequestCodec, request))],
    });
    t.equal(plain.headers['grpc-encoding'], undefined);
    t.equal(messagesOf(plain.body)[0]![0], 0);
  });

  t.test('CompressedResponse: per message in StreamingOutputCall', async (t) => {
    const flags = [true, false, false, true];
    const request = output({
      responseParameters: flags.map((value, i) => ({
        size: 100 * (i + 1),
        intervalUs: 0,
        compressed: { value },
      })),
    });
    const response = await rawRequest(address, {
      path: '/grpc.testing.TestService/StreamingOutputCall',
      headers: ACCEPTS_GZIP,
      body: [frame(encodeMessage(StreamingOutputCallRequestCodec, request))],
    });
    const messages = messagesOf(response.body);
    t.same(
      messages.map(([flag]) => flag),
      [1, 0, 0, 1],
    );
    t.same(
      messages.map((m) => decoded(StreamingOutputCallResponseCodec, m).payload?.body.length),
      [100, 200, 300, 400],
    );
  });

  t.test('CompressedRequest: expect_compressed against the flag that arrived', async (t) => {
    const body = encodeMessage(
      SimpleRequestCodec,
      simple({ responseSize: 5, expectCompressed: { value: true } }),
    );
    const probe = await rawRequest(address, {
      path: '/grpc.testing.TestService/UnaryCall',
      headers: { 'grpc-encoding': 'gzip' },
      body: [frame(body, 0)],
    });
    t.equal(probe.trailers?.['grpc-status'] ?? probe.headers['grpc-status'], '3');
    const compressed = await rawRequest(address, {
      path: '/grpc.testing.TestService/UnaryCall',
      headers: { 'grpc-encoding': 'gzip' },
      body: [frame(gzipSync(body), 1)],
    });
    t.equal(compressed.trailers?.['grpc-status'], '0');
  });

  const channel = createChannel(address);
  t.teardown(() => channel.close());
  const client = createClient(TestServiceDefinition, channel);

  t.test('HalfDuplexCall answers only after the client half-closes, in order', async (t) => {
    let sent = 0;
    async function* requests() {
      for (const size of [3, 1, 2]) {
        sent++;
        yield output({ responseParameters: [{ size, intervalUs: 0, compressed: null }] });
      }
    }
    const sizes: number[] = [];
    for await (const response of client.HalfDuplexCall(requests())) {
      t.equal(sent, 3, 'every request was sent before the first response');
      sizes.push(response.payload?.body.length ?? -1);
    }
    t.same(sizes, [3, 1, 2]);
  });

  t.test('interval_us delays each response after the previous one', async (t) => {
    const started = performance.now();
    const request = output({
      responseParameters: [
        { size: 1, intervalUs: 30_000, compressed: null },
        { size: 1, intervalUs: 30_000, compressed: null },
      ],
    });
    let count = 0;
    for await (const _ of client.StreamingOutputCall(request)) count++;
    t.equal(count, 2);
    t.ok(performance.now() - started >= 55, 'two 30 ms waits');
  });

  t.test('bad parameters are INVALID_ARGUMENT with a reason', async (t) => {
    const failures: [Promise<unknown>, RegExp][] = [
      [client.UnaryCall(simple({ responseType: 7 })), /response_type 7 is not supported/],
      [client.UnaryCall(simple({ responseSize: -1 })), /payload size of -1 bytes is negative/],
      [
        client.UnaryCall(simple({ responseStatus: { code: 99, message: 'x' } })),
        /response_status.code 99 is not a gRPC status code/,
      ],
    ];
    for (const [call, message] of failures) {
      await t.rejects(call, { code: Status.INVALID_ARGUMENT, message });
    }
    // Echo Status with OK is no error at all.
    const fine = await client.UnaryCall(simple({ responseStatus: { code: 0, message: 'ok' } }));
    t.equal(fine.payload?.body.length, 0);
  });

  t.test('Echo Status ends a server stream before any response', async (t) => {
    const request = output({
      responseParameters: [{ size: 1, intervalUs: 0, compressed: null }],
      responseStatus: { code: Status.ABORTED, message: 'stop here' },
    });
    const responses: unknown[] = [];
    const error = await (async () => {
      for await (const r of client.StreamingOutputCall(request)) responses.push(r);
    })().catch((e: unknown) => e);
    t.ok(error instanceof GrpcError);
    t.match(error, { code: Status.ABORTED, message: 'stop here' });
    t.same(responses, []);
  });

  t.test('EmptyCall and an unknown method', async (t) => {
    t.same(await client.EmptyCall({}), {});
    await t.rejects(client.UnimplementedCall({}), { code: Status.UNIMPLEMENTED });
  });
});
