// `handwire trace` as a user runs it: a child process in front of a server, printing the annotated
// frames of calls made through it by handwire's client and by grpcurl; bad flags are one sentence.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { createChannel } from '../../src/client/channel.js';
import { createClient } from '../../src/client/client.js';
import { Server } from '../../src/server/server.js';
import { createUserService, UserServiceDefinition } from '../../src/services/user/user-service.js';
import { UserStore } from '../../src/store/user-store.js';
import { childEnv } from '../helpers/child-env.js';
import { requireGoTool, skipUnless } from '../helpers/peer-tools.js';
import { runTool } from '../helpers/run-tool.js';
import { runHandwire } from '../helpers/serve-process.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface TraceProcess {
  readonly child: ChildProcess;
  readonly address: string;
  output(): string;
  /** Resolves once the output matches `pattern` (or rejects after 10 s). */
  waitFor(pattern: RegExp): Promise<void>;
}

async function startTrace(t: Test, target: string): Promise<TraceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'trace', '--target', target], {
    env: childEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const waitFor = async (pattern: RegExp) => {
    const started = Date.now();
    while (!pattern.test(output)) {
      if (Date.now() - started > 10_000 || child.exitCode !== null)
        throw new Error(`handwire trace never printed ${pattern}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await waitFor(/handwire tracing on (\S+)/);
  const address = /handwire tracing on (\S+)/.exec(output)![1]!;
  return { child, address, output: () => output, waitFor };
}

async function userServer(t: Test): Promise<string> {
  const store = new UserStore();
  store.create({ username: 'ada', email: 'ada@example.com', fullName: 'Ada Lovelace', role: 2 });
  const server = new Server();
  server.addService(UserServiceDefinition, createUserService(store));
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 0 }));
  return `127.0.0.1:${port}`;
}

t.test("handwire's client through handwire trace", async (t) => {
  const trace = await startTrace(t, await userServer(t));
  const channel = createChannel(trace.address);
  t.teardown(() => channel.close());
  const users = createClient(UserServiceDefinition, channel);
  const user = await users.CreateUser({
    username: 'grace',
    email: 'grace@example.com',
    fullName: '',
    role: 1,
  });
  t.equal(user.username, 'grace', 'the call went through unchanged');
  await trace.waitFor(/grpc-status: 0/);
  const out = trace.output();
  t.match(out, /#1 client → server {2}connection preface/);
  t.match(out, /:path: \/user\.UserService\/CreateUser — literal/);
  t.match(out, /a user\.CreateUserRequest:/);
  t.match(out, /field 2 email \(string\), wire type 2 LEN: key = 2 << 3 \| 2/);
  t.match(out, /UTF-8 "grace@example\.com"/);
  t.match(out, /field 6 created_at \(int64\), wire type 0 VARINT/);
  trace.child.kill('SIGINT');
  const [code] = await once(trace.child, 'exit');
  t.equal(code, 0, 'SIGINT stops it cleanly');
});

t.test('grpcurl through handwire trace', { skip: skipUnless('grpcurl') }, async (t) => {
  const trace = await startTrace(t, await userServer(t));
  const grpcurl = requireGoTool('grpcurl');
  const proto = fileURLToPath(new URL('../../proto/', import.meta.url));
  const run = await runTool(
    grpcurl,
    [
      '-plaintext',
      '-import-path',
      proto,
      '-proto',
      'user.proto',
      '-d',
      '{"username":"x"}',
      trace.address,
      'user.UserService/CreateUser',
    ],
    { timeoutMs: 20_000 },
  );
  t.match(run.stderr, /InvalidArgument/, 'grpcurl got the server’s answer');
  await trace.waitFor(/grpc-status-details-bin/);
  const out = trace.output();
  t.match(out, /user-agent: grpcurl\//);
  t.match(out, /grpc-status: 3/);
  t.match(out, /a google\.rpc\.BadRequest message:/);
  t.match(out, /field 1 field \(string\)/);
});

t.test(
  'a bad flag is one sentence and exit code 2 (the other checks run in process below)',
  async (t) => {
    const noPort = await runHandwire(['trace', '--target', 'localhost']);
    t.equal(noPort.code, 2);
    t.match(
      noPort.stderr,
      /handwire: --target must be host:port \(e\.g\. 127\.0\.0\.1:50051\), not "localhost"/,
    );
  },
);

t.test('the flag checks, in process', async (t) => {
  const { parseHostPort, trace } = await import('../../src/cli/trace.js');
  t.same(parseHostPort('--target', '[::1]:50051'), { host: '::1', port: 50051 });
  t.same(parseHostPort('--listen', 'localhost:0'), { host: 'localhost', port: 0 });
  t.throws(
    () => parseHostPort('--target', 'a:99999'),
    /--target's port must be a whole number from 0 to 65535/,
  );
  await t.rejects(
    trace({ listen: '0.0.0.0:0', target: '127.0.0.1:1' }),
    /refusing to listen on 0\.0\.0\.0/,
  );
  await t.rejects(
    trace({ listen: '127.0.0.1:0', target: '127.0.0.1:1', proto: ['test/fixtures/missing.proto'] }),
    /--proto: cannot load/,
  );
});
