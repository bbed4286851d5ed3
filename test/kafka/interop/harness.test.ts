// The differential harness's own moving parts, without any broker: what normalise maps away (and
// what it must keep), kcat's -J header list, and the recording proxy's framing and pairing.

import net from 'node:net';
import t from 'tap';
import { normalise } from '../support/differential.js';
import { startKafkaRecorder } from '../support/kafka-recorder.js';
import { parseKcatJson } from '../support/kcat.js';

t.test('normalise maps unique names back and drops volatile fields only', async (t) => {
  const suffix = '.run7-1';
  t.same(
    normalise(
      {
        topic: `orders${suffix}`,
        memberId: 'rdkafka-1234',
        timestamp: 1796320405186,
        committed: { [`orders${suffix}`]: 6 },
        records: [{ key: 'k', value: `v${suffix}`, offset: 0, ts: 1 }],
      },
      suffix,
    ),
    { topic: 'orders', committed: { orders: 6 }, records: [{ key: 'k', value: 'v', offset: 0 }] },
  );
  t.not(
    JSON.stringify(normalise({ offset: 1, key: 'a' }, suffix)),
    JSON.stringify(normalise({ offset: 2, key: 'a' }, suffix)),
    'offsets, keys and values still tell outcomes apart',
  );
});

t.test("kcat's -J headers become [key, value] pairs in order", async (t) => {
  const record = parseKcatJson(
    '{"topic":"t","partition":2,"offset":7,"tstype":"create","ts":1,"broker":1,' +
      '"headers":["b","2","a","1"],"key":null,"payload":"v"}',
  );
  t.same(record, {
    topic: 't',
    partition: 2,
    offset: 7,
    key: null,
    value: 'v',
    headers: [
      ['b', '2'],
      ['a', '1'],
    ],
  });
});

/** A size-prefixed frame. */
function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function request(apiKey: number, version: number, correlationId: number, rest: string): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt16BE(apiKey, 0);
  head.writeInt16BE(version, 2);
  head.writeInt32BE(correlationId, 4);
  return Buffer.concat([head, Buffer.from(rest)]);
}

t.test('the recorder forwards bytes unchanged and pairs split, pipelined frames', async (t) => {
  // A fake broker: answers each request frame with its correlation id and "ok", in order.
  const upstream = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const body = buffered.subarray(4, 4 + buffered.readInt32BE(0));
        buffered = buffered.subarray(4 + body.length);
        const answer = Buffer.alloc(4);
        answer.writeInt32BE(body.readInt32BE(4));
        socket.write(frame(Buffer.concat([answer, Buffer.from('ok')])));
      }
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => upstream.close(() => resolve())));
  const recorder = await startKafkaRecorder(0, (upstream.address() as net.AddressInfo).port);
  t.teardown(() => recorder.close());

  const [host, port] = recorder.address.split(':');
  const client = net.connect(Number(port), host!);
  t.teardown(() => client.destroy());
  const sent = Buffer.concat([
    frame(request(18, 3, 1, 'api-versions')),
    frame(request(3, 12, 2, 'metadata')),
  ]);
  let received = Buffer.alloc(0);
  const done = new Promise<void>((resolve) =>
    client.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length === 2 * (4 + 6)) resolve();
    }),
  );
  // Split inside the second frame's size prefix: the recorder must reassemble across chunks.
  client.write(sent.subarray(0, 30));
  await new Promise((resolve) => setTimeout(resolve, 20));
  client.write(sent.subarray(30));
  await done;

  const answer = (id: number) => {
    const head = Buffer.alloc(4);
    head.writeInt32BE(id);
    return frame(Buffer.concat([head, Buffer.from('ok')]));
  };
  t.same(received, Buffer.concat([answer(1), answer(2)]), 'the client gets the bytes unchanged');

  const exchanges = recorder.take();
  t.same(
    exchanges.map((e) => [
      e.apiKey,
      e.apiVersion,
      e.correlationId,
      e.request.subarray(8).toString(),
    ]),
    [
      [18, 3, 1, 'api-versions'],
      [3, 12, 2, 'metadata'],
    ],
  );
  t.same(
    exchanges.map((e) => e.response?.readInt32BE(0)),
    [1, 2],
    'each response is paired with its request by correlation id',
  );
  t.same(recorder.take(), [], 'take() hands each exchange out once');
});
