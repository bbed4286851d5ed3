// The broker's time source: wall-clock milliseconds and one-shot timers, injectable so that tests of
// session timeouts and join rounds run on a manual clock instead of waiting seconds.

/** A pending timer; `cancel` is safe to call after it fired or twice. */
export interface BrokerTimer {
  cancel(): void;
}

export interface BrokerClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs`. */
  schedule(delayMs: number, callback: () => void): BrokerTimer;
}

/** The real clock: Date.now and setTimeout. */
export const systemClock: BrokerClock = {
  now: () => Date.now(),
  schedule(delayMs, callback) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};
