// grpc's official Ruby interop client (Debian ruby-grpc, src/ruby/pb/test/client.rb) against the
// handwire interop server: every case the Ruby client implements must pass, plaintext and TLS
// (grpc doc/interop-test-descriptions.md).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { INTEROP_CASES } from '../../src/services/interop/client-cases.js';
import { createInteropServer } from '../../src/services/interop/interop-server.js';
import { findTestCredentials } from '../../src/services/interop/test-credentials.js';
import { rubyInteropPrograms, runRubyClient } from '../fixtures/interop/ruby-interop.js';

/** The cases client.rb implements that need no cloud credentials, in its order. */
const RUBY_CLIENT_CASES = [
  'empty_unary',
  'large_unary',
  'client_compressed_unary',
  'client_streaming',
  'client_compressed_streaming',
  'server_streaming',
  'ping_pong',
  'timeout_on_sleeping_server',
  'empty_stream',
  'cancel_after_begin',
  'cancel_after_first_response',
  'unimplemented_method',
  'unimplemented_service',
  'status_code_and_message',
  'custom_metadata',
];

/** Cases of the descriptions that client.rb (grpc 1.51) does not have at all. */
const NOT_IN_RUBY_CLIENT = [
  'server_compressed_unary',
  'server_compressed_streaming',
  'special_status_message',
];

t.test('Ruby interop client → handwire interop server', async (t) => {
  const programs = await rubyInteropPrograms();
  const clientSource = readFileSync(join(programs, 'client.rb'), 'utf8');

  t.test('the lists above match client.rb and cover every case handwire runs', async (t) => {
    for (const name of RUBY_CLIENT_CASES) {
      t.match(clientSource, new RegExp(`def ${name}\\b`), `client.rb implements ${name}`);
    }
    for (const name of NOT_IN_RUBY_CLIENT) {
      // If a newer ruby-grpc adds one of these, this fails: move it to RUBY_CLIENT_CASES.
      t.notMatch(clientSource, new RegExp(`def ${name}\\b`), `client.rb lacks ${name}`);
    }
    t.same([...RUBY_CLIENT_CASES, ...NOT_IN_RUBY_CLIENT].sort(), Object.keys(INTEROP_CASES).sort());
  });

  for (const useTls of [false, true]) {
    t.test(useTls ? 'over TLS (server1.pem, test CA)' : 'plaintext', async (t) => {
      const credentials = findTestCredentials();
      if (useTls) t.ok(credentials, "grpc's test certificates are found in the ruby-grpc gem");
      const server = createInteropServer({
        tls:
          useTls && credentials !== undefined
            ? {
                cert: readFileSync(credentials.serverCert),
                key: readFileSync(credentials.serverKey),
              }
            : undefined,
      });
      const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
      t.teardown(() => server.close({ graceMs: 1000 }));
      // Over TLS a few cases suffice: TLS changes the connection, not what the cases check.
      const cases = useTls ? ['large_unary', 'ping_pong', 'custom_metadata'] : RUBY_CLIENT_CASES;
      const results = await runRubyClient({ address, cases, useTls });
      t.same(
        results.map((result) => result.case),
        cases,
        'the Ruby client reported every case',
      );
      for (const result of results) {
        t.ok(result.passed, `${result.case} (${result.ms} ms)`, { error: result.error });
      }
    });
  }

  for (const name of NOT_IN_RUBY_CLIENT) {
    t.test(
      name,
      { skip: 'the Ruby interop client (ruby-grpc 1.51) does not implement it' },
      () => {},
    );
  }
});
