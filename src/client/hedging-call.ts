// Hedging of one call of any shape (gRFC A6 "Hedging Policy", "Pushback", "Memory Management"):
// copies of the call are sent hedgingDelay apart, up to maxAttempts, each given every request
// message; the first to receive response headers wins and the others are cancelled.

import { GrpcError } from '../transport/grpc-error.js';
import type { MethodDefinition } from '../transport/service-definition.js';
import { Status } from '../transport/status.js';
import { AttemptWait } from './attempt-wait.js';
import type { CallHandle, ResponseSink } from './call-handle.js';
import { attemptOptions, type CallOptions, deadlineOf } from './call-options.js';
import type { Channel } from './channel.js';
import { Http2Call } from './http2-call.js';
import type { RetryBuffer } from './retry-buffer.js';
import { pushbackMs, type ResolvedHedgingPolicy } from './retry-policy.js';
import { Waiters } from './waiters.js';

/**
 * A hedged call. It commits to an attempt when that attempt receives response headers (A6
 * "committed"), ends OK, fails with a code not in nonFatalStatusCodes, or when the request
 * outgrows the retry buffer. A non-fatal failure sends the next hedge at once, or after the
 * server's pushback; a pushback that says "do not retry" stops further hedges.
 */
export class HedgingCall<Req, Res> implements CallHandle {
  /** Attempts sent and not yet ended. */
  private readonly live: Http2Call<Req, Res>[] = [];
  private sent = 0;
  private committed: Http2Call<Req, Res> | undefined;
  /** True once no more hedges may be sent: the throttle, or a "do not retry" pushback. */
  private noMoreHedges = false;
  private transparentRetryUsed = false;
  private done = false;
  private paused = false;
  /** The wait before the next hedge: hedgingDelay, or the server's pushback. */
  private readonly nextHedge: AttemptWait;
  private lastError: GrpcError | undefined;
  /** Writers waiting for an attempt to be live again (a pushback), or for the end. */
  private readonly attemptWaiters = new Waiters();
  private readonly buffer: RetryBuffer;
  /** Every hedge shares the call's one deadline. */
  private readonly deadline: number | undefined;

  constructor(
    private readonly channel: Channel,
    private readonly method: MethodDefinition<Req, Res>,
    private readonly options: CallOptions,
    private readonly policy: ResolvedHedgingPolicy,
    private readonly sink: ResponseSink<Res>,
  ) {
    this.deadline = deadlineOf(options);
    this.buffer = channel.newRetryBuffer();
    // While no attempt is live (a pushback), this wait is what honours the deadline and signal.
    this.nextHedge = new AttemptWait(options.signal, this.deadline);
  }

  get isDone(): boolean {
    return this.done;
  }

  start(): void {
    this.sendHedge();
  }

  write(frame: Buffer): boolean {
    if (this.done) return false;
    if (this.committed === undefined) {
      this.buffer.add(frame);
      // Outgrowing the buffer commits to the oldest live attempt, which then gets the frame.
      if (this.buffer.overflowed) this.overflow();
    }
    if (this.committed !== undefined) return this.committed.write(frame);
    let ready = this.live.length > 0;
    for (const attempt of this.live) if (!attempt.write(frame)) ready = false;
    return ready;
  }

  writable(): Promise<void> {
    if (this.done) return Promise.resolve();
    if (this.committed !== undefined) return this.committed.writable();
    if (this.live.length === 0) {
      return this.attemptWaiters.wait();
    }
    return Promise.all(this.live.map((attempt) => attempt.writable())).then(() => {});
  }

  end(frame?: Buffer): void {
    if (this.done) return;
    if (this.committed === undefined) {
      if (frame !== undefined) this.buffer.add(frame);
      this.buffer.ended = true;
      if (this.buffer.overflowed) this.overflow();
    }
    if (this.committed !== undefined) {
      this.committed.end(frame);
      return;
    }
    for (const attempt of this.live) attempt.end(frame);
  }

  /**
   * The request outgrew the buffer: A6 keeps the attempt that was sent the most messages (each
   * live attempt was sent them all, so the oldest) and cancels the rest; with none live, the
   * next hedge is the last (sendHedge commits to it).
   */
  private overflow(): void {
    const oldest = this.live[0];
    if (oldest !== undefined) this.commit(oldest);
  }

  private sendHedge(): void {
    this.nextHedge.stop();
    if (this.done || this.committed !== undefined) return;
    this.sent++;
    const attempt: Http2Call<Req, Res> = new Http2Call(
      this.channel,
      this.method,
      // A6: hedges are attempts too, and say how many were sent before them.
      attemptOptions(this.options, this.sent),
      this.deadline,
      {
        onHeaders: () => this.commit(attempt),
        onMessage: (message) => {
          if (this.commit(attempt)) this.sink.onMessage(message);
        },
        onEnd: (error) => this.onAttemptEnd(attempt, error),
      },
    );
    this.live.push(attempt);
    attempt.start();
    if (this.paused) attempt.pause();
    this.buffer.replayInto(attempt);
    // The request outgrew the buffer while no attempt was live: this one, the last, has it all.
    // (A stop from the throttle or a pushback only ends hedging: live attempts stay healthy.)
    if (this.buffer.overflowed) this.commit(attempt);
    this.attemptWaiters.wake();
    this.scheduleHedge(this.policy.hedgingDelayMs);
  }

  /**
   * Sends the next hedge after `delayMs`, if the policy and the throttle allow one more and it
   * would start before the deadline; an abort during the wait cancels the call.
   */
  private scheduleHedge(delayMs: number): void {
    this.nextHedge.stop();
    if (this.noMoreHedges || this.committed !== undefined) return;
    if (this.sent >= this.policy.maxAttempts) return;
    // Past the deadline no wait starts, and no hedge follows it; that is not a stop, though: a
    // failure of a live attempt may still send the next hedge at once (scheduleHedge(0)).
    this.nextHedge.start(
      delayMs,
      () => {
        // A6 throttling: a hedge after the first is sent only while the throttle allows retries.
        if (this.channel.retryThrottle?.allowsRetry === false) {
          this.noMoreHedges = true;
          this.finishIfNothingLeft();
          return;
        }
        this.sendHedge();
      },
      (error) => this.cancel(error),
    );
  }

  /** Makes `attempt` the one whose responses count; false if another already is. */
  private commit(attempt: Http2Call<Req, Res>): boolean {
    if (this.committed !== undefined) return this.committed === attempt;
    this.committed = attempt;
    this.nextHedge.stop();
    this.buffer.clear();
    const lost = new GrpcError(
      Status.CANCELLED,
      'another hedged attempt of the call answered first',
    );
    for (const other of [...this.live]) if (other !== attempt) other.cancel(lost);
    return true;
  }

  private onAttemptEnd(attempt: Http2Call<Req, Res>, error: GrpcError | undefined): void {
    const index = this.live.indexOf(attempt);
    if (index !== -1) this.live.splice(index, 1);
    if (this.done) return;
    if (this.committed !== undefined && this.committed !== attempt) return;
    const throttle = this.channel.retryThrottle;
    if (error === undefined) {
      throttle?.recordSuccess();
      this.commit(attempt);
      this.finish(undefined);
      return;
    }
    if (attempt.neverProcessed && !this.transparentRetryUsed && this.committed === undefined) {
      // A6 transparent retry: the server's application never saw this copy; a replacement is
      // sent at once and does not count against maxAttempts.
      this.transparentRetryUsed = true;
      this.sent--;
      this.sendHedge();
      return;
    }
    const nonFatal = this.policy.nonFatalStatusCodes.has(error.code);
    if (this.committed === attempt || !nonFatal || this.options.signal?.aborted === true) {
      this.commit(attempt);
      this.finish(error);
      return;
    }
    throttle?.recordFailure();
    this.lastError = error;
    const pushback = pushbackMs(error);
    if ((pushback !== undefined && pushback < 0) || throttle?.allowsRetry === false) {
      // A6: a pushback that says not to retry, or the throttle, stops further hedges.
      this.noMoreHedges = true;
      this.nextHedge.stop();
    } else {
      // A6: a non-fatal failure sends the next hedge at once, or after the server's pushback;
      // later hedges resume hedgingDelay after it.
      this.scheduleHedge(pushback ?? 0);
    }
    this.finishIfNothingLeft();
  }

  /** Fails the call once no attempt is live and no hedge will be sent. */
  private finishIfNothingLeft(): void {
    if (this.live.length > 0 || this.nextHedge.waiting) return;
    this.finish(this.lastError ?? new GrpcError(Status.UNAVAILABLE, 'every hedged attempt failed'));
  }

  pause(): void {
    this.paused = true;
    for (const attempt of this.live) attempt.pause();
  }

  resume(): void {
    this.paused = false;
    for (const attempt of this.live) attempt.resume();
  }

  cancel(error: GrpcError): void {
    this.finish(error);
    for (const attempt of [...this.live]) attempt.cancel(error);
  }

  private finish(error: GrpcError | undefined): void {
    if (this.done) return;
    this.done = true;
    this.nextHedge.stop();
    this.buffer.clear();
    this.attemptWaiters.wake();
    this.sink.onEnd(error);
  }
}
