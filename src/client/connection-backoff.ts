// Reconnect backoff with jitter and a minimum connect timeout (grpc doc/connection-backoff.md).
//
//   ConnectWithBackoff()
//     current_backoff = INITIAL_BACKOFF
//     current_deadline = now() + INITIAL_BACKOFF
//     while (TryConnect(Max(current_deadline, now() + MIN_CONNECT_TIMEOUT)) != SUCCESS)
//       SleepUntil(current_deadline)
//       current_backoff = Min(current_backoff * MULTIPLIER, MAX_BACKOFF)
//       current_deadline = now() + current_backoff +
//         UniformRandom(-JITTER * current_backoff, JITTER * current_backoff)

import { type NumberRule, numberOption } from '../transport/number-option.js';

export interface ConnectionBackoffOptions {
  /** INITIAL_BACKOFF: the wait after the first failure. 1 s. */
  initialBackoffMs?: number;
  /** MULTIPLIER: how much the backoff grows after each failure. 1.6. */
  multiplier?: number;
  /** JITTER: the backoff is randomised by ± this fraction. 0.2. */
  jitter?: number;
  /** MAX_BACKOFF: the backoff stops growing here. 120 s. */
  maxBackoffMs?: number;
  /** MIN_CONNECT_TIMEOUT: an attempt is given at least this long. 20 s. */
  minConnectTimeoutMs?: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
  /** A uniform random number in [0, 1), replaceable in tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = {
  initialBackoffMs: 1000,
  multiplier: 1.6,
  jitter: 0.2,
  maxBackoffMs: 120_000,
  minConnectTimeoutMs: 20_000,
} as const;

/**
 * The state of connection-backoff.md's loop for one address, driven by its owner: call
 * `beginAttempt` before each connect (it gives the connect timeout), `failed` after a failed one
 * (it gives how long to sleep before the next), and `reset` after a success.
 */
/** Backoff durations: finite and above 0 (connection-backoff.md gives each a value). */
const FINITE: NumberRule = { above: 0, finite: true };

export class ConnectionBackoff {
  readonly initialBackoffMs: number;
  readonly multiplier: number;
  readonly jitter: number;
  readonly maxBackoffMs: number;
  readonly minConnectTimeoutMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  /** current_backoff; undefined before the first attempt or after a success. */
  private currentBackoffMs: number | undefined;
  /** current_deadline: the earliest time the next attempt may start. */
  private currentDeadline = 0;
  /** True after a failure: the next attempt first grows the backoff. */
  private grow = false;

  constructor(options: ConnectionBackoffOptions = {}) {
    const check = (name: keyof ConnectionBackoffOptions, fallback: number, rule: NumberRule) =>
      numberOption('backoff', name, options[name], fallback, rule);
    this.initialBackoffMs = check('initialBackoffMs', DEFAULT_BACKOFF.initialBackoffMs, FINITE);
    this.multiplier = check('multiplier', DEFAULT_BACKOFF.multiplier, { atLeast: 1, finite: true });
    this.jitter = check('jitter', DEFAULT_BACKOFF.jitter, { atLeast: 0, finite: true });
    if (this.jitter >= 1)
      throw new RangeError(`backoff option jitter ${this.jitter} must be below 1`);
    this.maxBackoffMs = check('maxBackoffMs', DEFAULT_BACKOFF.maxBackoffMs, FINITE);
    this.minConnectTimeoutMs = check(
      'minConnectTimeoutMs',
      DEFAULT_BACKOFF.minConnectTimeoutMs,
      FINITE,
    );
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Starts a connection attempt; returns how long it may take before it counts as failed. */
  beginAttempt(): number {
    const now = this.now();
    if (this.currentBackoffMs === undefined) {
      this.currentBackoffMs = this.initialBackoffMs;
      this.currentDeadline = now + this.initialBackoffMs;
    } else if (this.grow) {
      this.currentBackoffMs = Math.min(this.currentBackoffMs * this.multiplier, this.maxBackoffMs);
      const spread = this.jitter * this.currentBackoffMs;
      this.currentDeadline = now + this.currentBackoffMs + (this.random() * 2 - 1) * spread;
    }
    this.grow = false;
    return Math.max(this.currentDeadline - now, this.minConnectTimeoutMs);
  }

  /** Records a failed attempt; returns how long to wait before the next (SleepUntil deadline). */
  failed(): number {
    this.grow = true;
    return Math.max(0, this.currentDeadline - this.now());
  }

  /** A connection succeeded: the next failure starts again from INITIAL_BACKOFF. */
  reset(): void {
    this.currentBackoffMs = undefined;
    this.grow = false;
  }
}
