// The in-memory stand-in for a TCP connection (transport/duplex-pair.ts): bytes in order, a
// writer held back by a reader that does not read, end-of-stream after the bytes already sent,
// and one end's destroy seen by the other as the peer closing.

import { once } from 'node:events';
import t from 'tap';
import { connectedPair } from '../../src/transport/duplex-pair.js';

t.test('what one end writes the other reads, in order, both ways', async (t) => {
  const [client, server] = connectedPair();
  const received: string[] = [];
  server.on('data', (chunk: Buffer) => received.push(chunk.toString()));
  client.write('a');
  client.write('b');
  client.end('c');
  await once(server, 'end');
  t.equal(received.join(''), 'abc');
  server.end('back');
  const [reply] = await once(client, 'data');
  t.equal(String(reply), 'back', 'half-closed, the other direction still works');
});

t.test('a writer waits while its reader does not read', async (t) => {
  const [client, server] = connectedPair();
  const big = Buffer.alloc(64 * 1024, 1);
  let written = 0;
  // Nobody reads `server`: its buffer fills, then the client's writes stop completing.
  for (let i = 0; i < 8; i++) client.write(big, () => written++);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(written < 8, `only ${written} of 8 writes completed while nothing was read`);
  let bytes = 0;
  server.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  client.end();
  await once(server, 'end');
  t.equal(bytes, 8 * big.length, 'reading let every write through, in full');
  t.equal(written, 8);
});

t.test('destroying one end delivers what it sent, then end-of-stream, to the other', async (t) => {
  const [client, server] = connectedPair();
  const received: string[] = [];
  server.on('data', (chunk: Buffer) => received.push(chunk.toString()));
  client.write('last words');
  client.destroy();
  await once(server, 'end');
  t.same(received, ['last words']);
  // Writes to a closed connection are lost without an error, as sent bytes are over TCP.
  await new Promise<void>((resolve) => server.write('into the void', () => resolve()));
  t.pass('a write after the peer closed completes');
});
