// Finding grpc's interop test certificates (server1.pem, server1.key, ca.pem): in
// $GRPC_TEST_CREDS_DIR, else in Debian ruby-grpc's gem.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  findTestCredentials,
  rubyGrpcGemDirectories,
  testCredentialsIn,
} from '../../../src/services/interop/test-credentials.js';

t.test('GRPC_TEST_CREDS_DIR wins; all three files or nothing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-creds-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const previous = process.env.GRPC_TEST_CREDS_DIR;
  t.teardown(() => {
    if (previous === undefined) delete process.env.GRPC_TEST_CREDS_DIR;
    else process.env.GRPC_TEST_CREDS_DIR = previous;
  });
  process.env.GRPC_TEST_CREDS_DIR = dir;
  writeFileSync(join(dir, 'ca.pem'), '');
  writeFileSync(join(dir, 'server1.pem'), '');
  t.equal(findTestCredentials(), undefined, 'server1.key is missing');
  writeFileSync(join(dir, 'server1.key'), '');
  t.same(findTestCredentials(), testCredentialsIn(dir));
  t.equal(findTestCredentials()?.serverKey, join(dir, 'server1.key'));
  t.end();
});

t.test('the ruby-grpc gem carries them (what CI installs)', (t) => {
  const previous = process.env.GRPC_TEST_CREDS_DIR;
  delete process.env.GRPC_TEST_CREDS_DIR;
  t.teardown(() => {
    if (previous !== undefined) process.env.GRPC_TEST_CREDS_DIR = previous;
  });
  t.ok(rubyGrpcGemDirectories().length > 0, 'a grpc gem is installed');
  t.match(findTestCredentials(), { ca: /spec\/testdata\/ca\.pem$/ });
  t.end();
});
