// The server's four call shapes and metadata, driven by @grpc/grpc-js as the client
// (grpc PROTOCOL-HTTP2.md "Requests", "Responses"; custom metadata incl. -bin keys).

import t from 'tap';
import { startEchoServer } from '../helpers/echo-server.js';
import { echoClient, grpc, unary } from '../helpers/grpc-js-echo.js';

t.test('unary echoes message and payload', async (t) => {
  const { address } = await startEchoServer(t);
  const client = echoClient(address);
  t.teardown(() => client.close());
  const payload = Buffer.from([0, 1, 2, 255]);
  const response = await unary(client, { message: 'héllo ✓', payload });
  t.equal(response.message, 'héllo ✓');
  t.same(Buffer.from(response.payload), payload);
});

t.test('server streaming delivers every message in order', async (t) => {
  const { address } = await startEchoServer(t);
  const client = echoClient(address);
  t.teardown(() => client.close());
  const call = client.ServerStream({ message: 'x', count: 500 });
  const indexes: number[] = [];
  for await (const response of call) indexes.push(response.index);
  t.same(
    indexes,
    Array.from({ length: 500 }, (_, i) => i),
  );
});

t.test('client streaming reads every request', async (t) => {
  const { address } = await startEchoServer(t);
  const client = echoClient(address);
  t.teardown(() => client.close());
  const response = await new Promise<any>((resolve, reject) => {
    const call = client.ClientStream((error: Error | null, value: unknown) =>
      error ? reject(error) : resolve(value),
    );
    for (const message of ['a', 'b', 'c', 'd']) call.write({ message });
    call.end();
  });
  t.equal(response.message, 'a,b,c,d');
  t.equal(response.index, 4);
});

t.test('client streaming with no requests answers once the client half-closes', async (t) => {
  const { address } = await startEchoServer(t);
  const client = echoClient(address);
  t.teardown(() => client.close());
  const response = await new Promise<any>((resolve, reject) => {
    const call = client.ClientStream((error: Error | null, value: unknown) =>
      error ? reject(error) : resolve(value),
    );
    call.end();
  });
  t.equal(response.index, 0);
});

t.test('bidi answers each request before the next is sent (ping-pong)', async (t) => {
  const { address } = await startEchoServer(t);
  const client = echoClient(address);
  t.teardown(() => client.close());
  const call = client.Bidi();
  const iterator = call[Symbol.asyncIterator]();
  for (let i = 0; i < 20; i++) {
    call.write({ message: `ping ${i}` });
    const { value } = await iterator.next();
    t.equal(value.message, `ping ${i}`);
    t.equal(value.index, i);
  }
  call.end();
  t.equal((await iterator.next()).done, true);
});

t.test('metadata: custom and -bin headers in, response headers and trailers out', async (t) => {
  const { address } = await startEchoServer(t);
  const client = echoClient(address);
  t.teardown(() => client.close());
  const metadata = new grpc.Metadata();
  metadata.set('echo-text', 'plain value');
  metadata.set('echo-data-bin', Buffer.from([0, 200, 1, 2]));
  metadata.set('echo-trailer-note', 'at the end');
  let headers: grpc.Metadata | undefined;
  let trailers: grpc.Metadata | undefined;
  await new Promise<void>((resolve, reject) => {
    const call = client.Unary({ message: 'm' }, metadata, (error: Error | null) =>
      error ? reject(error) : resolve(),
    );
    call.on('metadata', (value: grpc.Metadata) => {
      headers = value;
    });
    call.on('status', (status: grpc.StatusObject) => {
      trailers = status.metadata;
    });
  });
  t.same(headers?.get('echo-text'), ['plain value']);
  t.same(headers?.get('echo-data-bin'), [Buffer.from([0, 200, 1, 2])]);
  t.same(trailers?.get('echo-trailer-note'), ['at the end']);
  t.same(headers?.get('echo-trailer-note'), [], 'trailer metadata is not sent as a header');
});
