// `handwire migrate` run as a user runs it, for the mistakes of issue #17: each ends in one
// sentence naming the file, flag or address and what to do, with exit code 2.

import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer as createHttp1Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import { runHandwire } from '../helpers/serve-process.js';
import { makeTestCertificates } from '../helpers/test-certificates.js';

async function csvFile(content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'handwire-sentences-'));
  const file = join(dir, 'rows.csv');
  writeFileSync(file, content);
  return file;
}

const HEADER = 'user_id,current_offer,target_offer\n';

t.test('--connect-timeout 0 is a sentence about the flag, not a backoff option', async (t) => {
  const file = await csvFile(`${HEADER}u,BASIC,PLUS\n`);
  const result = await runHandwire(['migrate', file, '--connect-timeout', '0']);
  t.equal(result.code, 2);
  t.equal(
    result.stderr,
    'handwire: --connect-timeout must be a number of seconds above 0 (0.5 is half a second), not "0"\n',
  );
});

t.test('an HTTP/1 server at --server: said so, not "connect ERR_HTTP2_ERROR"', async (t) => {
  const web = createHttp1Server((_request, response) => response.end('hello'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  t.teardown(() => web.close());
  const address = `127.0.0.1:${(web.address() as { port: number }).port}`;
  const file = await csvFile(`${HEADER}u,BASIC,PLUS\n`);
  const result = await runHandwire(['migrate', file, '--server', address]);
  t.equal(result.code, 2);
  t.equal(
    result.stderr,
    `handwire: cannot reach the server at ${address}: it does not speak HTTP/2 (an HTTP/1 web server answers there?); --server must name a gRPC server such as handwire serve\n`,
  );
});

t.test('TLS mistakes name the flags to fix, and never ask whether serve runs there', async (t) => {
  const certificates = makeTestCertificates(t);
  const server = new Server({ tls: { ...certificates.server } });
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 0 }));
  const plainServer = new Server();
  const plain = await plainServer.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => plainServer.close({ graceMs: 0 }));
  const file = await csvFile(`${HEADER}u,BASIC,PLUS\n`);
  const ca = await csvFile(certificates.ca);
  const [plaintext, untrusted, wrongName, tlsToPlain] = await Promise.all([
    runHandwire(['migrate', file, '--server', address]),
    runHandwire(['migrate', file, '--server', address, '--tls']),
    runHandwire([
      'migrate',
      file,
      '--server',
      address,
      '--tls-ca',
      ca,
      '--tls-server-name',
      'wrong.example',
    ]),
    runHandwire(['migrate', file, '--server', plain.address, '--tls-ca', ca]),
  ]);
  for (const result of [plaintext, untrusted, wrongName, tlsToPlain]) {
    t.equal(result.code, 2);
    t.notMatch(
      result.stderr,
      /is handwire serve running there/,
      'the server answered: it is there',
    );
    t.notMatch(result.stderr, /tls\.ca|tls\.serverName/, 'flags, not library option names');
    t.equal(result.stderr.trim().split('\n').length, 1, 'one line');
  }
  t.match(
    plaintext.stderr,
    /; if it serves TLS, add --tls \(and --tls-ca FILE for a private CA\)\n$/,
  );
  t.match(
    untrusted.stderr,
    /TLS handshake with .* failed: .*; give the CA that signed its certificate with --tls-ca\n$/,
  );
  t.match(
    wrongName.stderr,
    /; give the name its certificate holds with --tls-server-name, or use that name in --server\n$/,
  );
  t.match(
    tlsToPlain.stderr,
    /the server answers without TLS: drop --tls and the --tls-\* flags\n$/,
  );
});

t.test('a refused connect still asks whether handwire serve runs there', async (t) => {
  const file = await csvFile(`${HEADER}u,BASIC,PLUS\n`);
  const result = await runHandwire(['migrate', file, '--server', '127.0.0.1:1']);
  t.equal(result.code, 2);
  t.match(result.stderr, /ECONNREFUSED.*; is handwire serve running there \(--server\)\?\n$/);
});

t.test('--server with a host that does not resolve names it, not getaddrinfo', async (t) => {
  const file = await csvFile(`${HEADER}u,BASIC,PLUS\n`);
  const result = await runHandwire(['migrate', file, '--server', 'nowhere.invalid:50051']);
  t.equal(result.code, 2);
  t.equal(
    result.stderr,
    'handwire: cannot reach the server at nowhere.invalid:50051: the host name nowhere.invalid does not resolve; check --server\n',
  );
});

t.test('a binary file: said so, and none of its bytes reach the terminal', async (t) => {
  const file = await csvFile(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x1b, 0x5b, 0x32, 0x4a]),
  );
  const result = await runHandwire(['migrate', file, '--server', '127.0.0.1:1']);
  t.equal(result.code, 2);
  t.equal(
    result.stderr,
    `handwire: ${file} is not a text file (its first line holds control bytes): a migration file is a CSV that starts with the header user_id,current_offer,target_offer\n`,
  );
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control bytes
  t.notMatch(result.stderr, /[\x00-\x09\x0b-\x1f]/, 'no raw control byte printed');
});

t.test('printable escapes control characters in a header that is text', async (t) => {
  const { printable } = await import('../../src/cli/migrate-csv.js');
  t.equal(printable('id\tname\x1b[2J'), 'id\\x09name\\x1b[2J');
});

t.test('connectAdvice, in process: each kind of connect failure', async (t) => {
  const { connectAdvice } = await import('../../src/cli/migrate.js');
  const { checkConnectionFlags } = await import('../../src/cli/migrate-connection.js');
  const plain = checkConnectionFlags({ server: 'h.example:50051', connectTimeout: '10' });
  const tls = checkConnectionFlags({ server: 'h.example:50051', connectTimeout: '10', tls: true });
  t.match(
    connectAdvice('connect ERR_HTTP2_ERROR h.example:50051', plain),
    /does not speak HTTP\/2/,
  );
  t.equal(
    connectAdvice('resolving h.example:50051 failed: ENOTFOUND', plain),
    'the host name h.example does not resolve; check --server',
  );
  t.match(
    connectAdvice('TLS handshake with h:1 failed: self-signed certificate (X): set tls.ca', tls),
    /^TLS handshake with h:1 failed: self-signed certificate \(X\); give the CA that signed its certificate with --tls-ca$/,
  );
  t.equal(
    connectAdvice('TLS handshake with h:1 failed: bad record (Y)', tls),
    'TLS handshake with h:1 failed: bad record (Y)',
    'an unknown TLS failure is passed on as it is',
  );
  t.match(connectAdvice('socket hang up', plain), /if it serves TLS, add --tls/);
  t.match(connectAdvice('socket hang up', tls), /is handwire serve running there/);
});
