// The API reference builds without a warning: typedoc (the `npm run docs` command) run over the
// public entry point with warnings as errors, checking only (`--emit none`), so a doc comment that
// links nowhere or a public type that leaks an unexported one fails here rather than in a release.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { childEnv } from '../helpers/child-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TYPEDOC = fileURLToPath(new URL('../../node_modules/typedoc/bin/typedoc', import.meta.url));

t.setTimeout(240_000); // typedoc type-checks the whole of src/: about 12 s of CPU
t.test('typedoc reports no warnings', async (t) => {
  const child = spawn(process.execPath, [TYPEDOC, '--emit', 'none', '--treatWarningsAsErrors'], {
    cwd: ROOT,
    env: childEnv({ NO_COLOR: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = await once(child, 'exit');
  t.equal(code, 0, `typedoc failed; run \`npm run docs\` to see it:\n${output}`);
  t.notMatch(output, /warning|error/i, 'nothing to warn about');
});
