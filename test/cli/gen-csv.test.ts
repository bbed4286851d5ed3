// `handwire gen-csv`: rows for the --demo users from the offer each starts on, cycling when there
// are more rows than users, --mix's failures at their fixed places, and its flags.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { demoOffer, demoUserId } from '../../src/cli/demo-data.js';
import {
  checkGenCsvFlags,
  DEFAULT_TARGET,
  describeFile,
  MIX,
  migrationLines,
  writeMigrationCsv,
} from '../../src/cli/gen-csv.js';
import { childEnv } from '../helpers/child-env.js';
import { runHandwire } from '../helpers/serve-process.js';

const options = (overrides = {}) => ({
  users: 3,
  rows: 3,
  target: DEFAULT_TARGET,
  mix: false,
  ...overrides,
});

t.test('one row per user, from the demo offer to the target', async (t) => {
  t.same(
    [...migrationLines(options())],
    [
      `${demoUserId(0)},BASIC,UNLIMITED\n`,
      `${demoUserId(1)},PLUS,UNLIMITED\n`,
      `${demoUserId(2)},PREMIUM,UNLIMITED\n`,
    ],
  );
});

t.test('more rows than users cycle over the users', async (t) => {
  const lines = [...migrationLines(options({ users: 2, rows: 5, target: 'GOLD' }))];
  t.same(lines, [
    `${demoUserId(0)},BASIC,GOLD\n`,
    `${demoUserId(1)},PLUS,GOLD\n`,
    `${demoUserId(0)},BASIC,GOLD\n`,
    `${demoUserId(1)},PLUS,GOLD\n`,
    `${demoUserId(0)},BASIC,GOLD\n`,
  ]);
});

t.test('--mix puts each kind of failure at its place in every hundred', async (t) => {
  const lines = [...migrationLines(options({ users: 150, rows: 200, mix: true }))];
  t.equal(lines.length, 200);
  for (const base of [0, 100]) {
    const user = (i: number) => (base + i) % 150;
    t.equal(
      lines[base + MIX.unknownUser],
      `${demoUserId(1000 + base + 7)},${demoOffer(user(7))},UNLIMITED\n`,
    );
    t.equal(
      lines[base + MIX.mismatch],
      `${demoUserId(user(23))},${demoOffer(user(23) + 1)},UNLIMITED\n`,
    );
    t.equal(
      lines[base + MIX.invalidTarget],
      `${demoUserId(user(42))},${demoOffer(user(42))},not an offer\n`,
    );
    t.equal(lines[base + MIX.missingColumn], `${demoUserId(user(61))},${demoOffer(user(61))}\n`);
    t.equal(
      lines[base + MIX.unclosedQuote],
      `"${demoUserId(user(88))},${demoOffer(user(88))},UNLIMITED\n`,
    );
    t.equal(lines[base + 50], `${demoUserId(user(50))},${demoOffer(user(50))},UNLIMITED\n`);
  }
});

t.test('the file is the header then the lines, whatever the write size', async (t) => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const rows = 5000; // ~250 KB: several 64 KiB writes
  await writeMigrationCsv(options({ users: 1000, rows }), out);
  out.end();
  const lines = Buffer.concat(chunks).toString().split('\n');
  t.equal(lines[0], 'user_id,current_offer,target_offer');
  t.equal(lines.length, rows + 2, 'header, rows, and the empty string after the last newline');
  t.equal(lines[rows], `${demoUserId(999)},BASIC,UNLIMITED`);
  t.equal(lines[rows + 1], '');
});

/** A stream whose every write fails as a pipe whose reader went away does. */
function brokenPipe(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      setImmediate(() => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
    },
  });
}

t.test(
  'a failed write rejects, the last one included, and is never an uncaught error',
  async (t) => {
    // Three rows: the header and the rows go out in the one last write.
    await t.rejects(
      writeMigrationCsv(options(), brokenPipe()),
      { code: 'EPIPE' },
      'the last write',
    );
    await t.rejects(
      writeMigrationCsv(options({ users: 1000, rows: 5000 }), brokenPipe()),
      { code: 'EPIPE' },
      'a write in the loop',
    );
    // A stream that failed before the first write never drains: waiting for it would hang.
    const failed = brokenPipe();
    const closed = new Promise((resolve) => failed.once('close', resolve));
    failed.on('error', () => {});
    failed.destroy(new Error('gone before the first write'));
    await closed;
    await t.rejects(writeMigrationCsv(options({ users: 1000, rows: 5000 }), failed), {
      message: 'gone before the first write',
    });
  },
);

t.test('flags: users within the demo, rows, an offer code as target', async (t) => {
  t.same(checkGenCsvFlags({ users: '1000', target: 'GOLD' }), {
    users: 1000,
    rows: 1000,
    target: 'GOLD',
    mix: false,
  });
  t.same(checkGenCsvFlags({ users: '10', rows: '0', target: 'X', mix: true }), {
    users: 10,
    rows: 0,
    target: 'X',
    mix: true,
  });
  t.throws(() => checkGenCsvFlags({ users: '1001', target: 'GOLD' }), {
    message: '--users must be a whole number from 1 to 1000, not "1001"',
  });
  t.throws(() => checkGenCsvFlags({ users: '0', target: 'GOLD' }), { name: 'UsageError' });
  t.throws(() => checkGenCsvFlags({ users: '5', rows: '-1', target: 'GOLD' }), {
    name: 'UsageError',
  });
  t.throws(() => checkGenCsvFlags({ users: '5', target: 'gold' }), {
    message: /--target must be an offer code/,
  });
});

t.test('the summary says what uploading the file will do', async (t) => {
  t.equal(
    describeFile(options({ users: 1000, rows: 1_000_000 }), 'big.csv'),
    'wrote 1,000,000 rows for 1,000 demo users (moving them to UNLIMITED) to big.csv; rows cycle ' +
      "over the users, so each user's first row migrates them and the other 999,000 rows are skipped.",
  );
  t.match(
    describeFile(options({ target: 'PLUS', mix: true }), 'x'),
    /with --mix, lines 9, 25, 44, 63 and 90 of the file \(and every hundredth line after each\) are an unknown user, an offer mismatch, an invalid target, a missing column and an unclosed quote; demo users who start on PLUS are skipped\.$/,
  );
});

t.test('the command writes to --output or to standard output', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-gen-csv-'));
  const file = join(dir, 'offers.csv');
  // Independent runs, side by side.
  const [written, piped, unwritable, badFlag] = await Promise.all([
    runHandwire(['gen-csv', '--users', '5', '--rows', '7', '--output', file]),
    runHandwire(['gen-csv', '--users', '2', '--target', 'GOLD']),
    runHandwire(['gen-csv', '--output', join(dir, 'no', 'such', 'dir.csv')]),
    runHandwire(['gen-csv', '--users', 'many']),
  ]);
  t.equal(written.code, 0, written.stderr);
  t.match(
    written.stdout,
    /^wrote 7 rows for 5 demo users \(moving them to UNLIMITED\) to .*offers\.csv/,
  );
  const lines = readFileSync(file, 'utf8').split('\n');
  t.equal(lines.length, 9);
  t.equal(lines[6], `${demoUserId(0)},BASIC,UNLIMITED`);

  t.equal(piped.code, 0);
  t.equal(
    piped.stdout,
    `user_id,current_offer,target_offer\n${demoUserId(0)},BASIC,GOLD\n${demoUserId(1)},PLUS,GOLD\n`,
  );
  t.match(piped.stderr, /^wrote 2 rows .* to standard output\.\n$/);

  t.equal(unwritable.code, 2);
  t.match(
    unwritable.stderr,
    /^handwire: cannot write .*dir\.csv \(--output\): its directory does not exist \(ENOENT\)\n$/,
  );

  t.equal(badFlag.code, 2);
  t.match(badFlag.stderr, /--users must be a whole number from 1 to 1000, not "many"/);
});

t.test('a reader that stops early (gen-csv | head) is no error', async (t) => {
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'gen-csv', '--rows', '2000000'], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  // Like head: read the first chunk, then close the pipe.
  child.stdout.once('data', () => child.stdout.destroy());
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  t.equal(code, 0);
  t.equal(stderr, '');
});

t.test('--mix names the file lines that hold its failures, as migrate reports them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handwire-gen-csv-'));
  const file = join(dir, 'mixed.csv');
  const result = await runHandwire(['gen-csv', '--mix', '--users', '200', '--output', file]);
  t.equal(result.code, 0, result.stderr);
  const named = /lines ([\d, and]+) of the file/.exec(result.stdout)?.[1];
  t.ok(named, result.stdout);
  const numbers = named!.split(/, | and /).map(Number);
  t.same(numbers, [9, 25, 44, 63, 90]);
  const lines = readFileSync(file, 'utf8').split('\n');
  // Line n of the file is lines[n - 1].
  t.match(lines[9 - 1], new RegExp(`^${demoUserId(1007)},`), 'line 9: the unknown user');
  t.match(lines[44 - 1], /,not an offer$/, 'line 44: the invalid target');
  t.equal(lines[63 - 1]!.split(',').length, 2, 'line 63: the missing column');
  t.match(lines[90 - 1], /"/, 'line 90: the unclosed quote');
  t.match(lines[109 - 1], new RegExp(`^${demoUserId(1107)},`), 'and a hundred lines on');
});
