// Upload row → CSV line: exact for every row, and compact — one entry per gap, not per row.

import t from 'tap';
import { RowLineMap } from '../../src/cli/migrate-line-map.js';

t.test('a file with only a header costs one entry for any number of rows', async (t) => {
  const map = new RowLineMap();
  for (let row = 1; row <= 100_000; row++) map.add(row, row + 1);
  t.equal(map.entries, 1);
  t.equal(map.lineOf(1), 2);
  t.equal(map.lineOf(54_321), 54_322);
  t.equal(map.lineOf(100_000), 100_001);
  t.equal(map.lineOf(100_001), undefined, 'a row never sent has no line');
  t.equal(map.lineOf(0), undefined);
});

t.test('every gap (blank or malformed lines) starts a new entry; lookups stay exact', async (t) => {
  // Before every 7th row, row % 3 lines were skipped (none when it is a multiple of 21): 48 gaps,
  // past the map's initial capacity of 16.
  const map = new RowLineMap();
  const expected: number[] = [];
  let line = 1;
  for (let row = 1; row <= 500; row++) {
    line += 1 + (row % 7 === 0 ? row % 3 : 0);
    map.add(row, line);
    expected[row] = line;
  }
  for (let row = 1; row <= 500; row++) {
    if (map.lineOf(row) !== expected[row])
      t.fail(`row ${row}: ${map.lineOf(row)} ≠ ${expected[row]}`);
  }
  t.equal(map.lineOf(7), 9);
  t.equal(map.lineOf(500), expected[500]);
  t.equal(map.entries, 1 + 48);
});
