// kcat (librdkafka) as a test peer: produce (idempotent, acks=all), consume a topic from the
// beginning to its end, and run a `-G` group member that can be stopped. Every run is bounded.
// Output format: kcat's -J (one JSON object per record: topic, partition, offset, key, payload,
// headers as a flat [k, v, k, v, ...] list).

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import type { ObservedRecord, RecordToProduce } from './observed.js';
import { waitUntil } from './wait-until.js';

const KCAT = 'kcat';

function runKcatWithStderr(
  args: string[],
  input: string,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      KCAT,
      args,
      { timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`kcat ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

async function runKcat(args: string[], input: string, timeoutMs: number): Promise<string> {
  return (await runKcatWithStderr(args, input, timeoutMs)).stdout;
}

interface KcatJson {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

export function parseKcatJson(line: string): ObservedRecord {
  const r = JSON.parse(line) as KcatJson;
  const flat = r.headers ?? [];
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) headers.push([flat[i]!, flat[i + 1]!]);
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: r.key,
    value: r.payload,
    headers,
  };
}

/**
 * Produces `records` with kcat, idempotent with acks=all. kcat's -H applies to every record of a
 * run, so records are sent in runs of consecutive records sharing headers and partition.
 */
export async function kcatProduce(
  bootstrap: string,
  topic: string,
  records: readonly RecordToProduce[],
  compression?: 'gzip' | 'snappy' | 'lz4' | 'zstd',
  /** all (default, idempotent), or 1 or 0 (not idempotent: idempotence needs acks=all). */
  acks: 'all' | '1' | '0' = 'all',
): Promise<void> {
  let i = 0;
  while (i < records.length) {
    const first = records[i]!;
    const same = (r: RecordToProduce) =>
      JSON.stringify(r.headers ?? []) === JSON.stringify(first.headers ?? []) &&
      r.partition === first.partition;
    let j = i;
    while (j < records.length && same(records[j]!)) j++;
    const run = records.slice(i, j);
    if (run.some((r) => r.key === null || /[\t\n]/.test(`${r.key}${r.value}`))) {
      throw new Error('kcatProduce needs a key on every record and no tab or newline in them');
    }
    const args = ['-b', bootstrap, '-P', '-t', topic, '-K', '\t', '-q'];
    args.push('-X', `enable.idempotence=${acks === 'all'}`, '-X', `acks=${acks}`);
    if (first.partition !== undefined) args.push('-p', String(first.partition));
    if (compression !== undefined) args.push('-z', compression);
    for (const [k, v] of first.headers ?? []) args.push('-H', `${k}=${v}`);
    await runKcat(args, run.map((r) => `${r.key}\t${r.value}\n`).join(''), 30_000);
    i = j;
  }
}

/**
 * Every record of `topic`, from the beginning (or offset `from`) to the end of each partition,
 * without a group.
 */
export async function kcatConsume(
  bootstrap: string,
  topic: string,
  /** kcat's -o: an offset, `beginning`, `-N` (N before the end), `s@<ms>` (a timestamp). */
  from: number | string = 'beginning',
): Promise<ObservedRecord[]> {
  const args = ['-b', bootstrap, '-C', '-t', topic, '-o', String(from), '-e', '-J', '-q'];
  // kcat -e exits 0 even when it printed "% ERROR" and read nothing (seen once in a while with a
  // logical start offset, -o -2 or s@ts, on a just-started, busy Apache Kafka): such a run is
  // retried, at most three runs in all, and the last one's errors are thrown.
  let out = '';
  for (let attempt = 1; ; attempt++) {
    const { stdout, stderr } = await runKcatWithStderr(args, '', 30_000);
    out = stdout;
    if (!stderr.includes('% ERROR') || stdout !== '') break;
    if (attempt === 3) throw new Error(`kcat ${args.join(' ')} read nothing:\n${stderr}`);
  }
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map(parseKcatJson);
}

/** A running `kcat -G` member: what it has read so far and the partitions it holds now. */
export interface KcatMember {
  readonly records: ObservedRecord[];
  /** Partitions of the latest "assigned" rebalance, [] after a revoke. */
  readonly assignment: number[];
  /** Resolves once the member holds a non-empty assignment (bounded by timeoutMs). */
  assigned(timeoutMs?: number): Promise<number[]>;
  /** Resolves once `count` records have been read (bounded by timeoutMs). */
  read(count: number, timeoutMs?: number): Promise<ObservedRecord[]>;
  /** What kcat printed on stderr so far (rebalances, errors). */
  readonly stderr: string;
  /** SIGTERM: kcat closes its consumer (commits, leaves the group) and exits. */
  stop(): Promise<void>;
  /** SIGKILL: the member vanishes without a LeaveGroup, as a crashed consumer does. */
  kill(): Promise<void>;
}

/**
 * Starts `kcat -G group topic`: a balanced consumer that starts from the beginning when the group
 * has no committed offset and auto-commits every 100 ms (and on close). (`-o beginning` would
 * override the committed offset at every assignment, so auto.offset.reset is set instead.)
 */
export function kcatGroupMember(bootstrap: string, group: string, topic: string): KcatMember {
  const child: ChildProcess = spawn(
    KCAT,
    [
      '-b',
      bootstrap,
      '-G',
      group,
      '-J',
      // Unbuffered: each record reaches us as kcat reads it, not when its stdout buffer fills.
      '-u',
      '-X',
      'auto.offset.reset=earliest',
      '-X',
      'auto.commit.interval.ms=100',
      '-X',
      'heartbeat.interval.ms=300',
      '-X',
      'session.timeout.ms=6000',
      topic,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const records: ObservedRecord[] = [];
  let assignment: number[] = [];
  let stderr = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  let outBuffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    outBuffer += chunk;
    const lines = outBuffer.split('\n');
    outBuffer = lines.pop()!;
    for (const line of lines) if (line !== '') records.push(parseKcatJson(line));
  });
  let errBuffer = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    errBuffer += chunk;
    const lines = errBuffer.split('\n');
    errBuffer = lines.pop()!;
    for (const line of lines) {
      // "% Group G rebalanced (memberid …): assigned: T [0], T [2]" / "…: revoked: …"
      const m = /rebalanced \(memberid [^)]*\): (assigned|revoked): (.*)$/.exec(line);
      if (m === null) continue;
      assignment =
        m[1] === 'revoked'
          ? []
          : [...m[2]!.matchAll(/\[(\d+)\]/g)].map((p) => Number(p[1])).sort((a, b) => a - b);
    }
  });
  const failed = () =>
    exited ? new Error(`kcat -G ${group} exited early:\n${stderr.slice(-2000)}`) : undefined;
  return {
    records,
    get assignment() {
      return assignment;
    },
    assigned: (timeoutMs = 20_000) =>
      waitUntil(`kcat -G ${group} to be assigned partitions`, timeoutMs, () => {
        const error = failed();
        if (error) throw error;
        return assignment.length > 0 ? assignment : undefined;
      }),
    read: (count, timeoutMs = 20_000) =>
      waitUntil(
        `kcat -G ${group} to read ${count} records (has ${records.length})`,
        timeoutMs,
        () => (records.length >= count ? records.slice() : undefined),
      ),
    get stderr() {
      return stderr;
    },
    kill: async () => {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * One `kcat -G` run to completion: joins `group`, reads `count` records (or, without a count, up
 * to the end of every assigned partition), commits what it read on close, leaves.
 */
export async function kcatGroupConsume(
  bootstrap: string,
  group: string,
  topic: string,
  count?: number,
): Promise<ObservedRecord[]> {
  const args = ['-b', bootstrap, '-G', group, '-J', '-q', '-X', 'auto.offset.reset=earliest'];
  args.push(...(count === undefined ? ['-e'] : ['-c', String(count)]), topic);
  const out = await runKcat(args, '', 30_000);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map(parseKcatJson);
}

/** The topics part of `kcat -L -J -t topic`: partitions, leaders, replicas, ISRs, or the error. */
export async function kcatTopicMetadata(bootstrap: string, topic: string): Promise<unknown> {
  const out = await runKcat(['-b', bootstrap, '-L', '-J', '-t', topic], '', 30_000);
  return (JSON.parse(out) as { topics: unknown }).topics;
}
