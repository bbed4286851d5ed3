// A BrokerClock that moves only when a test advances it, so session timeouts and join rounds run
// without waiting. Timers fire in due order; a callback scheduling another one due within the
// advanced span fires too.

import type { BrokerClock, BrokerTimer } from '../../../src/kafka/broker/clock.js';

interface Pending {
  dueAt: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

export class ManualClock implements BrokerClock {
  private time = 1_700_000_000_000;
  private order = 0;
  private pending: Pending[] = [];

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, callback: () => void): BrokerTimer {
    const timer: Pending = {
      dueAt: this.time + Math.max(0, delayMs),
      order: this.order++,
      callback,
      cancelled: false,
    };
    this.pending.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Timers not yet fired nor cancelled. */
  get activeTimers(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let fired = 0; fired < 100_000; fired++) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      const next = this.pending
        .filter((p) => p.dueAt <= end)
        .sort((a, b) => a.dueAt - b.dueAt || a.order - b.order)[0];
      if (next === undefined) break;
      this.time = next.dueAt;
      next.cancelled = true;
      next.callback();
    }
    this.time = end;
  }
}
