// migrate's connection flags: --server, --token as a bearer header, TLS from the TLS flags, and a
// sentence for each mistake.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { checkConnectionFlags } from '../../src/cli/migrate-connection.js';
import { makeTestCertificates } from '../helpers/test-certificates.js';

const base = { server: '127.0.0.1:50051', connectTimeout: '10' };

t.test('defaults: plaintext, no authorization, the connect timeout in ms', async (t) => {
  const connection = checkConnectionFlags(base);
  t.equal(connection.target, '127.0.0.1:50051');
  t.same(connection.channelOptions, { connectTimeoutMs: 10_000 });
  t.equal(connection.metadata.get('authorization'), undefined);
});

t.test('--token becomes authorization: Bearer <token>, with or without the word', async (t) => {
  for (const token of ['abc.def.ghi', 'Bearer abc.def.ghi', 'bearer  abc.def.ghi ']) {
    const connection = checkConnectionFlags({ ...base, token });
    t.equal(connection.metadata.get('authorization'), 'Bearer abc.def.ghi');
  }
  t.throws(() => checkConnectionFlags({ ...base, token: 'two words' }), {
    name: 'UsageError',
    message: /--token must be the token itself/,
  });
});

t.test('the TLS flags turn TLS on and carry the files read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-migrate-'));
  const certificates = makeTestCertificates(t);
  const pems = {
    'ca.pem': certificates.ca.toString(),
    'cert.pem': certificates.client.cert.toString(),
    'key.pem': certificates.client.key.toString(),
  };
  for (const [name, pem] of Object.entries(pems)) writeFileSync(join(dir, name), pem);
  t.same(checkConnectionFlags({ ...base, tls: true }).channelOptions.tls, {
    ca: undefined,
    cert: undefined,
    key: undefined,
    serverName: undefined,
  });
  t.same(
    checkConnectionFlags({
      ...base,
      tlsCa: join(dir, 'ca.pem'),
      tlsCert: join(dir, 'cert.pem'),
      tlsKey: join(dir, 'key.pem'),
      tlsServerName: 'handwire.test',
    }).channelOptions.tls,
    {
      ca: pems['ca.pem'],
      cert: pems['cert.pem'],
      key: pems['key.pem'],
      serverName: 'handwire.test',
    },
  );
  t.throws(() => checkConnectionFlags({ ...base, tlsCert: join(dir, 'cert.pem') }), {
    message: '--tls-cert and --tls-key go together: give both or neither',
  });
  t.throws(() => checkConnectionFlags({ ...base, tlsCa: join(dir, 'missing.pem') }), {
    message: `cannot read ${join(dir, 'missing.pem')} (--tls-ca): no such file (ENOENT)`,
  });
});

t.test('a bad --server or --connect-timeout is one sentence', async (t) => {
  for (const server of ['localhost', 'http://localhost:50051', ':50051', '127.0.0.1:port']) {
    t.throws(() => checkConnectionFlags({ ...base, server }), {
      name: 'UsageError',
      message: /^--server must be host:port/,
    });
  }
  t.throws(() => checkConnectionFlags({ ...base, connectTimeout: 'soon' }), {
    message: /--connect-timeout must be a number of seconds/,
  });
});

t.test('--connect-timeout: above 0 and within Node timers, else a sentence', async (t) => {
  t.equal(
    checkConnectionFlags({ ...base, connectTimeout: '0.5' }).channelOptions.connectTimeoutMs,
    500,
  );
  for (const value of ['0', '-1', '', 'soon', 'Infinity']) {
    t.throws(() => checkConnectionFlags({ ...base, connectTimeout: value }), {
      name: 'UsageError',
      message: `--connect-timeout must be a number of seconds above 0 (0.5 is half a second), not "${value}"`,
    });
  }
  t.throws(() => checkConnectionFlags({ ...base, connectTimeout: '99999999' }), {
    name: 'UsageError',
    message: /--connect-timeout must be at most 2147483 seconds/,
  });
});
