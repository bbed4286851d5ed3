// The migration CSV reader: rows with their line numbers, malformed lines counted and listed but
// never fatal (wrong column count, bad quoting of each kind), the header, and reading only as far
// as the upload pulls.

import { Readable } from 'node:stream';
import t from 'tap';
import { CsvFileError, MAX_LINE_BYTES, MigrationCsv } from '../../src/cli/migrate-csv.js';
import type { MigrationRow } from '../../src/wire/messages/offers.js';

const HEADER = 'user_id,current_offer,target_offer\n';

/** Reads a whole file: the header's verdict, the rows, and the reader for its counts. */
async function readAll(text: string | Buffer[]) {
  const csv = new MigrationCsv(Readable.from(typeof text === 'string' ? [text] : text), 'x.csv');
  const hasHeader = await csv.readHeader();
  const rows: MigrationRow[] = [];
  if (hasHeader) for await (const row of csv.rows()) rows.push(row);
  return { csv, hasHeader, rows, ids: rows.map((row) => row.userId) };
}

t.test('rows come out in order, each mapped back to its line', async (t) => {
  const { csv, rows } = await readAll(`${HEADER}u1,BASIC,PLUS\nu2,,PREMIUM\n`);
  t.same(rows, [
    { userId: 'u1', currentOffer: 'BASIC', targetOffer: 'PLUS' },
    { userId: 'u2', currentOffer: '', targetOffer: 'PREMIUM' },
  ]);
  t.equal(csv.rowsRead, 2);
  t.equal(csv.lineMap.lineOf(1), 2);
  t.equal(csv.lineMap.lineOf(2), 3);
  t.equal(csv.malformed, 0);
});

t.test(
  'a wrong column count is reported with its line and the next lines still come',
  async (t) => {
    const { csv, ids } = await readAll(`${HEADER}u1,A,B\nu2,A\nu3,A,B,C\nu4,A,B\n,\nu5,A,B\n`);
    t.same(ids, ['u1', 'u4', 'u5']);
    t.equal(csv.malformed, 3);
    t.same(csv.malformedListed, [
      { line: 3, reason: 'expected 3 columns (user_id,current_offer,target_offer), found 2' },
      { line: 4, reason: 'expected 3 columns (user_id,current_offer,target_offer), found 4' },
      { line: 6, reason: 'expected 3 columns (user_id,current_offer,target_offer), found 2' },
    ]);
    // Rows after the gaps: row 2 (u4) is on line 5, row 3 (u5) on line 7.
    t.equal(csv.lineMap.lineOf(1), 2);
    t.equal(csv.lineMap.lineOf(2), 5);
    t.equal(csv.lineMap.lineOf(3), 7);
  },
);

t.test('bad quoting costs only its own line, whatever kind it is', async (t) => {
  const { csv, ids } = await readAll(
    [
      HEADER,
      'u1,"A"x,B\n', // a closing quote followed by a character
      'u2,A,B\n',
      '"u3,A,B\n', // a quote never closed: csv-parse alone would swallow the rest of the file
      'u4,A,B\n',
      'u5,A"x,B\n', // a quote inside an unquoted field
      'u6,A,B\n',
    ].join(''),
  );
  t.same(ids, ['u2', 'u4', 'u6']);
  t.equal(csv.malformed, 3);
  t.same(
    csv.malformedListed.map((m) => m.line),
    [2, 4, 6],
  );
  t.match(csv.malformedListed[0]!.reason, /^bad quoting: a closing quote must be followed by/);
  t.match(
    csv.malformedListed[1]!.reason,
    /^bad quoting: a quote opened on this line is never closed/,
  );
  t.match(csv.malformedListed[2]!.reason, /^bad quoting: a quote inside an unquoted field/);
  t.same([csv.lineMap.lineOf(1), csv.lineMap.lineOf(2), csv.lineMap.lineOf(3)], [3, 5, 7]);
});

t.test('well-quoted fields are unquoted (RFC 4180), a quoted comma included', async (t) => {
  const { csv, rows } = await readAll(
    `"user_id","current_offer","target_offer"\n"u1","A","B"\nu2,"",B\n"u,3",A,B\nu4,"say ""hi""",B\n`,
  );
  t.same(rows, [
    { userId: 'u1', currentOffer: 'A', targetOffer: 'B' },
    { userId: 'u2', currentOffer: '', targetOffer: 'B' },
    { userId: 'u,3', currentOffer: 'A', targetOffer: 'B' },
    { userId: 'u4', currentOffer: 'say "hi"', targetOffer: 'B' },
  ]);
  t.equal(csv.malformed, 0);
});

t.test('CRLF, a byte order mark, blank lines and spaces around fields are all fine', async (t) => {
  const { csv, rows } = await readAll(
    `\ufeff${HEADER.replace('\n', '\r\n')}u1 , A ,B\r\n\r\n   \nu2,A,B\nu3,A,B`,
  );
  t.same(rows, [
    { userId: 'u1', currentOffer: 'A', targetOffer: 'B' },
    { userId: 'u2', currentOffer: 'A', targetOffer: 'B' },
    { userId: 'u3', currentOffer: 'A', targetOffer: 'B' },
  ]);
  t.equal(csv.malformed, 0, 'blank lines are neither rows nor failures');
  t.same([csv.lineMap.lineOf(1), csv.lineMap.lineOf(2), csv.lineMap.lineOf(3)], [2, 5, 6]);
});

t.test('lines split across chunks are put back together', async (t) => {
  const text = `${HEADER}u1,BASIC,PLUS\nu2,"PL`;
  const { rows } = await readAll([
    Buffer.from(text.slice(0, 7)),
    Buffer.from(text.slice(7, 41)),
    Buffer.from(`${text.slice(41)}US",PREMIUM\n`),
  ]);
  t.same(
    rows.map((row) => row.currentOffer),
    ['BASIC', 'PLUS'],
  );
});

t.test('an empty file, or one of blank lines, has no header: an empty upload', async (t) => {
  t.equal((await readAll('')).hasHeader, false);
  t.equal((await readAll('\n\n  \n')).hasHeader, false);
  const onlyHeader = await readAll(HEADER);
  t.equal(onlyHeader.hasHeader, true);
  t.same(onlyHeader.rows, []);
});

t.test(
  'a first line that is not the header is a CsvFileError naming what was expected',
  async (t) => {
    for (const first of ['user,current,target', 'user_id,current_offer', 'a,b,c,d', '"user_id,x']) {
      const csv = new MigrationCsv(Readable.from([`${first}\nu1,A,B\n`]), 'offers.csv');
      await t.rejects(csv.readHeader(), {
        name: 'UsageError',
        message:
          /^offers\.csv line 1 is ".*": a migration file starts with the header user_id,current_offer,target_offer$/,
      });
    }
    const csv = new MigrationCsv(Readable.from(['\n\nid,from,to\n']), 'offers.csv');
    await t.rejects(
      csv.readHeader(),
      new CsvFileError(
        'offers.csv line 3 is "id,from,to": a migration file starts with the header user_id,current_offer,target_offer',
      ),
    );
  },
);

t.test('a line longer than any row could be stops the file with a sentence', async (t) => {
  const csv = new MigrationCsv(
    Readable.from([`${HEADER}u1,A,B\n${'x'.repeat(MAX_LINE_BYTES + 10)}\nu2,A,B\n`]),
    'big.csv',
  );
  // The parser works ahead of the rows pulled, so the error may come before the header does.
  await t.rejects(
    (async () => {
      await csv.readHeader();
      for await (const _ of csv.rows());
    })(),
    { message: /^big\.csv line 3 is longer than 64 KiB: not a migration row/ },
  );
  t.match(csv.failure, { message: /line 3 is longer than 64 KiB/ });
});

t.test('a read error ends the rows with a CsvFileError naming the file', async (t) => {
  const input = new Readable({
    read() {
      this.push(`${HEADER}u1,A,B\n`);
      this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    },
  });
  const csv = new MigrationCsv(input, 'disk.csv');
  await t.rejects(
    (async () => {
      await csv.readHeader();
      for await (const _ of csv.rows());
    })(),
    { message: 'disk.csv could not be read: EIO: i/o error, read' },
  );
});

t.test('only the first 1000 malformed lines are listed; all are counted', async (t) => {
  const { csv } = await readAll(`${HEADER}${'bad\n'.repeat(1500)}u1,A,B\n`);
  t.equal(csv.malformed, 1500);
  t.equal(csv.malformedListed.length, 1000);
  t.equal(csv.malformedListed.at(-1)!.line, 1001);
  t.equal(csv.lineMap.lineOf(1), 1502);
});

t.test('the file is read as the rows are pulled, not ahead', async (t) => {
  // 12 chunks of 64 KiB (~41,000 lines) offered, counted as the parser takes them.
  const line = 'u000001,BASIC,PLUS\n';
  let offered = 0;
  let chunks = 0;
  const input = new Readable({
    read() {
      if (chunks++ === 12) return void this.push(null);
      const chunk = Buffer.from((chunks === 1 ? HEADER : '') + line.repeat(65536 / line.length));
      offered += chunk.length;
      this.push(chunk);
    },
  });
  const csv = new MigrationCsv(input, 'lazy.csv');
  await csv.readHeader();
  const rows = csv.rows();
  await rows.next();
  await new Promise((resolve) => setTimeout(resolve, 50));
  // The streams' buffers (the input's 16 KiB mark, the parser's 16 records) hold a chunk or two;
  // an eager reader would have taken all 12 (786 KB).
  t.ok(offered < 6 * 65536, `read ${offered} bytes for one row`);
  t.ok(csv.bytesRead < 6 * 65536);
  let count = 1;
  for await (const _ of rows) count++;
  t.equal(count, csv.rowsRead);
  t.equal(offered, csv.bytesRead);
});
