// Backpressure both ways (docs/design.md "Backpressure is real", HTTP/2 flow control under
// PROTOCOL-HTTP2.md): a slow consumer of a server stream stops the reads, so the server stops
// producing; a client stream pulls requests only as fast as the stream drains.

import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';

const PAYLOAD = Buffer.alloc(64 * 1024, 7);
const TOTAL = 1000; // 64 MiB if nothing held it back

t.test('a slow consumer of a server stream holds the server back', async (t) => {
  let produced = 0;
  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async *ServerStream() {
      for (let index = 0; index < TOTAL; index++) {
        produced++;
        yield { message: '', index, payload: PAYLOAD };
      }
    },
  });
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  const { client } = handwireEchoClient(t, `127.0.0.1:${bound.port}`);
  const iterator = client.ServerStream(echoRequest())[Symbol.asyncIterator]();
  t.equal((await iterator.next()).value?.index, 0);
  await sleep(500);
  t.ok(produced < TOTAL / 4, `the server produced only ${produced} of ${TOTAL} messages`);
  let received = 1;
  for (;;) {
    const result = await iterator.next();
    if (result.done) break;
    received++;
  }
  t.equal(received, TOTAL, 'every message arrives once the consumer reads');
});

t.test('breaking out of a response stream cancels the call', async (t) => {
  const server = new Server();
  let cancelled = false;
  server.addService(EchoService, {
    ...echoImplementation,
    async *ServerStream(_request, context) {
      context.signal.addEventListener('abort', () => {
        cancelled = true;
      });
      for (let index = 0; ; index++) {
        yield { message: '', index, payload: new Uint8Array(0) };
        await sleep(5);
      }
    },
  });
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  const { client } = handwireEchoClient(t, `127.0.0.1:${bound.port}`);
  for await (const response of client.ServerStream(echoRequest())) {
    if (response.index === 2) break;
  }
  for (let i = 0; i < 100 && !cancelled; i++) await sleep(20);
  t.ok(cancelled, 'the server saw the cancellation');
});

t.test('a client stream is pulled only as fast as the server reads', async (t) => {
  let pulled = 0;
  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async ClientStream(requests) {
      let count = 0;
      for await (const _ of requests) {
        if (count++ === 0) await sleep(500);
      }
      return { message: '', index: count, payload: new Uint8Array(0) };
    },
  });
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  const { client } = handwireEchoClient(t, `127.0.0.1:${bound.port}`);
  let pulledAtPause = 0;
  setTimeout(() => {
    pulledAtPause = pulled;
  }, 300);
  async function* requests() {
    for (let i = 0; i < TOTAL; i++) {
      pulled++;
      yield echoRequest({ payload: PAYLOAD });
    }
  }
  const response = await client.ClientStream(requests());
  t.equal(response.index, TOTAL);
  t.ok(
    pulledAtPause < TOTAL / 4,
    `only ${pulledAtPause} of ${TOTAL} requests pulled while the server paused`,
  );
});
