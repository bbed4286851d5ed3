// The examples in examples/ run as a user's would, against the package as published: handwire is
// built and packed (`npm pack`), each example installs that tarball from a clean `npm ci`, and its
// own test command runs (node:test, tap, vitest, Jest). So the `exports` of package.json, the files
// it ships and the documented names are what the examples use, never src/ (docs/design.md "Who it
// is for": test authors).
//
// The examples' lockfiles record handwire without an integrity hash: the tarball changes with
// every build, and npm ci then takes it as it is. When handwire's own dependencies change, each
// example's lockfile is made again (staleLock below says how; npm install alone keeps the old
// entry, since the version did not change).

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const EXAMPLES = ['node-test', 'tap', 'vitest', 'jest'];

/**
 * The environment of the commands: the test runner's own variables left out, so that the nested
 * runners (tap above all) do not think they are tap's children and no coverage hook is loaded.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const tapOwned = key.startsWith('TAP') || key.startsWith('_TAPJS');
    const nodeHook = key === 'NODE_OPTIONS' || key === 'NODE_V8_COVERAGE';
    const npmRun = key.startsWith('npm_') && key !== 'npm_config_cache';
    if (!tapOwned && !nodeHook && !npmRun) env[key] = value;
  }
  return env;
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs `npm ARGS…` in `cwd`, killed after `timeoutMs`; resolves with its exit code and output. */
function npm(args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      args,
      { cwd, env: cleanEnv(), timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, output: `${stdout}\n${stderr}`.trim() });
      },
    );
  });
}

/**
 * Why an example's lockfile no longer fits handwire, or undefined: the dependencies it recorded
 * for handwire must be those of the package.json the tarball is packed from, or npm ci would
 * install the examples without what handwire now imports.
 */
function staleLock(example: string): string | undefined {
  const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
  const wanted = json(`${repo}package.json`).dependencies ?? {};
  const locked =
    json(`${examples}${example}/package-lock.json`).packages?.['node_modules/handwire']
      ?.dependencies ?? {};
  if (JSON.stringify(wanted) === JSON.stringify(locked)) return undefined;
  return (
    `examples/${example}/package-lock.json records handwire's dependencies as ${JSON.stringify(locked)}, ` +
    `but package.json has ${JSON.stringify(wanted)}: there, after npm pack, delete the ` +
    `"node_modules/handwire" entry of package-lock.json and node_modules/handwire, run ` +
    `\`npm install\`, then delete the "integrity" of the new entry`
  );
}

/** The last lines of a command's output, shown when a step fails. */
const tail = (output: string): string => output.split('\n').slice(-25).join('\n');

// Build, pack, then four installs and four test runs: minutes on a loaded 2-core machine.
t.setTimeout(10 * 60_000);

t.test('the packed package installs into every example and their tests pass', async (t) => {
  const build = await npm(['run', 'build'], repo, 5 * 60_000);
  t.equal(build.code, 0, 'npm run build succeeded', { output: tail(build.output) });
  if (build.code !== 0) return;

  const packed = `${examples}.packed/`;
  rmSync(packed, { recursive: true, force: true });
  mkdirSync(packed);
  const pack = await npm(['pack', '--silent', '--pack-destination', packed], repo, 2 * 60_000);
  t.equal(pack.code, 0, 'npm pack succeeded', { output: tail(pack.output) });
  if (pack.code !== 0) return;
  // A fixed name, so the examples' package.json need not follow the version.
  renameSync(`${packed}${pack.output.split('\n').at(-1)}`, `${packed}handwire.tgz`);

  for (const example of EXAMPLES) {
    const cwd = `${examples}${example}`;
    const stale = staleLock(example);
    if (stale !== undefined) {
      t.fail(stale);
      continue;
    }
    const install = await npm(
      ['ci', '--prefer-offline', '--no-audit', '--no-fund'],
      cwd,
      3 * 60_000,
    );
    t.equal(install.code, 0, `${example}: npm ci succeeded`, { output: tail(install.output) });
    if (install.code !== 0) continue;
    const test = await npm(['test'], cwd, 2 * 60_000);
    t.equal(test.code, 0, `${example}: npm test passed`, { output: tail(test.output) });
  }
});
