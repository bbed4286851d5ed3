// Prints tap's closing totals as one line, "N passed, M failed", for CI to read, and above it the
// tests that failed, by file and subtest, with the first line of what each said. CI's reader may see
// only the end of the log, so the end must name what broke.
// tap ends its output with a comment like `# { total: 120, pass: 118, fail: 1, skip: 1 }`.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2], 'utf8');
const totals = [...log.matchAll(/^# \{ total: (\d+)(.*)\}$/gm)].at(-1);
if (!totals) {
  console.log('0 passed, 1 failed: tap printed no totals (it did not run, or it crashed)');
  process.exit(0);
}

// TAP nests a subtest as "# Subtest: name" at its parent's indentation, its results 4 spaces in.
// A failed assertion is "not ok N - name" followed by an indented YAML block whose `message:`
// (or first `error:`-like line) says why. The innermost failures are the useful ones: a parent
// fails because a child did.
const lines = log.split('\n');
const path = [];
const failures = [];
for (let i = 0; i < lines.length; i++) {
  const line = lines[i];
  const subtest = /^( *)# Subtest: (.*)$/.exec(line);
  if (subtest) {
    const depth = subtest[1].length / 4;
    path.length = depth;
    path[depth] = subtest[2];
    continue;
  }
  const failed = /^( *)not ok \d+ - (.*?)(?: # (?:time=.*))?$/.exec(line);
  if (!failed || / # (TODO|SKIP)\b/i.test(line)) continue;
  const depth = failed[1].length / 4;
  // A result with failing children under it is only their parent: report the children.
  if (
    failures.some((f) => f.depth > depth && f.under.startsWith(path.slice(0, depth).join(' › ')))
  ) {
    continue;
  }
  let why = '';
  for (let j = i + 1; j < Math.min(lines.length, i + 40); j++) {
    const m = /^\s*(message|error|found|wanted):\s*(.*)$/.exec(lines[j]);
    if (m) {
      // A YAML block scalar (">", "|-") has its text on the next line.
      const text = /^[>|][-+]?$/.test(m[2]) ? (lines[j + 1] ?? '').trim() : m[2];
      why = `${m[1]}: ${text}`.slice(0, 200);
      break;
    }
    if (/^\s*(ok|not ok) \d+/.test(lines[j])) break;
  }
  failures.push({ depth, under: path.slice(0, depth).join(' › '), name: failed[2], why });
}

const count = (name) => Number(totals[2].match(new RegExp(`${name}: (\\d+)`))?.[1] ?? 0);
if (failures.length > 0) {
  console.log('failed:');
  for (const f of failures.slice(0, 40)) {
    console.log(
      `  ${[f.under, f.name].filter(Boolean).join(' › ')}${f.why ? `\n      ${f.why}` : ''}`,
    );
  }
  if (failures.length > 40) console.log(`  … and ${failures.length - 40} more`);
}
const skipped = count('skip') + count('todo');
// Skips get a line of their own, so the last line is exactly "N passed, M failed".
if (skipped) console.log(`${skipped} skipped (each says why in the TAP output)`);
console.log(`${count('pass')} passed, ${count('fail')} failed`);
