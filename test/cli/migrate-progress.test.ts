// The upload's progress display: the bar a terminal gets and redraws in place, the plain lines a
// log gets, and the rate they show.

import t from 'tap';
import {
  formatBar,
  formatLine,
  rowsPerSecond,
  UploadProgress,
} from '../../src/cli/migrate-progress.js';

const state = { rows: 420_000, bytes: 21_000_000, totalBytes: 50_000_000, elapsedMs: 4000 };

t.test('the bar shows the share of the file read, rows, rows/s and megabytes', async (t) => {
  const million = { rows: 1_000_000, bytes: 53_300_000, totalBytes: 53_300_000, elapsedMs: 1 };
  t.ok(formatBar(million).length < 80, `fits 80 columns: ${formatBar(million).length}`);
  t.equal(
    formatBar(state),
    '[########············]  42%  420,000 rows  105,000 rows/s  21.0/50.0 MB',
  );
  t.equal(
    formatBar({ ...state, bytes: 50_000_000 }),
    '[####################] 100%  420,000 rows  105,000 rows/s  50.0/50.0 MB',
  );
  t.equal(
    formatBar({ ...state, totalBytes: undefined }),
    '420,000 rows  105,000 rows/s  21.0 MB read',
    'standard input has no size: no bar',
  );
});

t.test('the plain line says the same in words', async (t) => {
  t.equal(formatLine(state), 'migrate: 420,000 rows sent, 42% of 50.0 MB read, 105,000 rows/s');
  t.equal(
    formatLine({ ...state, totalBytes: undefined }),
    'migrate: 420,000 rows sent, 21.0 MB read, 105,000 rows/s',
  );
  t.equal(rowsPerSecond({ ...state, elapsedMs: 0 }), 0, 'no division by zero at the start');
});

/**
 * Starts a display on a recording stream, lets `elapsedMs` pass on its clock with `rows` rows of
 * a 1000-byte file read, and waits for a real tick or two of its 20 ms timer.
 */
async function drawn(isTTY: boolean, rows: number, elapsedMs: number) {
  let now = 1000;
  const writes: string[] = [];
  const progress = new UploadProgress(
    { rows: () => rows, bytes: () => rows },
    { isTTY, write: (text: string) => writes.push(text) },
    { totalBytes: 1000, intervalMs: 20, now: () => now },
  );
  progress.start();
  now += elapsedMs;
  await tick();
  return { progress, writes };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

t.test('a terminal gets the bar redrawn on one line, and a final newline on stop', async (t) => {
  const { progress, writes } = await drawn(true, 500, 1000);
  progress.stop();
  t.ok(writes.length >= 2);
  t.ok(
    writes.every((text) => text.startsWith('\r') && text.includes('\x1b[K')),
    'each draw returns to the line start and clears it',
  );
  t.match(writes[0], /\[#+·+\] {2}50% {2}500 rows {2}500 rows\/s/);
  t.ok(writes.at(-1)!.endsWith('\n'), 'the last draw moves on to a new line');
  t.notOk(writes.slice(0, -1).some((text) => text.includes('\n')));
  const count = writes.length;
  progress.stop();
  t.equal(writes.length, count, 'a second stop draws nothing more');
});

t.test('elsewhere, plain lines with no escape codes, and nothing extra on stop', async (t) => {
  const { progress, writes } = await drawn(false, 250, 500);
  const before = writes.length;
  progress.stop();
  t.ok(before >= 1);
  t.equal(writes.length, before);
  t.equal(writes[0], 'migrate: 250 rows sent, 25% of 0.0 MB read, 500 rows/s\n');
  t.notOk(writes.some((text) => text.includes('\r') || text.includes('\x1b')));
  await tick();
  t.equal(writes.length, before, 'nothing is drawn after stop');
});
