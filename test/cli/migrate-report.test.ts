// The report printed after an upload: the server's counts plus the malformed lines, every failure
// by its line in the file in file order, notes for what was not listed, and the exit code.

import t from 'tap';
import { exitCodeOf, formatReport, type UploadOutcome } from '../../src/cli/migrate-report.js';

function outcome(overrides: Partial<UploadOutcome> = {}): UploadOutcome {
  return {
    file: 'offers.csv',
    report: {
      migrationId: 'm-1',
      rows: 6,
      migrated: 3,
      skipped: 1,
      failed: 2,
      errors: [
        { row: 2, userId: 'u2', reason: 'no user has id "u2"' },
        { row: 5, userId: 'u5', reason: 'the user\'s offer is "PLUS", not "BASIC"' },
      ],
    },
    rowsSent: 6,
    malformed: 1,
    malformedListed: [{ line: 4, reason: 'expected 3 columns, found 2' }],
    // Line 4 was malformed (not sent), so rows 3 onwards sit one line lower.
    lineOf: (row) => (row <= 2 ? row + 1 : row + 2),
    elapsedMs: 2000,
    ...overrides,
  };
}

t.test('counts, then failures merged in line order', async (t) => {
  t.same(formatReport(outcome()), [
    'migration m-1: 6 rows uploaded from offers.csv in 2.0 s, 3 rows/s',
    '  migrated  3',
    '  skipped   1',
    '  failed    3  (2 rejected by the server, 1 malformed line not sent)',
    'failed lines:',
    '  line 3, user "u2": no user has id "u2"',
    '  line 4: expected 3 columns, found 2',
    '  line 7, user "u5": the user\'s offer is "PLUS", not "BASIC"',
  ]);
  t.equal(exitCodeOf(outcome()), 1);
});

t.test('all migrated or skipped: no failure lines and exit code 0', async (t) => {
  const clean = outcome({
    report: { migrationId: 'm-2', rows: 1200, migrated: 1000, skipped: 200, failed: 0, errors: [] },
    rowsSent: 1200,
    malformed: 0,
    malformedListed: [],
  });
  t.same(formatReport(clean), [
    'migration m-2: 1,200 rows uploaded from offers.csv in 2.0 s, 600 rows/s',
    '  migrated  1,000',
    '  skipped     200',
    '  failed        0',
  ]);
  t.equal(exitCodeOf(clean), 0);
});

t.test('a malformed line alone makes the exit code 1', async (t) => {
  const onlyMalformed = outcome({
    report: { migrationId: 'm', rows: 1, migrated: 1, skipped: 0, failed: 0, errors: [] },
    rowsSent: 1,
  });
  t.equal(exitCodeOf(onlyMalformed), 1);
});

t.test('failures beyond the listed ones are counted in a closing note', async (t) => {
  const many = outcome({
    report: {
      migrationId: 'm',
      rows: 5000,
      migrated: 0,
      skipped: 0,
      failed: 5000,
      errors: [{ row: 1, userId: 'u', reason: 'r' }],
    },
    rowsSent: 5000,
    malformed: 1200,
    malformedListed: [{ line: 1, reason: 'bad' }],
    lineOf: (row) => row + 1,
  });
  const lines = formatReport(many);
  t.equal(lines.at(-2), '  … and 4,999 more rows the server rejected (it lists the first 1)');
  t.equal(lines.at(-1), '  … and 1,199 more malformed lines (the first 1 are listed)');
});

t.test(
  'a row count the server disagrees with, and a row with no known line, are said',
  async (t) => {
    const odd = outcome({
      rowsSent: 7,
      lineOf: (row) => (row === 5 ? undefined : row + 1),
      malformed: 0,
      malformedListed: [],
    });
    const lines = formatReport(odd);
    t.ok(lines.includes('  the server counted 6 rows of the 7 sent'));
    t.ok(lines.includes('  upload row 5, user "u5": the user\'s offer is "PLUS", not "BASIC"'));
  },
);

t.test('one row is "1 row", not "1 rows"', async (t) => {
  const one = formatReport(
    outcome({
      report: { migrationId: 'm-2', rows: 1, migrated: 1, skipped: 0, failed: 0, errors: [] },
      rowsSent: 1,
      malformed: 0,
      malformedListed: [],
    }),
  );
  t.equal(one[0], 'migration m-2: 1 row uploaded from offers.csv in 2.0 s, 1 rows/s');
});
