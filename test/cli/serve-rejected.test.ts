// Calls `handwire serve` rejects before any handler runs — a 5 MiB request (RESOURCE_EXHAUSTED),
// an undecodable body (INTERNAL), an unknown method (UNIMPLEMENTED) — get their log line and their
// metrics like every other call (issue #17; docs/contract.md §5).
// serve passes rejectedCallRecorder (src/services/interceptors/rejected-calls.ts) to the server's
// onCallRejected hook.

import t from 'tap';
import { frame, rawRequest } from '../helpers/raw-http2.js';
import { startServe } from '../helpers/serve-process.js';

t.test('rejected calls are logged and counted', async (t) => {
  const serve = await startServe(['--no-kafka', '--metrics-port', '0']);
  t.teardown(() => serve.stop('SIGKILL'));
  const big = await rawRequest(serve.address, {
    path: '/user.UserService/GetUser',
    headers: { 'x-request-id': 'big-1' },
    body: [frame(Buffer.alloc(5 * 1024 * 1024))],
    timeoutMs: 10_000,
  });
  t.equal(big.headers['grpc-status'] ?? big.trailers?.['grpc-status'], '8');
  const undecodable = await rawRequest(serve.address, {
    path: '/user.UserService/GetUser',
    headers: { 'x-request-id': 'bad-body-1' },
    body: [frame(Buffer.from([0x0a, 0x09]))],
  });
  t.equal(undecodable.headers['grpc-status'], '13');
  const unknown = await rawRequest(serve.address, {
    path: '/user.UserService/NoSuchMethod',
    headers: { 'x-request-id': 'unknown-1' },
    body: [frame(Buffer.alloc(0))],
  });
  t.equal(unknown.headers['grpc-status'], '12');

  // The log is written asynchronously: wait for the last call's line (lines keep their order).
  const stderr = await serve.waitForStderr(/"request_id":"unknown-1"/);
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const byId = (id: string) => lines.find((line) => line.request_id === id);
  t.match(byId('big-1'), { code: 'RESOURCE_EXHAUSTED', method: '/user.UserService/GetUser' });
  t.match(byId('bad-body-1'), { code: 'INTERNAL', method: '/user.UserService/GetUser' });
  t.match(byId('unknown-1'), { code: 'UNIMPLEMENTED' });

  const text = await (await fetch(`http://127.0.0.1:${serve.metricsPort}/metrics`)).text();
  t.match(
    text,
    /grpc_server_handled_total\{[^}]*grpc_method="GetUser",grpc_code="ResourceExhausted"\} 1/,
  );
  t.match(text, /grpc_server_handled_total\{[^}]*grpc_method="GetUser",grpc_code="Internal"\} 1/);
  t.match(text, /grpc_server_handled_total\{grpc_type="unknown"[^}]*grpc_code="Unimplemented"\} 1/);
});
