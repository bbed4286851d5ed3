// The repository stands on its own (issue #17): every document a file cites is in the repository,
// nothing cites the planning files that never were (CONTRACT.md, DESIGN.md, seed files), and the
// package has its LICENSE and CHANGELOG.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url));
const OUTSIDE = /CONTRACT\.md|DESIGN\.md|CONTRACT §|seeds\//;

function filesUnder(dir: string): string[] {
  const path = join(ROOT, dir);
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [dir];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
    entry.name === 'node_modules' || entry.name.startsWith('.')
      ? []
      : filesUnder(join(dir, entry.name)),
  );
}

/** `file:line` of every line citing a file that is not in the repository. */
function outsideReferences(dirs: string[]): string[] {
  return dirs
    .flatMap(filesUnder)
    .filter((file) => /\.(ts|mjs|js|md|json)$/.test(file) && file !== SELF)
    .flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.test(line) ? [`${file}:${i + 1}`] : [])),
    );
}

// The CLI, services and docs first (a failure there names the files most read), then the rest.
const OWNED = [
  'src/cli',
  'src/services/interceptors',
  'src/services/user',
  'src/services/offers',
  'test/cli',
  'test/services',
  'docs/contract.md',
  'docs/design.md',
  'README.md',
  'CHANGELOG.md',
];

t.test('the CLI, services, their tests and docs cite nothing outside the repository', async (t) => {
  t.same(outsideReferences(OWNED), []);
});

t.test('nothing in src, test, docs, bench or scripts does', async (t) => {
  t.same(outsideReferences(['src', 'test', 'docs', 'bench', 'scripts', 'README.md']), []);
});

t.test('every docs/*.md a file names exists', async (t) => {
  const named = new Set<string>();
  for (const file of ['src', 'test', 'docs', 'README.md', 'CHANGELOG.md'].flatMap(filesUnder)) {
    if (!/\.(ts|md)$/.test(file)) continue;
    for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(/docs\/[\w-]+\.md/g)) {
      named.add(match[0]);
    }
  }
  t.ok(named.has('docs/contract.md'));
  for (const doc of named) t.ok(existsSync(join(ROOT, doc)), doc);
});

t.test(
  'LICENSE is the MIT licence package.json declares; CHANGELOG has this version',
  async (t) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      license: string;
      version: string;
    };
    t.equal(pkg.license, 'MIT');
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    t.match(license, /^MIT License\n\nCopyright \(c\) 2026 handwire contributors\n/);
    t.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), `## [${pkg.version}]`);
  },
);
