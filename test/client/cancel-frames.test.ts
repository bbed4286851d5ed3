// What handwire's client puts on the wire when it gives up on a client stream still sending
// (cancelled, deadline exceeded): RST_STREAM(CANCEL) alone, as grpc-go does. An END_STREAM before
// it (what node's stream.close(CANCEL) sends) would tell the server the request was complete.
// The server here is a raw socket that settles the connection and records the client's frames.

import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import type { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { Flag, FrameType, type ReadFrame, settingsFrame } from '../helpers/h2-frames.js';

const PREFACE_LENGTH = 24;

/** A server that answers SETTINGS (so the client calls) and keeps every frame the client sends. */
async function recordingPeer(t: Test): Promise<{ address: string; frames: ReadFrame[] }> {
  const frames: ReadFrame[] = [];
  const server = net.createServer((socket) => {
    socket.write(settingsFrame());
    let pending = Buffer.alloc(0);
    let prefaceSeen = false;
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!prefaceSeen && pending.length >= PREFACE_LENGTH) {
        pending = pending.subarray(PREFACE_LENGTH);
        prefaceSeen = true;
      }
      while (prefaceSeen && pending.length >= 9) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < 9 + length) break;
        const frame = {
          type: pending[3]!,
          flags: pending[4]!,
          streamId: pending.readUInt32BE(5) & 0x7fffffff,
          payload: pending.subarray(9, 9 + length),
        };
        frames.push(frame);
        if (frame.type === FrameType.SETTINGS && !(frame.flags & Flag.ACK)) {
          socket.write(settingsFrame([], true));
        }
        pending = pending.subarray(9 + length);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as net.AddressInfo;
  return { address: `127.0.0.1:${port}`, frames };
}

/** Two messages, then a request stream that never ends by itself. */
async function* twoThenWait(signal: AbortSignal) {
  yield echoRequest({ message: 'a' });
  yield echoRequest({ message: 'b' });
  await sleep(10_000, undefined, { signal }).catch(() => undefined);
}

/** The client's frames on stream 1: type names, END_STREAM marked, RST_STREAM with its code. */
function streamOne(frames: ReadFrame[]): string[] {
  return frames
    .filter((frame) => frame.streamId === 1)
    .map((frame) => {
      if (frame.type === FrameType.RST_STREAM) return `RST_STREAM ${frame.payload.readUInt32BE(0)}`;
      const name =
        frame.type === FrameType.DATA
          ? 'DATA'
          : frame.type === FrameType.HEADERS
            ? 'HEADERS'
            : `type ${frame.type}`;
      return frame.flags & Flag.END_STREAM ? `${name} END_STREAM` : name;
    });
}

async function waitForReset(frames: ReadFrame[]): Promise<void> {
  for (let i = 0; i < 200 && !frames.some((f) => f.type === FrameType.RST_STREAM); i++) {
    await sleep(5);
  }
}

const EXPECTED = ['HEADERS', 'DATA', 'DATA', 'RST_STREAM 8'];

t.test('cancelling a client stream: RST_STREAM CANCEL with no END_STREAM', async (t) => {
  const { address, frames } = await recordingPeer(t);
  const { client } = handwireEchoClient(t, address);
  const abort = new AbortController();
  const call = client.ClientStream(twoThenWait(abort.signal), { signal: abort.signal });
  for (let i = 0; i < 200 && streamOne(frames).length < 3; i++) await sleep(5);
  abort.abort();
  const error = (await call.catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.CANCELLED);
  await waitForReset(frames);
  t.same(streamOne(frames), EXPECTED);
});

t.test('a client stream past its deadline: RST_STREAM CANCEL with no END_STREAM', async (t) => {
  const { address, frames } = await recordingPeer(t);
  const { client } = handwireEchoClient(t, address);
  const stop = new AbortController();
  t.teardown(() => stop.abort());
  const call = client.ClientStream(twoThenWait(stop.signal), { timeoutMs: 300 });
  const error = (await call.catch((e: unknown) => e)) as GrpcError;
  t.equal(error.code, Status.DEADLINE_EXCEEDED);
  await waitForReset(frames);
  t.same(streamOne(frames), EXPECTED);
});

t.test('a bidi stream cancelled: RST_STREAM CANCEL with no END_STREAM', async (t) => {
  const { address, frames } = await recordingPeer(t);
  const { client } = handwireEchoClient(t, address);
  const abort = new AbortController();
  const responses = client.Bidi(twoThenWait(abort.signal), { signal: abort.signal });
  const reading = (async () => {
    for await (const _ of responses) {
    }
  })().catch((e: unknown) => e);
  for (let i = 0; i < 200 && streamOne(frames).length < 3; i++) await sleep(5);
  abort.abort();
  t.equal(((await reading) as GrpcError).code, Status.CANCELLED);
  await waitForReset(frames);
  t.same(streamOne(frames), EXPECTED);
});
