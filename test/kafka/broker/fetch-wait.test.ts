// The Fetch long-poll: answers at once when MinBytes are there, wakes on the append that brings
// them, ends at MaxWaitMs or on abort, and leaves no listener or timer behind.

import t from 'tap';
import { fetchableBytes, waitForFetchableBytes } from '../../../src/kafka/broker/fetch-wait.js';
import { PartitionLog } from '../../../src/kafka/broker/partition-log.js';
import { ManualClock } from './manual-clock.js';

const batch = (size: number) => ({
  bytes: Buffer.alloc(size),
  lastOffsetDelta: 0,
  maxTimestamp: 0,
});

/** Whether `promise` has settled after the current microtasks ran. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

t.test('resolves at once when the bytes are already there or nothing may wait', async (t) => {
  const clock = new ManualClock();
  const log = new PartitionLog();
  log.append(batch(100));
  const targets = [{ log, fetchOffset: 0 }];
  t.equal(fetchableBytes(targets), 100);
  t.ok(await settled(waitForFetchableBytes(targets, { minBytes: 1, maxWaitMs: 500, clock })));
  t.ok(await settled(waitForFetchableBytes(targets, { minBytes: 1000, maxWaitMs: 0, clock })));
  t.ok(await settled(waitForFetchableBytes([], { minBytes: 1, maxWaitMs: 500, clock })));
  t.equal(clock.activeTimers, 0);
});

t.test('waits for appends until MinBytes across partitions are there', async (t) => {
  const clock = new ManualClock();
  const a = new PartitionLog();
  const b = new PartitionLog();
  const wait = waitForFetchableBytes(
    [
      { log: a, fetchOffset: 0 },
      { log: b, fetchOffset: 0 },
    ],
    { minBytes: 150, maxWaitMs: 500, clock },
  );
  t.notOk(await settled(wait));
  a.append(batch(100));
  t.notOk(await settled(wait), '100 of 150 bytes');
  b.append(batch(60));
  t.ok(await settled(wait), 'woken by the append that brought 160');
  t.equal(clock.activeTimers, 0, 'the timeout was cancelled');
  let calls = 0;
  a.onAppend(() => calls++);
  a.append(batch(61));
  t.equal(calls, 1, 'only the test listener is left');
});

t.test('ends at MaxWaitMs, or when the signal aborts', async (t) => {
  const clock = new ManualClock();
  const log = new PartitionLog();
  const timed = waitForFetchableBytes([{ log, fetchOffset: 0 }], {
    minBytes: 1,
    maxWaitMs: 500,
    clock,
  });
  clock.advance(499);
  t.notOk(await settled(timed));
  clock.advance(1);
  t.ok(await settled(timed));
  const controller = new AbortController();
  const aborted = waitForFetchableBytes([{ log, fetchOffset: 0 }], {
    minBytes: 1,
    maxWaitMs: 500,
    clock,
    signal: controller.signal,
  });
  controller.abort();
  t.ok(await settled(aborted));
  t.equal(clock.activeTimers, 0);
  t.ok(
    await settled(
      waitForFetchableBytes([{ log, fetchOffset: 0 }], {
        minBytes: 1,
        maxWaitMs: 500,
        clock,
        signal: controller.signal,
      }),
    ),
  );
});
