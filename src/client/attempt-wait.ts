// The wait between two attempts of one call (gRFC A6 "Exponential Backoff", "Pushback",
// "Hedging Policy"): a timer that still honours the call's deadline and AbortSignal while no
// attempt is running to honour them.

import { GrpcError } from '../transport/grpc-error.js';

/** The longest delay setTimeout keeps; a longer one fires after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One call's wait before its next attempt. While it runs no attempt listens for the call's
 * signal, so the wait does: an abort ends the wait with the signal's reason. Used by both
 * RetryingCall (backoff, pushback) and HedgingCall (hedgingDelay, pushback).
 */
export class AttemptWait {
  private timer: NodeJS.Timeout | undefined;
  private onAbort: (() => void) | undefined;

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly deadline: number | undefined,
  ) {}

  /** True while a wait runs. */
  get waiting(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Calls `next` after `delayMs`, or `aborted` with the signal's reason if it aborts first.
   * Returns false, starting nothing, when the next attempt would begin at or after the call's
   * deadline: there is no point sending it (A6: retries stay within the call's deadline).
   */
  start(delayMs: number, next: () => void, aborted: (error: GrpcError) => void): boolean {
    this.stop();
    if (this.deadline !== undefined && Date.now() + delayMs >= this.deadline) return false;
    const signal = this.signal;
    if (signal !== undefined) {
      this.onAbort = () => {
        this.stop();
        aborted(GrpcError.from(signal.reason));
      };
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.timer = setTimeout(
      () => {
        this.stop();
        next();
      },
      Math.min(delayMs, MAX_TIMER_MS),
    );
    return true;
  }

  /** Ends the wait, if one runs, without calling anything. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.onAbort !== undefined) {
      this.signal?.removeEventListener('abort', this.onAbort);
      this.onAbort = undefined;
    }
  }
}
