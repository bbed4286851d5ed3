// The handwire server against Python grpcio (Debian python3-grpcio, a C-core client nobody here
// wrote): unary, each streaming kind, metadata, deadline, error details, unknown method.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import { GrpcError, packDetail } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { BadRequestCodec } from '../../src/wire/messages/google-rpc.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';

const run = promisify(execFile);
// Debian installs grpcio for the system interpreter; a python3 earlier on PATH may not see it.
const PYTHON = '/usr/bin/python3';
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const protoRoot = fileURLToPath(new URL('../../proto/', import.meta.url));
const script = fileURLToPath(new URL('python_echo_client.py', import.meta.url));

t.test('Python grpcio client against the handwire server', async (t) => {
  const stubs = mkdtempSync(join(tmpdir(), 'handwire-py-'));
  t.teardown(() => rmSync(stubs, { recursive: true, force: true }));
  await run(PYTHON, [
    '-m',
    'grpc_tools.protoc',
    `-I${fixtures}`,
    `-I${protoRoot}`,
    `--python_out=${stubs}`,
    'echo.proto',
    'google/rpc/status.proto',
    'google/rpc/error_details.proto',
  ]);

  const server = new Server();
  server.addService(EchoService, {
    ...echoImplementation,
    async Unary(request, context) {
      if (request.message === 'details') {
        throw new GrpcError(Status.INVALID_ARGUMENT, 'the request is invalid', {
          details: [
            packDetail(BadRequestCodec, {
              fieldViolations: [
                {
                  field: 'email',
                  description: 'not an address',
                  reason: '',
                  localizedMessage: null,
                },
              ],
            }),
          ],
        });
      }
      return echoImplementation.Unary(request, context);
    },
  });
  const { address } = await server.listen();
  t.teardown(() => server.forceClose());

  const { stdout } = await run(PYTHON, [script, address], {
    env: { ...process.env, PYTHONPATH: stubs },
    timeout: 60_000,
  });
  const results = JSON.parse(stdout);

  t.same(results.unary, { message: 'héllo', payload: [0, 1, 255] });
  t.equal(results.initial_metadata['echo-text'], 'plain');
  t.same(results.initial_metadata['echo-data-bin'], [0, 200, 1]);
  t.same(results.trailing_metadata, { 'echo-trailer-note': 'end' });
  t.same(
    results.server_stream,
    Array.from({ length: 100 }, (_, i) => i),
  );
  t.same(results.client_stream, { message: '0,1,2,3,4,5,6,7,8,9', count: 10 });
  t.same(
    results.bidi,
    Array.from({ length: 10 }, (_, i) => `b${i}`),
  );
  t.equal(results.deadline, 'DEADLINE_EXCEEDED');
  t.same(results.details, {
    code: 'INVALID_ARGUMENT',
    message: 'the request is invalid',
    status_code: Status.INVALID_ARGUMENT,
    violations: [['email', 'not an address']],
  });
  t.same(results.unimplemented, [
    'UNIMPLEMENTED',
    'unknown method Nope for service handwire.test.Echo',
  ]);
});
