// Everything a child process writes on stdout and stderr, gathered as text while it runs.

import type { Readable } from 'node:stream';

export interface ChildOutput {
  /** All of stdout so far: complete once the child has exited and its streams closed. */
  stdout: string;
  /** All of stderr so far, likewise. */
  stderr: string;
}

/** Starts gathering `child`'s stdout and stderr; read the fields after it exits. */
export function collectOutput(child: { stdout: Readable; stderr: Readable }): ChildOutput {
  const output: ChildOutput = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output.stderr += chunk;
  });
  return output;
}
