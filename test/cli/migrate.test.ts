// `handwire migrate` as a user runs it — a child process — on files from `handwire gen-csv`:
// exact counts for mixed outcomes, failures by CSV line number, malformed lines that never abort
// the upload, a second upload that migrates nothing, an empty file, usage and I/O errors (exit 2),
// and the token (docs/contract.md §2 MigrateOffers, §4).
//
// The server is the one `serve --demo` runs (the demo users and their offers, the offer service),
// in this process, so the tests can look at the store itself; one test runs the real
// `handwire serve --demo` for the two-command path of the README.

import { createWriteStream, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import t, { type Test } from 'tap';
import { DEMO_USER_COUNT, demoUserId, seedDemoUsers } from '../../src/cli/demo-data.js';
import { checkGenCsvFlags, type GenCsvFlags, writeMigrationCsv } from '../../src/cli/gen-csv.js';
import { Server } from '../../src/server/server.js';
import { authInterceptor } from '../../src/services/interceptors/index.js';
import {
  createOfferService,
  OfferServiceDefinition,
} from '../../src/services/offers/offer-service.js';
import { OfferStore } from '../../src/store/offer-store.js';
import { UserStore } from '../../src/store/user-store.js';
import { runHandwire, startServe } from '../helpers/serve-process.js';
import { makeTestCertificates } from '../helpers/test-certificates.js';

const SECRET = 'a-test-secret-of-enough-length';

/** The offer service on the --demo data set, listening on a free loopback port. */
async function startOfferServer(
  t: Test,
  options: { auth?: boolean; tls?: { cert: Buffer; key: Buffer; ca: Buffer } } = {},
) {
  const users = new UserStore();
  const offers = new OfferStore(users);
  seedDemoUsers(users, offers);
  const server = new Server({
    interceptors: options.auth ? [authInterceptor({ secret: SECRET })] : [],
    tls:
      options.tls === undefined
        ? undefined
        : { ...options.tls, requestCert: true, rejectUnauthorized: true },
  });
  server.addService(OfferServiceDefinition, createOfferService(offers));
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 0 }));
  return { address, offers };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'handwire-migrate-'));
}

/** Writes a file as `handwire gen-csv` does (its command is tested in gen-csv.test.ts). */
async function genCsv(dir: string, name: string, flags: Partial<GenCsvFlags>): Promise<string> {
  const file = join(dir, name);
  const out = createWriteStream(file);
  await writeMigrationCsv(checkGenCsvFlags({ users: '1000', target: 'UNLIMITED', ...flags }), out);
  await new Promise((resolve) => out.end(resolve));
  return file;
}

/** The four count lines of a report, as numbers. */
function counts(stdout: string) {
  const figure = (name: string) => {
    const match = new RegExp(`^  ${name} +([\\d,]+)`, 'm').exec(stdout);
    return match ? Number(match[1]!.replaceAll(',', '')) : undefined;
  };
  const rows = /: ([\d,]+) rows? uploaded from/.exec(stdout)?.[1];
  return {
    rows: rows === undefined ? undefined : Number(rows.replaceAll(',', '')),
    migrated: figure('migrated'),
    skipped: figure('skipped'),
    failed: figure('failed'),
  };
}

/** The line numbers the report lists as failed, in the order printed. */
function failedLines(stdout: string): number[] {
  return [...stdout.matchAll(/^ {2}line (\d+)[,:]/gm)].map((match) => Number(match[1]));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

t.test('mixed outcomes: exact counts, every failure by its CSV line, twice', async (t) => {
  const { address, offers } = await startOfferServer(t);
  const dir = await tempDir();
  // 300 rows over 200 users, --mix at rows 7, 23, 42, 61, 88 of each hundred (0-based): unknown
  // user, mismatch, invalid target, missing column, unclosed quote. Rows 0-199 are each user's
  // first: 200 - 10 mixed = 190 migrated. Rows 200-299 revisit users 0-99: the 95 plain ones
  // were migrated already (skipped); 207/223/242 fail again (unknown, still a mismatch, still
  // invalid) and 261/288 are malformed again. Malformed: 6 lines, never sent: 294 rows uploaded.
  const file = await genCsv(dir, 'mixed.csv', { users: '200', rows: '300', mix: true });
  const first = await runHandwire(['migrate', file, '--server', address]);
  t.equal(first.code, 1, 'a failed row makes the exit code 1');
  t.same(counts(first.stdout), { rows: 294, migrated: 190, skipped: 95, failed: 15 });
  t.match(first.stdout, /failed +15 {2}\(9 rejected by the server, 6 malformed lines not sent\)/);
  // Data row i is on line i + 2 (the header is line 1).
  const serverLines = [7, 23, 42, 107, 123, 142, 207, 223, 242].map((i) => i + 2);
  const malformedLines = [61, 88, 161, 188, 261, 288].map((i) => i + 2);
  t.same(
    failedLines(first.stdout),
    [...serverLines, ...malformedLines].sort((a, b) => a - b),
  );
  t.match(first.stdout, `  line 9, user "${demoUserId(1007)}": no user has id`);
  t.match(
    first.stdout,
    `  line 25, user "${demoUserId(23)}": the user's offer is "PREMIUM", not "BASIC"`,
  );
  t.match(first.stdout, '  line 44, user ');
  t.match(first.stdout, /line 44, user "[^"]+": invalid row: target_offer "not an offer"/);
  t.match(
    first.stdout,
    '  line 63: expected 3 columns (user_id,current_offer,target_offer), found 2',
  );
  t.match(first.stdout, '  line 90: bad quoting: a quote opened on this line is never closed');
  // Lines after malformed ones are still named right: row 123 comes after the gaps at 63 and 90.
  t.match(first.stdout, `  line 125, user "${demoUserId(123)}": the user's offer is`);
  // The store agrees: 190 migrations, each with its one event, all of this migration.
  const migrationId = /^migration ([0-9a-f-]{36}):/.exec(first.stdout)![1];
  const events = offers.log.slice(DEMO_USER_COUNT);
  t.equal(events.length, 190);
  t.ok(events.every((event) => event.migrationId === migrationId && event.toOffer === 'UNLIMITED'));

  const second = await runHandwire(['migrate', file, '--server', address]);
  t.equal(second.code, 1);
  t.same(counts(second.stdout), { rows: 294, migrated: 0, skipped: 285, failed: 15 });
  t.same(failedLines(second.stdout), failedLines(first.stdout));
  t.equal(offers.log.endOffset, DEMO_USER_COUNT + 190, 'the second upload changed nothing');
});

t.test('20,000 rows: every user migrated once, the rest skipped; exit code 0', async (t) => {
  const { address } = await startOfferServer(t);
  const dir = await tempDir();
  const file = await genCsv(dir, 'big.csv', { rows: '20000' });
  const first = await runHandwire(['migrate', file, '--server', address]);
  t.equal(first.code, 0, first.stderr);
  t.same(counts(first.stdout), { rows: 20_000, migrated: 1000, skipped: 19_000, failed: 0 });
  t.notMatch(first.stdout, 'failed lines');
});

t.test(
  'a 0-byte file is a usage error (exit 2), like a wrong header; a header alone uploads 0 rows (exit 0); only bad lines: exit 1',
  async (t) => {
    const { address } = await startOfferServer(t);
    const dir = await tempDir();
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const headerOnly = join(dir, 'header.csv');
    writeFileSync(headerOnly, 'user_id,current_offer,target_offer\n');
    const onlyBad = join(dir, 'bad.csv');
    writeFileSync(
      onlyBad,
      `user_id,current_offer,target_offer\n${demoUserId(0)},BASIC\n"${demoUserId(1)}"x,PLUS,GOLD\n`,
    );
    const [emptyRun, headerRun, badRun] = await Promise.all(
      [empty, headerOnly, onlyBad].map((file) =>
        runHandwire(['migrate', file, '--server', address]),
      ),
    );
    t.equal(emptyRun!.code, 2, 'an empty file is not a migration file');
    t.equal(
      emptyRun!.stderr,
      `handwire: ${empty} is empty: a migration file starts with the header user_id,current_offer,target_offer (npx handwire gen-csv writes one)\n`,
    );
    t.equal(emptyRun!.stdout, '');
    t.equal(headerRun!.code, 0, headerRun!.stderr);
    t.same(counts(headerRun!.stdout), { rows: 0, migrated: 0, skipped: 0, failed: 0 });
    t.equal(badRun!.code, 1);
    t.same(counts(badRun!.stdout), { rows: 0, migrated: 0, skipped: 0, failed: 2 });
    t.same(failedLines(badRun!.stdout), [2, 3]);
    t.match(badRun!.stdout, 'line 3: bad quoting: a closing quote must be followed by a comma');
  },
);

t.test('usage and I/O errors: one sentence on stderr, exit code 2', async (t) => {
  const { address, offers } = await startOfferServer(t);
  const dir = await tempDir();
  const wrongHeader = join(dir, 'wrong.csv');
  writeFileSync(wrongHeader, 'id,from,to\nu1,A,B\n');
  const file = await genCsv(dir, 'ok.csv', { users: '3' });
  const port = await closedPort();
  // Independent runs, so they run side by side.
  const [missing, directory, header, unreachable, badServer] = await Promise.all([
    runHandwire(['migrate', join(dir, 'nope.csv'), '--server', address]),
    runHandwire(['migrate', dir, '--server', address]),
    runHandwire(['migrate', wrongHeader, '--server', address]),
    runHandwire(['migrate', file, '--server', `127.0.0.1:${port}`]),
    runHandwire(['migrate', file, '--server', 'nowhere']),
  ]);

  t.equal(missing.code, 2);
  t.match(missing.stderr, /^handwire: cannot read .*nope\.csv: no such file \(ENOENT\)\n$/);
  t.equal(directory.code, 2);
  t.match(directory.stderr, /it is not a regular file/);
  t.equal(header.code, 2);
  t.match(
    header.stderr,
    /^handwire: .*wrong\.csv line 1 is "id,from,to": a migration file starts with the header user_id,current_offer,target_offer\n$/,
  );
  t.equal(offers.log.endOffset, DEMO_USER_COUNT, 'nothing was uploaded');
  t.equal(unreachable.code, 2);
  t.match(
    unreachable.stderr,
    `handwire: cannot reach the server at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (no server is listening there); is handwire serve running there (--server)?`,
  );
  t.equal(badServer.code, 2);
  t.match(badServer.stderr, /--server must be host:port/);
});

t.test('--token or HANDWIRE_TOKEN: MigrateOffers needs an admin token', async (t) => {
  const { address } = await startOfferServer(t, { auth: true });
  const dir = await tempDir();
  const file = await genCsv(dir, 'three.csv', { users: '3' });
  const token = (role: string) =>
    new SignJWT({ role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('migrate-test')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));

  const [anonymous, moderator, admin] = await Promise.all([
    runHandwire(['migrate', file, '--server', address]),
    runHandwire(['migrate', file, '--server', address, '--token', await token('ROLE_MODERATOR')]),
    runHandwire(['migrate', file, '--server', address], {
      HANDWIRE_TOKEN: await token('ROLE_ADMIN'),
    }),
  ]);
  t.equal(anonymous.code, 2);
  t.match(
    anonymous.stderr,
    /the server at .* wants a valid token: .*; give one with --token or HANDWIRE_TOKEN/,
  );

  t.equal(moderator.code, 2);
  t.match(
    moderator.stderr,
    /refused the upload: \/offers\.v1\.OfferService\/MigrateOffers needs ROLE_ADMIN; this token's role is ROLE_MODERATOR; npx handwire token --role ROLE_ADMIN --sub NAME --secret SECRET mints one to pass with --token\n$/,
  );
  t.equal(
    moderator.stderr.split('ROLE_ADMIN').length - 1,
    2,
    'the role needed, said once, then the command',
  );

  t.equal(admin.code, 0, admin.stderr);
  t.same(counts(admin.stdout), { rows: 3, migrated: 3, skipped: 0, failed: 0 });
});

t.test('mutual TLS with --tls-ca, --tls-cert and --tls-key', async (t) => {
  const certificates = makeTestCertificates(t);
  const { address } = await startOfferServer(t, {
    tls: { ...certificates.server, ca: certificates.ca },
  });
  const dir = await tempDir();
  const file = await genCsv(dir, 'three.csv', { users: '3' });
  const pem = (name: string, contents: Buffer) => {
    writeFileSync(join(dir, name), contents);
    return join(dir, name);
  };
  const ca = pem('ca.pem', certificates.ca);
  const cert = pem('client.pem', certificates.client.cert);
  const key = pem('client.key', certificates.client.key);
  const [trusted, untrusted] = await Promise.all([
    runHandwire([
      'migrate',
      file,
      '--server',
      address,
      '--tls-ca',
      ca,
      '--tls-cert',
      cert,
      '--tls-key',
      key,
    ]),
    runHandwire(['migrate', file, '--server', address, '--tls']),
  ]);
  t.equal(trusted.code, 0, trusted.stderr);
  t.same(counts(trusted.stdout), { rows: 3, migrated: 3, skipped: 0, failed: 0 });
  t.equal(untrusted.code, 2);
  t.match(
    untrusted.stderr,
    `handwire: cannot reach the server at ${address}: TLS handshake with ${address} failed`,
  );
});

t.test('the README path: gen-csv, then migrate against handwire serve --demo', async (t) => {
  const serve = await startServe(['--demo']);
  t.teardown(() => serve.stop('SIGKILL'));
  const dir = await tempDir();
  const file = await genCsv(dir, 'demo.csv', {});
  const first = await runHandwire(['migrate', file, '--server', serve.address]);
  t.equal(first.code, 0, first.stdout.slice(0, 400));
  t.same(counts(first.stdout), { rows: 1000, migrated: 1000, skipped: 0, failed: 0 });
  const second = await runHandwire(['migrate', file, '--server', serve.address]);
  t.equal(second.code, 0);
  t.same(counts(second.stdout), { rows: 1000, migrated: 0, skipped: 1000, failed: 0 });
});
