// A throwaway CA and the certificates TLS tests need, made by the openssl CLI in a temporary
// directory removed after the test (RFC 5280 certificates; subjectAltName as node:tls checks it).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

export interface KeyPair {
  key: Buffer;
  cert: Buffer;
}

export interface TestCertificates {
  /** The test CA's certificate: the root a client or server trusts. */
  ca: Buffer;
  /** A server certificate for IP 127.0.0.1 and DNS localhost. */
  server: KeyPair;
  /** A second certificate for 127.0.0.1 and localhost (another serial): a rotation's new one. */
  rotatedServer: KeyPair;
  /** A server certificate for DNS handwire.test only: reachable by name override alone. */
  namedServer: KeyPair;
  /** A client certificate, for mutual TLS. */
  client: KeyPair;
}

/** Runs openssl with `args` in `dir`; a missing or failing openssl throws (and fails the test). */
export function openssl(dir: string, args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes a key and a certificate signed by the test CA, with the given extensions and serial. */
function issue(
  dir: string,
  name: string,
  subject: string,
  serial: string,
  extensions: string[],
): KeyPair {
  writeFileSync(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  openssl(dir, [
    'req',
    ...EC_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-set_serial',
    serial,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
  return {
    key: readFileSync(join(dir, `${name}.key`)),
    cert: readFileSync(join(dir, `${name}.crt`)),
  };
}

/** Makes a CA and its certificates for one test file; the files are removed after `t`. */
export function makeTestCertificates(t: Test): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=handwire test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const localServerExtensions = [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'extendedKeyUsage=serverAuth',
  ];
  return {
    ca: readFileSync(join(dir, 'ca.crt')),
    server: issue(dir, 'server', '/CN=localhost', '0x3001', localServerExtensions),
    rotatedServer: issue(dir, 'rotated', '/CN=localhost', '0x3003', localServerExtensions),
    namedServer: issue(dir, 'named', '/CN=handwire.test', '0x3002', [
      'subjectAltName=DNS:handwire.test',
      'extendedKeyUsage=serverAuth',
    ]),
    client: issue(dir, 'client', '/CN=handwire client', '0x4001', ['extendedKeyUsage=clientAuth']),
  };
}
