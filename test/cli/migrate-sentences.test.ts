// `handwire migrate` run as a user runs it, for the mistakes of issue #17: each ends in one
// sentence naming the file, flag or address and what to do, with exit code 2.

import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runHandwire } from '../helpers/serve-process.js';

async function csvFile(content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'handwire-sentences-'));
  const file = join(dir, 'rows.csv');
  writeFileSync(file, content);
  return file;
}

const HEADER = 'user_id,current_offer,target_offer\n';

t.test('--connect-timeout 0 is a sentence about the flag, not a backoff option', async (t) => {
  const file = await csvFile(`${HEADER}u,BASIC,PLUS\n`);
  const result = await runHandwire(['migrate', file, '--connect-timeout', '0']);
  t.equal(result.code, 2);
  t.equal(
    result.stderr,
    'handwire: --connect-timeout must be a number of seconds above 0 (0.5 is half a second), not "0"\n',
  );
});
