// Retries of one call of any shape (gRFC A6 "gRPC Retry Design"): attempts under a retryPolicy
// with exponential backoff and grpc-retry-pushback-ms, the request messages buffered for replay
// until the call commits, transparent retry of an attempt the server never processed, retry
// throttling, all within the call's one deadline.

import type { GrpcError } from '../transport/grpc-error.js';
import type { MethodDefinition } from '../transport/service-definition.js';
import { AttemptWait } from './attempt-wait.js';
import type { CallHandle, ResponseSink } from './call-handle.js';
import { attemptOptions, type CallOptions, deadlineOf } from './call-options.js';
import type { Channel } from './channel.js';
import { Http2Call } from './http2-call.js';
import type { RetryBuffer } from './retry-buffer.js';
import { pushbackMs, type ResolvedRetryPolicy, retryBackoffMs } from './retry-policy.js';
import { Waiters } from './waiters.js';

/**
 * A call made of one or more attempts, one at a time. Until it commits — response headers
 * arrived, or the request outgrew the retry buffer (A6 "When Retries are Valid") — every request
 * message is kept, so a retry can send the same request again; after that, messages go straight
 * to the one attempt left. Without a policy it still retries once transparently.
 */
export class RetryingCall<Req, Res> implements ResponseSink<Res>, CallHandle {
  /** The attempt in flight; undefined while waiting out a backoff. */
  private attempt: Http2Call<Req, Res> | undefined;
  private attempts = 0;
  /** Backoffs since the last server pushback (or the start): the exponent of the next one. */
  private backoffsSincePushback = 0;
  private transparentRetryUsed = false;
  private committed = false;
  private cancelled = false;
  private done = false;
  private paused = false;
  /**
   * The backoff or pushback before the next attempt; it honours the deadline and signal. Made
   * on the first retry: most calls never need one.
   */
  private backoff: AttemptWait | undefined;
  /** Writers waiting for an attempt to exist again (a backoff is running). */
  private attemptWaiters: Waiters | undefined;
  private readonly buffer: RetryBuffer;
  /** Every attempt shares the call's one deadline. */
  private readonly deadline: number | undefined;

  constructor(
    private readonly channel: Channel,
    private readonly method: MethodDefinition<Req, Res>,
    private readonly options: CallOptions,
    private readonly policy: ResolvedRetryPolicy | undefined,
    private readonly sink: ResponseSink<Res>,
  ) {
    this.deadline = deadlineOf(options);
    this.buffer = channel.newRetryBuffer();
  }

  get isDone(): boolean {
    return this.done;
  }

  start(): void {
    this.attempts++;
    // Without a policy the only other attempt is a transparent retry: still attempt 1.
    const options =
      this.policy === undefined ? this.options : attemptOptions(this.options, this.attempts);
    const attempt = new Http2Call(this.channel, this.method, options, this.deadline, this);
    this.attempt = attempt;
    attempt.start();
    if (this.paused) attempt.pause();
    this.buffer.replayInto(attempt);
    // Committed while no attempt ran: this one is the last, and now has every frame.
    if (this.committed) this.buffer.clear();
    this.attemptWaiters?.wake();
  }

  write(frame: Buffer): boolean {
    if (this.done) return false;
    this.keep(frame);
    const attempt = this.attempt;
    if (attempt === undefined) return false;
    return attempt.write(frame);
  }

  writable(): Promise<void> {
    if (this.done) return Promise.resolve();
    if (this.attempt !== undefined) return this.attempt.writable();
    this.attemptWaiters ??= new Waiters();
    return this.attemptWaiters.wait();
  }

  end(frame?: Buffer): void {
    if (this.done) return;
    if (frame !== undefined) this.keep(frame);
    this.buffer.ended = true;
    this.attempt?.end(frame);
  }

  /** Buffers a request frame for replay while the call can still be retried. */
  private keep(frame: Buffer): void {
    if (!this.committed) {
      this.buffer.add(frame);
      if (this.buffer.overflowed) this.commit();
    } else if (this.attempt === undefined) {
      // Committed during a backoff: the next attempt, the last, still needs it.
      this.buffer.add(frame);
    }
  }

  /** No more attempts after this one; the frames it already has are freed. */
  private commit(): void {
    if (this.committed) return;
    this.committed = true;
    if (this.attempt !== undefined) this.buffer.clear();
  }

  onHeaders(): void {
    this.commit();
  }

  onMessage(message: Res): void {
    this.commit();
    this.sink.onMessage(message);
  }

  onEnd(error: GrpcError | undefined): void {
    if (this.done) return;
    const attempt = this.attempt!;
    this.attempt = undefined;
    const throttle = this.channel.retryThrottle;
    if (error === undefined) {
      throttle?.recordSuccess();
      this.finish(undefined);
      return;
    }
    const aborted = this.cancelled || this.options.signal?.aborted === true;
    if (this.committed || aborted) {
      this.finish(error);
      return;
    }
    if (attempt.neverProcessed && !this.transparentRetryUsed) {
      // A6 transparent retry: the server's application never saw this attempt; it does not
      // count against maxAttempts or the throttle.
      this.transparentRetryUsed = true;
      this.attempts--;
      this.start();
      return;
    }
    const policy = this.policy;
    if (policy === undefined || !policy.retryableStatusCodes.has(error.code)) {
      this.finish(error);
      return;
    }
    throttle?.recordFailure();
    if (this.attempts >= policy.maxAttempts || throttle?.allowsRetry === false) {
      this.finish(error);
      return;
    }
    const pushback = pushbackMs(error);
    let delayMs: number;
    if (pushback !== undefined) {
      // A6 "Pushback": wait as told; if the next attempt fails too, backoff starts over.
      this.backoffsSincePushback = 0;
      delayMs = pushback;
    } else {
      this.backoffsSincePushback++;
      delayMs = retryBackoffMs(policy, this.backoffsSincePushback);
    }
    // A negative pushback says "do not retry"; the wait refuses to start past the deadline.
    this.backoff ??= new AttemptWait(this.options.signal, this.deadline);
    const waiting =
      delayMs >= 0 &&
      this.backoff.start(
        delayMs,
        () => this.start(),
        (abort) => this.finish(abort),
      );
    if (!waiting) this.finish(error);
  }

  pause(): void {
    this.paused = true;
    this.attempt?.pause();
  }

  resume(): void {
    this.paused = false;
    this.attempt?.resume();
  }

  cancel(error: GrpcError): void {
    this.cancelled = true;
    if (this.attempt === undefined) {
      this.finish(error);
      return;
    }
    this.attempt.cancel(error);
  }

  private finish(error: GrpcError | undefined): void {
    if (this.done) return;
    this.done = true;
    this.backoff?.stop();
    this.buffer.clear();
    this.attemptWaiters?.wake();
    this.sink.onEnd(error);
  }
}
