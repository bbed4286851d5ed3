// kcat runs the Kafka benchmark times: produce a file of records (idempotent, acks=all) and consume
// a topic from its beginning to its end with nothing printed per record (-f '', and no -q: its
// "Reached end of topic … at offset N" line is how a run is checked). Each run is timed
// from spawn to exit, and /usr/bin/time reports kcat's own CPU time, so a figure can say whether
// kcat or the broker was the bottleneck. Also the CPU time of a broker process, from /proc.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface KcatRun {
  /** Spawn to exit, seconds. */
  wallS: number;
  /** kcat's user + system CPU time, seconds. */
  cpuS: number;
  /** Consume: the offset kcat said it reached the end at. */
  endOffset: number | undefined;
}

const CPU_LINE = /^KCAT_CPU ([\d.]+) ([\d.]+)$/m;

/** Runs kcat with `args` under /usr/bin/time, its stdout to /dev/null, bounded by `timeoutMs`. */
export function timedKcat(args: readonly string[], timeoutMs: number): Promise<KcatRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'KCAT_CPU %U %S', 'kcat', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu = CPU_LINE.exec(stderr);
      if (code !== 0 || cpu === null) {
        const why =
          signal === 'SIGKILL' ? `was stopped after ${timeoutMs / 1000} s` : `exited ${code}`;
        reject(new Error(`kcat ${args.join(' ')} ${why}:\n${stderr.slice(-2000)}`));
        return;
      }
      const end = /Reached end of topic .* at offset (\d+)/.exec(stderr);
      resolve({
        wallS,
        cpuS: Number(cpu[1]) + Number(cpu[2]),
        endOffset: end === null ? undefined : Number(end[1]),
      });
    });
  });
}

/** Produces every line of `file` to `topic`: idempotent, acks=all (kcat -P -l). */
export function kcatProduceFile(
  bootstrap: string,
  topic: string,
  file: string,
  extra: readonly string[] = [],
): Promise<KcatRun> {
  return timedKcat(
    [
      '-P',
      '-b',
      bootstrap,
      '-t',
      topic,
      '-X',
      'enable.idempotence=true',
      '-X',
      'acks=all',
      ...extra,
      '-l',
      file,
    ],
    300_000,
  );
}

/** Reads `topic` (partition 0) from the beginning to its end; checks it ends at `expectedEnd`. */
export async function kcatConsumeAll(
  bootstrap: string,
  topic: string,
  expectedEnd: number,
): Promise<KcatRun> {
  const result = await timedKcat(
    [
      ...['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', ''],
      // kcat -e stops when a fetch finds nothing more, and that last fetch waits fetch.wait.max.ms
      // (500 by default) for records that never come: half a second of waiting on either broker,
      // not reading. 10 ms keeps it out of the figure; fetches that find records return at once.
      ...['-X', 'fetch.wait.max.ms=10'],
    ],
    300_000,
  );
  if (result.endOffset !== expectedEnd) {
    throw new Error(
      `kcat read ${topic} at ${bootstrap} to offset ${result.endOffset}, expected ${expectedEnd}`,
    );
  }
  return result;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node runs on

/** The user + system CPU time of process `pid` (all its threads) so far, in seconds. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}
