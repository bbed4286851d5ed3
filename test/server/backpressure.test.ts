// Backpressure both ways on a raw HTTP/2 client: a server stream stalls while the client does not
// read, a client stream stalls while the handler does not read (HTTP/2 RFC 9113 §5.2 flow control;
// docs/design.md "Backpressure is real").

import http2 from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import type { ServiceImplementation } from '../../src/server/handlers.js';
import { Server } from '../../src/server/server.js';
import { Status } from '../../src/transport/status.js';
import type { MessageCodec } from '../../src/wire/codec.js';
import { FrameDecoder } from '../../src/wire/framing.js';
import { type EchoRequest, EchoRequestCodec, EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import {
  collectCall,
  connectRaw,
  echoFrame,
  nextEvent,
  openCall,
  within,
} from '../helpers/raw-session.js';

const KIB = new Uint8Array(1024).fill(7);

/** Starts a server with the Echo service, some of its handlers replaced. */
async function startServer(
  t: Test,
  service: typeof EchoService,
  overrides: Partial<ServiceImplementation<typeof EchoService>>,
): Promise<string> {
  const server = new Server();
  server.addService(service, { ...echoImplementation, ...overrides });
  const { address } = await server.listen();
  t.teardown(() => server.forceClose());
  return address;
}

/** Polls `condition` every 10 ms until it holds, or fails after `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(10);
  }
}

t.test(
  'a server stream stalls while the client does not read, and goes on when it does',
  async (t) => {
    let yielded = 0;
    let finallyRan = false;
    let signal: AbortSignal | undefined;
    const address = await startServer(t, EchoService, {
      async *ServerStream(request, context) {
        signal = context.signal;
        try {
          for (let index = 0; index < request.count; index++) {
            yielded++;
            yield { message: '', index, payload: request.payload };
          }
        } finally {
          finallyRan = true;
        }
      },
    });
    const { session } = await connectRaw(t, address);
    const stream = openCall(session, 'ServerStream');
    // No 'data' listener: the stream is never read, so its flow-control window is never reopened.
    stream.end(echoFrame({ count: 200_000, payload: KIB }));
    await nextEvent(stream, 'response', 5000);

    await sleep(500);
    const first = yielded;
    await sleep(200);
    const second = yielded;
    t.ok(first > 0, `the handler started yielding (${first})`);
    t.ok(first < 3000, `the handler stalled after ${first} of 200,000 messages`);
    t.equal(second, first, 'the handler yields nothing more while the client does not read');

    // Read again: messages flow past the stall point.
    let received = 0;
    const decoder = new FrameDecoder(1 << 20);
    stream.on('data', (chunk: Buffer) =>
      decoder.push(chunk, () => {
        received++;
      }),
    );
    await until(() => received >= first + 5000, 10_000, 'messages after the client read again');
    t.ok(yielded > first + 5000, `the handler went on yielding (${yielded})`);

    // Cancel (RST_STREAM CANCEL): the generator is closed and the call's signal aborted.
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await until(() => finallyRan, 3000, "the generator's finally block");
    t.ok(signal?.aborted, "the handler's signal is aborted");
    t.match(signal?.reason, { code: Status.CANCELLED }, 'with CANCELLED');
  },
);

t.test(
  'a client stream stalls while the handler does not read, then delivers everything',
  async (t) => {
    let decoded = 0;
    // The request codec counts every message the server decodes.
    const countingCodec: MessageCodec<EchoRequest> = {
      ...EchoRequestCodec,
      read(reader, into) {
        decoded++;
        return EchoRequestCodec.read(reader, into);
      },
    };
    const service = {
      ...EchoService,
      methods: {
        ...EchoService.methods,
        ClientStream: { ...EchoService.methods.ClientStream, requestCodec: countingCodec },
      },
    } as const;
    let firstRead!: () => void;
    const readOne = new Promise<void>((resolve) => {
      firstRead = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const address = await startServer(t, service, {
      async ClientStream(requests) {
        const iterator = requests[Symbol.asyncIterator]();
        let count = 0;
        if (!(await iterator.next()).done) count++;
        firstRead();
        await released;
        while (!(await iterator.next()).done) count++;
        return { message: 'read all', index: count, payload: new Uint8Array(0) };
      },
    });
    const { session } = await connectRaw(t, address);
    const stream = openCall(session, 'ClientStream');
    const result = collectCall(stream, 15_000);
    const message = echoFrame({ payload: KIB });
    stream.write(message);
    await within(readOne, 5000, 'the handler to read the first message');

    // Write as fast as write() allows for 500 ms, waiting for 'drain' whenever it says so.
    let written = 1;
    const end = Date.now() + 500;
    while (Date.now() < end) {
      written++;
      if (stream.write(message)) continue;
      await nextEvent(stream, 'drain', Math.max(1, end - Date.now())).catch(() => {});
    }
    const firstDecoded = decoded;
    let drains = 0;
    stream.on('drain', () => drains++);
    await sleep(200);
    t.ok(stream.writableNeedDrain, `the client's last write returned false (${written} written)`);
    t.equal(drains, 0, "and no 'drain' follows: the client's writes are stalled");
    t.ok(stream.writableLength > 0, `the client holds ${stream.writableLength} unsent bytes`);
    t.equal(decoded, firstDecoded, 'the server decodes nothing more while the handler waits');
    t.ok(firstDecoded < 200, `the server decoded only ${firstDecoded} of ${written} messages`);

    // The handler reads again: every message written arrives.
    release();
    stream.end();
    const { responses, status } = await result;
    t.equal(status, '0');
    t.equal(responses[0]?.index, written, 'the handler read every message the client wrote');
    t.equal(decoded, written);
  },
);
