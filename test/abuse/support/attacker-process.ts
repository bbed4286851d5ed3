// The attacker of http2-floods.test.ts as a process of its own, the way a real attacker is: the
// test asks it over the IPC channel to run one attack (by name) against an address for a bounded
// time, and it answers with the AttackReport. Started by startAttacker() below through tsx, like
// the other children the tests start (test/helpers/child-env.ts says why outside coverage).

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../../helpers/child-env.js';
import { type AttackReport, attackFor } from './attack-loop.js';
import { attacks } from './http2-attacks.js';

interface AttackRequest {
  name: string;
  address: string;
  durationMs: number;
}

export interface Attacker {
  run(name: string, address: string, durationMs: number): Promise<AttackReport>;
  stop(): void;
}

/** Starts the attacker process; stop() it in the test's teardown. */
export async function startAttacker(): Promise<Attacker> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--attacker'], {
    execArgv: ['--import', 'tsx'],
    env: childEnv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the attacker process exited (${code})`)));
  });
  return {
    run(name, address, durationMs) {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) =>
          reject(new Error(`the attacker process exited (${code}) during ${name}`));
        child.once('exit', onExit);
        child.once('message', (report) => {
          child.off('exit', onExit);
          resolve(report as AttackReport);
        });
        child.send({ name, address, durationMs } satisfies AttackRequest);
      });
    },
    stop: () => child.kill('SIGKILL'),
  };
}

if (process.argv[2] === '--attacker' && process.send !== undefined) {
  const send = process.send.bind(process);
  process.on('message', async (request: AttackRequest) => {
    const attack = attacks.find((candidate) => candidate.name === request.name);
    if (attack === undefined) throw new Error(`no attack named ${request.name}`);
    send(
      await attackFor(request.address, attack.run, {
        durationMs: request.durationMs,
        ...attack.options,
      }),
    );
  });
  // The parent's end of the channel closing means the test is over.
  process.on('disconnect', () => process.exit(0));
  send('ready');
}
