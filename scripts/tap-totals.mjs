// Prints tap's closing totals as one line, "N passed, M failed", for CI to read.
// tap ends its output with a comment like `# { total: 120, pass: 118, fail: 1, skip: 1 }`.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2], 'utf8');
const totals = [...log.matchAll(/^# \{ total: (\d+)(.*)\}$/gm)].at(-1);
if (!totals) {
  console.log('0 passed, 1 failed: tap printed no totals (it did not run, or it crashed)');
  process.exit(0);
}
const count = (name) => Number(totals[2].match(new RegExp(`${name}: (\\d+)`))?.[1] ?? 0);
const skipped = count('skip') + count('todo');
// Skips get a line of their own, so the last line is exactly "N passed, M failed".
if (skipped) console.log(`${skipped} skipped (each says why in the TAP output)`);
console.log(`${count('pass')} passed, ${count('fail')} failed`);
