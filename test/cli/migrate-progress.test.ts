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

/** A clock the test moves and a stream that records writes. */
function harness(isTTY: boolean) {
  let now = 1000;
  const writes: string[] = [];
  const source = { rows: 0, bytes: 0 };
  const progress = new UploadProgress(
    { rows: () => source.rows, bytes: () => source.bytes },
    { isTTY, write: (text: string) => writes.push(text) },
    { totalBytes: 1000, intervalMs: 20, now: () => now },
  );
  return { progress, writes, source, advance: (ms: number) => (now += ms) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

t.test('a terminal gets the bar redrawn on one line, and a final newline on stop', async (t) => {
  const { progress, writes, source, advance } = harness(true);
  progress.start();
  source.rows = 500;
  source.bytes = 500;
  advance(1000);
  await tick();
  progress.stop();
  t.ok(writes.length >= 2);
  t.ok(
    writes.every((text) => text.startsWith('\r') && text.includes('\x1b[K')),
    'each draw returns to the line start and clears it',
  );
  t.match(writes[0], /\[#+·+\] {2}50% {2}500 rows {2}500 rows\/s/);
  t.ok(writes.at(-1)!.endsWith('\n'), 'the last draw moves on to a new line');
  t.notOk(writes.slice(0, -1).some((text) => text.includes('\n')));
  const drawn = writes.length;
  progress.stop();
  t.equal(writes.length, drawn, 'a second stop draws nothing more');
});

t.test('elsewhere, plain lines with no escape codes, and nothing extra on stop', async (t) => {
  const { progress, writes, source, advance } = harness(false);
  progress.start();
  source.rows = 250;
  source.bytes = 250;
  advance(500);
  await tick();
  const before = writes.length;
  progress.stop();
  t.ok(before >= 1);
  t.equal(writes.length, before);
  t.equal(writes[0], 'migrate: 250 rows sent, 25% of 0.0 MB read, 500 rows/s\n');
  t.notOk(writes.some((text) => text.includes('\r') || text.includes('\x1b')));
  const after = writes.length;
  await tick();
  t.equal(writes.length, after, 'nothing is drawn after stop');
});
