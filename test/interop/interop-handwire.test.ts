// The handwire interop client against the handwire interop server: every case of grpc's
// doc/interop-test-descriptions.md that needs no cloud credentials, in process (plaintext and
// TLS), then through the two commands, `handwire interop-server` and `handwire interop-client`.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { type InteropClientFlags, interopClient } from '../../src/cli/interop-client.js';
import { interopServer } from '../../src/cli/interop-server.js';
import { createChannel } from '../../src/client/channel.js';
import {
  INTEROP_CASES,
  type InteropCaseName,
  interopClients,
  runInteropCase,
} from '../../src/services/interop/client-cases.js';
import { createInteropServer } from '../../src/services/interop/interop-server.js';
import {
  findTestCredentials,
  TEST_SERVER_HOST_OVERRIDE,
} from '../../src/services/interop/test-credentials.js';
import {
  compressionWitness,
  EXPECTED_COMPRESSION,
} from '../fixtures/interop/compression-witness.js';
import { childEnv } from '../helpers/child-env.js';
import { runHandwire } from '../helpers/serve-process.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

t.test('handwire interop client → handwire interop server, every case', async (t) => {
  const witness = compressionWitness();
  const server = createInteropServer({ interceptors: [witness.interceptor] });
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 1000 }));
  const channel = createChannel(address, { connectTimeoutMs: 5000 });
  t.teardown(() => channel.close());
  const clients = interopClients(channel);
  for (const name of Object.keys(INTEROP_CASES) as InteropCaseName[]) {
    await t.resolves(runInteropCase(name, clients, 20_000), name);
  }
  // client_compressed_unary: probe (false arrival), compressed, plain; the streaming case: probe,
  // then its first message compressed and its second not.
  t.same(
    witness.seen.map(({ expected, compressed }) => [expected, compressed]),
    EXPECTED_COMPRESSION,
    'each request arrived compressed or not as its expect_compressed says (probes excepted)',
  );
});

t.test('over TLS with grpc test certificate', async (t) => {
  const credentials = findTestCredentials();
  if (credentials === undefined) {
    t.fail("grpc's test certificates (server1.pem, ca.pem) are missing: install ruby-grpc");
    return;
  }
  const server = createInteropServer({
    tls: { cert: readFileSync(credentials.serverCert), key: readFileSync(credentials.serverKey) },
  });
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 1000 }));
  const channel = createChannel(address, {
    connectTimeoutMs: 5000,
    tls: { ca: readFileSync(credentials.ca), serverName: TEST_SERVER_HOST_OVERRIDE },
  });
  t.teardown(() => channel.close());
  const clients = interopClients(channel);
  for (const name of ['large_unary', 'ping_pong', 'custom_metadata'] as const) {
    await t.resolves(runInteropCase(name, clients, 20_000), name);
  }
});

t.test('the commands: interop-server and interop-client --test_case all', async (t) => {
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'interop-server', '--port', '0'],
    {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  t.teardown(async () => {
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  const address = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no address in 20 s: ${output}`)), 20_000);
    server.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  const port = address.split(':')[1]!;
  const all = await runHandwire(['interop-client', '--server_port', port, '--test_case', 'all']);
  t.equal(all.code, 0, 'exit code 0', { stdout: all.stdout, stderr: all.stderr });
  const passed = all.stdout.split('\n').filter((line) => line.startsWith('PASS '));
  t.same(
    passed.map((line) => line.split(' ')[1]),
    Object.keys(INTEROP_CASES),
    'one PASS line per case, in order',
  );

  // A TLS client against this plaintext server: the case fails, exit code 1, with the reason.
  const mismatch = await runHandwire([
    'interop-client',
    '--server_port',
    port,
    '--test_case',
    'empty_unary',
    '--use_tls=true',
    '--use_test_ca',
  ]);
  t.equal(mismatch.code, 1);
  t.match(mismatch.stdout, /^FAIL empty_unary: /m);
});

t.test('bad flags are one sentence (a UsageError), exit code 2', async (t) => {
  const clientCases: [InteropClientFlags, RegExp][] = [
    [{ server_host: '127.0.0.1', test_case: 'all' }, /--server_port is required/],
    [{ server_host: '127.0.0.1', server_port: '1' }, /--test_case is required/],
    [{ server_host: '127.0.0.1', server_port: '1', test_case: 'nope' }, /not a case this client/],
    [{ server_host: '127.0.0.1', server_port: 'x', test_case: 'all' }, /--server_port must be/],
    [
      { server_host: '127.0.0.1', server_port: '1', test_case: 'all', use_tls: 'maybe' },
      /--use_tls takes true or false/,
    ],
  ];
  for (const [flags, message] of clientCases) {
    await t.rejects(interopClient(flags), { name: 'UsageError', message }, JSON.stringify(flags));
  }
  await t.rejects(interopServer({ host: '127.0.0.1' }), { message: /--port is required/ });
  // A missing GRPC_TEST_CREDS_DIR means no certificates: --use_tls must say where to get them.
  const previous = process.env.GRPC_TEST_CREDS_DIR;
  process.env.GRPC_TEST_CREDS_DIR = '/nonexistent';
  t.teardown(() => {
    if (previous === undefined) delete process.env.GRPC_TEST_CREDS_DIR;
    else process.env.GRPC_TEST_CREDS_DIR = previous;
  });
  await t.rejects(interopServer({ host: '127.0.0.1', port: '0', use_tls: true }), {
    message: /--use_tls needs grpc's test certificate/,
  });
  await t.rejects(
    interopClient({
      server_host: '127.0.0.1',
      server_port: '1',
      test_case: 'all',
      use_tls: 'true',
      use_test_ca: true,
    }),
    { message: /--use_test_ca needs grpc's test ca.pem/ },
  );

  const result = await runHandwire(['interop-client', '--server_port', '1', '--test_case', 'x']);
  t.equal(result.code, 2, 'the command exits 2');
  t.match(result.stderr, /^handwire: --test_case "x" is not a case this client runs/);
});

t.test('a missing certificate file is one sentence naming its flag, exit code 2', async (t) => {
  const missing = '/nonexistent/handwire-test.pem';
  const tls = ['--use_tls=true'];
  // Any readable file passes as the certificate, so that the key is the file found missing.
  const readable = MAIN;
  const commands: [args: string[], flag: string][] = [
    [
      ['interop-client', '--server_port', '1', '--test_case', 'all', ...tls, '--ca_file', missing],
      '--ca_file',
    ],
    [['interop-server', '--port', '0', ...tls, '--tls_cert_file', missing], '--tls_cert_file'],
    [
      [
        'interop-server',
        '--port',
        '0',
        ...tls,
        '--tls_cert_file',
        readable,
        '--tls_key_file',
        missing,
      ],
      '--tls_key_file',
    ],
  ];
  const results = await Promise.all(commands.map(([args]) => runHandwire(args)));
  for (const [index, [args, flag]] of commands.entries()) {
    const { code, stderr } = results[index]!;
    t.equal(code, 2, `${args.join(' ')} exits 2`, { stderr });
    t.equal(
      stderr,
      `handwire: cannot read ${missing} (${flag}): no such file (ENOENT)\n`,
      `it names ${flag}`,
    );
  }
});
