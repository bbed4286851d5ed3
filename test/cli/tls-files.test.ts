// The TLS flags' files: a file that is no certificate or no key, or a key of another certificate,
// is one sentence naming the flag and the file (issue #17), in serve and migrate alike, before
// anything listens or connects.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { checkKeyMatches, readCertificateFlag, readKeyFlag } from '../../src/cli/tls-files.js';
import { runHandwire } from '../helpers/serve-process.js';
import { makeTestCertificates } from '../helpers/test-certificates.js';

const certificates = makeTestCertificates(t);
const dir = mkdtempSync(join(tmpdir(), 'handwire-tls-files-'));
const file = (name: string, contents: string | Buffer) => {
  writeFileSync(join(dir, name), contents);
  return join(dir, name);
};
const notPem = file('hostname', 'a-host-name\n');
const serverCert = file('server.pem', certificates.server.cert);
const serverKey = file('server.key', certificates.server.key);
const clientKey = file('client.key', certificates.client.key);
const encryptedKey = file(
  'encrypted.key',
  '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n',
);
const damaged = file(
  'damaged.pem',
  '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n',
);
const csv = file('rows.csv', 'user_id,current_offer,target_offer\nu,BASIC,PLUS\n');

t.test('serve --tls-cert that is not a certificate names the flag and the file', async (t) => {
  const result = await runHandwire([
    'serve',
    '--port',
    '0',
    '--no-kafka',
    '--tls-cert',
    notPem,
    '--tls-key',
    serverKey,
  ]);
  t.equal(result.code, 2);
  t.equal(
    result.stderr,
    `handwire: --tls-cert ${notPem} holds no certificate: a PEM file with a "-----BEGIN CERTIFICATE-----" line is needed\n`,
  );
  t.notMatch(result.stderr, /PEM routines/);
});

t.test(
  'serve with a key of another certificate: says which files do not belong together',
  async (t) => {
    const result = await runHandwire([
      'serve',
      '--port',
      '0',
      '--no-kafka',
      '--tls-cert',
      serverCert,
      '--tls-key',
      clientKey,
    ]);
    t.equal(result.code, 2);
    t.equal(
      result.stderr,
      `handwire: --tls-key ${clientKey} is not the key of --tls-cert ${serverCert} (their public keys differ): give the private key the certificate was issued for\n`,
    );
    t.notMatch(result.stderr, /key values mismatch/);
  },
);

t.test(
  'migrate --tls-ca that is not a certificate: a sentence, not a failed handshake',
  async (t) => {
    const result = await runHandwire([
      'migrate',
      csv,
      '--server',
      '127.0.0.1:1',
      '--tls-ca',
      notPem,
    ]);
    t.equal(result.code, 2);
    t.match(result.stderr, `handwire: --tls-ca ${notPem} holds no certificate`);
    t.notMatch(result.stderr, /handshake|cannot reach/);
  },
);

t.test('each kind of bad file, in process', async (t) => {
  t.equal(readCertificateFlag('--tls-cert', serverCert).path, serverCert);
  t.throws(() => readCertificateFlag('--tls-cert', serverKey), {
    message:
      /holds no certificate: .* \(this one holds a private key; did you swap --tls-cert and --tls-key\?\)$/,
  });
  t.throws(() => readCertificateFlag('--tls-ca', damaged), {
    message: new RegExp(`^--tls-ca ${damaged} holds a damaged certificate \\(`),
  });
  t.throws(() => readKeyFlag('--tls-key', serverCert), {
    message: `--tls-key ${serverCert} holds no private key: a PEM file with a "-----BEGIN PRIVATE KEY-----" (or RSA/EC PRIVATE KEY) line is needed`,
  });
  t.throws(() => readKeyFlag('--tls-key', encryptedKey), {
    message: /is encrypted with a passphrase: give an unencrypted key/,
  });
  const damagedKey = file(
    'damaged.key',
    '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
  );
  t.throws(() => readKeyFlag('--tls-key', damagedKey), { message: /holds a damaged private key/ });
  t.doesNotThrow(() =>
    checkKeyMatches(
      readCertificateFlag('--tls-cert', serverCert),
      readKeyFlag('--tls-key', serverKey),
    ),
  );
});
