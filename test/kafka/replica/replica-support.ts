// What the replica tests share: a primary with N users migrated through the CSV path
// (`handwire migrate`), a replica started as a child, its metrics read back, and the comparisons
// that say a replica equals its primary (every user's offer and version; WatchOfferEvents).
// Peers are @grpc/grpc-js clients, sharing no code with handwire's own client.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { childEnv } from '../../helpers/child-env.js';
import {
  type AnyClient,
  call,
  callClientStream,
  grpcJsClient,
} from '../../helpers/grpc-js-proto.js';
import { type ServeProcess, startServe } from '../../helpers/serve-process.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const PROTO = (name: string) => new URL(`../../../proto/${name}`, import.meta.url).pathname;

export const offersClient = (address: string): AnyClient =>
  grpcJsClient(PROTO('offers.proto'), 'offers.v1.OfferService', address);
export const usersClient = (address: string): AnyClient =>
  grpcJsClient(PROTO('user.proto'), 'user.UserService', address);
export const healthClient = (address: string): AnyClient =>
  grpcJsClient(PROTO('grpc/health/v1/health.proto'), 'grpc.health.v1.Health', address);

/** A serve child that is SIGKILLed in teardown if the test did not stop it. */
export async function startChild(t: Test, args: string[]): Promise<ServeProcess> {
  const child = await startServe(args);
  t.teardown(() => {
    if (child.child.exitCode === null) child.child.kill('SIGKILL');
  });
  if (!args.includes('--metrics-port') || child.metricsPort !== undefined) return child;
  // The metrics line follows the address line; on a busy machine it may come in a later chunk.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const metrics = /metrics on http:\/\/[^:]+:(\d+)\/metrics/.exec(child.stdout());
    if (metrics) return { ...child, metricsPort: Number(metrics[1]) };
    if (Date.now() > deadline) throw new Error(`no metrics line in 10 s: ${child.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Creates `count` users on `address` in one BatchCreateUsers stream; their ids in order. */
export async function createUsers(address: string, count: number, prefix: string) {
  const users = usersClient(address);
  try {
    const created = await callClientStream<{ createdCount: number; userIds: string[] }>(
      users,
      'BatchCreateUsers',
      Array.from({ length: count }, (_, i) => ({
        username: `${prefix}-${i}`,
        email: `${prefix}-${i}@example.com`,
        fullName: `${prefix} ${i}`,
        role: 'ROLE_USER',
      })),
    );
    if (created.createdCount !== count) throw new Error(`created ${created.createdCount} users`);
    return created.userIds;
  } finally {
    users.close();
  }
}

/** Moves every user to `target` with `handwire migrate` on a CSV file (current offer `from`). */
export async function migrateWithCsv(
  address: string,
  userIds: readonly string[],
  from: string,
  target: string,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'handwire-replica-'));
  const file = join(dir, 'migration.csv');
  writeFileSync(
    file,
    `user_id,current_offer,target_offer\n${userIds.map((id) => `${id},${from},${target}\n`).join('')}`,
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'migrate', file, '--server', address],
    {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  // Bounded: 10,000 rows take about a second on an idle machine, far more on a busy one.
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`handwire migrate exited ${code}: ${output}`);
  return output;
}

/** Every handwire_replica_* sample of a replica's /metrics, by name and labels. */
export async function replicaMetrics(replica: ServeProcess): Promise<Record<string, number>> {
  const response = await fetch(`http://127.0.0.1:${replica.metricsPort}/metrics`);
  const text = await response.text();
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(handwire_replica_\S+) (\S+)$/.exec(line);
    if (match) values[match[1]!] = Number(match[2]);
  }
  return values;
}

/** Polls the replica's metrics (every 50 ms) until `done` holds for them, at most `timeoutMs`. */
export async function waitForMetrics(
  replica: ServeProcess,
  what: string,
  timeoutMs: number,
  done: (metrics: Record<string, number>) => boolean,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await replicaMetrics(replica).catch(() => ({}) as Record<string, number>);
    if (done(metrics)) return metrics;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms: ${what}; metrics ${JSON.stringify(metrics)}; log:\n${replica.stderr().slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface WatchedEvent {
  eventId: string;
  offset: number;
  userId: string;
  fromOffer: string;
  toOffer: string;
  migrationId: string;
  occurredAt: number;
}

/** The first `count` events of WatchOfferEvents from offset 0 (then cancelled), within 30 s. */
export function watchEvents(address: string, count: number): Promise<WatchedEvent[]> {
  const offers = offersClient(address);
  return new Promise<WatchedEvent[]>((resolve, reject) => {
    const events: WatchedEvent[] = [];
    const stream = offers.WatchOfferEvents({ fromOffset: 0, userId: '' });
    const timer = setTimeout(() => {
      stream.cancel();
      reject(new Error(`WatchOfferEvents on ${address} gave ${events.length} of ${count} in 30 s`));
    }, 30_000);
    stream.on('data', (event: WatchedEvent) => {
      events.push(event);
      if (events.length === count) {
        clearTimeout(timer);
        stream.cancel();
        resolve(events);
      }
    });
    stream.on('error', (error: Error) => {
      clearTimeout(timer);
      if (events.length < count) reject(error);
    });
  }).finally(() => offers.close());
}

/** Every user's [offer_code, version] on `address`, 64 calls at a time. */
export async function offersOf(address: string, userIds: readonly string[]) {
  const offers = offersClient(address);
  const result: Array<[string, number]> = [];
  try {
    for (let i = 0; i < userIds.length; i += 64) {
      const batch = userIds.slice(i, i + 64);
      const answers = await Promise.all(
        batch.map((userId) =>
          call<{ offerCode: string; version: number }>(offers, 'GetUserOffer', { userId }),
        ),
      );
      for (const answer of answers) result.push([answer.offerCode, answer.version]);
    }
  } finally {
    offers.close();
  }
  return result;
}

/**
 * The delay from calling SetUserOffer on the primary to WatchOfferEvents delivering that event on
 * the replica (the call's own round trip included, printed apart), over `samples` changes one
 * after another (100 users, each GOLD then SILVER, so every call is a change). `endOffset` is the
 * primary's log end before the first change.
 */
export async function measureDelays(
  primary: string,
  replica: string,
  userIds: readonly string[],
  endOffset: number,
  samples: number,
): Promise<{ samples: number; summary: string }> {
  const offers = offersClient(primary);
  const watch = offersClient(replica);
  const delivered = new Map<number, number>();
  let wake: (() => void) | undefined;
  const stream = watch.WatchOfferEvents({ fromOffset: endOffset, userId: '' });
  stream.on('data', (event: { offset: number }) => {
    delivered.set(event.offset, performance.now());
    wake?.();
  });
  stream.on('error', () => {});
  const delays: number[] = [];
  const calls: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const code = Math.floor(i / 100) % 2 === 0 ? 'GOLD' : 'SILVER';
      const sent = performance.now();
      await call(offers, 'SetUserOffer', { userId: userIds[i % 100], offerCode: code });
      calls.push(performance.now() - sent);
      const deadline = Date.now() + 10_000;
      while (!delivered.has(endOffset + i)) {
        if (Date.now() > deadline)
          throw new Error(`offset ${endOffset + i} never reached ${replica}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      delays.push(delivered.get(endOffset + i)! - sent);
    }
  } finally {
    stream.cancel();
    offers.close();
    watch.close();
  }
  const at = (values: number[], q: number) =>
    values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return {
    samples: delays.length,
    summary:
      `over ${delays.length} changes, from the call to the replica's delivery: p50 ${ms(at(delays, 0.5))}, ` +
      `p99 ${ms(at(delays, 0.99))}, max ${ms(at(delays, 1))}; the SetUserOffer call alone: p50 ${ms(at(calls, 0.5))}, p99 ${ms(at(calls, 0.99))}`,
  };
}
