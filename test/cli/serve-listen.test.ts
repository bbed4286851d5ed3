// `handwire serve` when a port it needs is taken or its host does not resolve: one sentence
// naming the flag and the address, exit code 2, and nothing left listening.

import { createConnection, createServer, type Server as NetServer } from 'node:net';
import t from 'tap';
import { freePort } from '../helpers/free-port.js';
import { runHandwire } from '../helpers/serve-process.js';

async function occupy(): Promise<{ server: NetServer; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

t.test('--metrics-port taken: one sentence, exit 2, the gRPC port closed again', async (t) => {
  const taken = await occupy();
  t.teardown(() => taken.server.close());
  const grpcPort = await freePort();
  const started = Date.now();
  const result = await runHandwire([
    'serve',
    '--port',
    String(grpcPort),
    '--no-kafka',
    '--metrics-port',
    String(taken.port),
  ]);
  t.equal(result.code, 2, 'exits 2 on its own (not killed)');
  t.ok(Date.now() - started < 15_000, 'without waiting for a signal');
  t.notMatch(result.stdout, /serving/);
  const lines = result.stderr.trim().split('\n');
  t.equal(lines.length, 1, 'one line');
  t.match(
    lines[0],
    new RegExp(`^handwire: --metrics-port ${taken.port}: 127\\.0\\.0\\.1:${taken.port} is in use`),
  );
  t.match(lines[0], /pick another port/);
  t.equal(await listening(grpcPort), false, 'nothing left listening on the gRPC port');
});

t.test('--port taken: the sentence names --port and the address', async (t) => {
  const taken = await occupy();
  t.teardown(() => taken.server.close());
  const result = await runHandwire(['serve', '--port', String(taken.port), '--no-kafka']);
  t.equal(result.code, 2);
  t.match(
    result.stderr,
    new RegExp(`^handwire: --port ${taken.port}: 127\\.0\\.0\\.1:${taken.port} is in use`),
  );
  t.notMatch(result.stderr, /EADDRINUSE: address already in use/);
});

t.test('--host that does not resolve: names the flag and the host, not getaddrinfo', async (t) => {
  const result = await runHandwire([
    'serve',
    '--host',
    'nowhere.invalid',
    '--insecure',
    '--no-kafka',
  ]);
  t.equal(result.code, 2);
  t.match(result.stderr, /^handwire: --host nowhere\.invalid: no such host/);
  t.match(result.stderr, /give an IP address/);
  t.notMatch(result.stderr, /getaddrinfo/);
});

t.test('listenFailure: a sentence per cause, naming the flag and the address', async (t) => {
  const { listenFailure } = await import('../../src/cli/listen-error.js');
  const failure = (code: string | undefined, host = '127.0.0.1') =>
    listenFailure('--port', host, 80, Object.assign(new Error(`listen ${code}`), { code })).message;
  t.match(failure('EADDRINUSE', '::1'), /^--port 80: \[::1\]:80 is in use/);
  t.match(failure('EACCES'), /^--port 80: listening on 127\.0\.0\.1:80 is not permitted/);
  t.match(failure('ENOTFOUND', 'x.invalid'), /^--host x\.invalid: no such host/);
  t.match(failure('EAI_AGAIN', 'x.invalid'), /^--host x\.invalid: no such host/);
  t.match(failure('EADDRNOTAVAIL', '10.9.9.9'), /^--host 10\.9\.9\.9: that address is not one of/);
  t.equal(failure(undefined), 'cannot listen on 127.0.0.1:80 (--port): listen undefined');
});
