// The Fetch long-poll (Kafka's DelayedFetch): a fetch that cannot yet return MinBytes waits until
// appends to its partitions bring enough bytes, or MaxWaitMs passes, whichever comes first.

import type { BrokerClock } from './clock.js';
import type { PartitionLog } from './partition-log.js';

/** One partition of a waiting fetch, and the offset it reads from. */
export interface FetchWaitTarget {
  readonly log: PartitionLog;
  readonly fetchOffset: number;
}

export interface FetchWaitOptions {
  readonly minBytes: number;
  readonly maxWaitMs: number;
  readonly clock: BrokerClock;
  /** Ends the wait early (the connection closed, the broker is shutting down). */
  readonly signal?: AbortSignal;
}

/** Bytes the targets could return now. */
export function fetchableBytes(targets: readonly FetchWaitTarget[]): number {
  let total = 0;
  for (const target of targets) total += target.log.bytesAvailableFrom(target.fetchOffset);
  return total;
}

/**
 * Resolves once the targets hold at least `minBytes` from their fetch offsets, after `maxWaitMs`,
 * or when `signal` aborts. Never rejects; leaves no listener or timer behind.
 */
export function waitForFetchableBytes(
  targets: readonly FetchWaitTarget[],
  options: FetchWaitOptions,
): Promise<void> {
  const minBytes = Math.max(1, options.minBytes);
  if (
    options.maxWaitMs <= 0 ||
    options.signal?.aborted === true ||
    targets.length === 0 ||
    fetchableBytes(targets) >= minBytes
  ) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const unsubscribes: Array<() => void> = [];
    const finish = () => {
      timer.cancel();
      for (const unsubscribe of unsubscribes) unsubscribe();
      options.signal?.removeEventListener('abort', finish);
      resolve();
    };
    const timer = options.clock.schedule(options.maxWaitMs, finish);
    const recheck = () => {
      if (fetchableBytes(targets) >= minBytes) finish();
    };
    for (const target of new Set(targets.map((t) => t.log))) {
      unsubscribes.push(target.onAppend(recheck));
    }
    options.signal?.addEventListener('abort', finish, { once: true });
  });
}
