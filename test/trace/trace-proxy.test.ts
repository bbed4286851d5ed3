// The tracing proxy passes every byte on unchanged, and tells what it cannot read in a sentence
// instead of failing the connection.

import net from 'node:net';
import t from 'tap';
import type { TracedFrame } from '../../src/trace/connection-trace.js';
import { startTraceProxy } from '../../src/trace/trace-proxy.js';

t.test('bytes that are not HTTP/2 still flow, and the trace says why it stopped', async (t) => {
  const echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  t.teardown(() => echo.close());
  const frames: TracedFrame[] = [];
  const events: string[] = [];
  const proxy = await startTraceProxy({
    listenHost: '127.0.0.1',
    listenPort: 0,
    targetHost: '127.0.0.1',
    targetPort: (echo.address() as net.AddressInfo).port,
    onFrame: (_connection, traced) => frames.push(traced),
    onConnection: (connection, event) => events.push(`${connection} ${event}`),
  });
  t.teardown(() => proxy.close());
  const socket = net.connect(proxy.port, '127.0.0.1');
  const request = 'GET / HTTP/1.1\r\nHost: example\r\n\r\n';
  socket.end(request);
  let echoed = '';
  for await (const chunk of socket) echoed += chunk;
  t.equal(echoed, request, 'every byte passed through both ways');
  t.equal(frames[0]?.title, 'not HTTP/2');
  t.match(
    frames[0]?.lines[0]?.text,
    /client's bytes stop making sense as HTTP\/2 here: .*connection preface.*passed on untraced/,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(events, ['1 opened', '1 closed']);
});

t.test('a target that refuses is reported and the client is disconnected', async (t) => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const events: string[] = [];
  const proxy = await startTraceProxy({
    listenHost: '127.0.0.1',
    listenPort: 0,
    targetHost: '127.0.0.1',
    targetPort: port,
    onFrame: () => {},
    onConnection: (_connection, event) => events.push(event),
  });
  t.teardown(() => proxy.close());
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((resolve) => socket.on('close', resolve));
  t.match(events[0], /the target 127\.0\.0\.1:\d+ failed: connect ECONNREFUSED/);
});
