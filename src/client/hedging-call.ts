// Hedging of one call (gRFC A6 "Hedging Policy"): copies of the call are sent hedgingDelay apart,
// up to maxAttempts; the first to answer wins and the others are cancelled.

import { GrpcError } from '../transport/grpc-error.js';
import type { MethodDefinition } from '../transport/service-definition.js';
import { Status } from '../transport/status.js';
import type { CallOptions } from './call-options.js';
import { deadlineOf } from './call-options.js';
import type { Channel } from './channel.js';
import { Http2Call, type ResponseSink } from './http2-call.js';
import type { PausableCall } from './response-stream.js';
import type { ResolvedHedgingPolicy } from './retry-policy.js';

/**
 * A call whose request is one message, hedged. It commits to an attempt when that attempt
 * delivers a response message, ends OK, or fails with a code not in nonFatalStatusCodes; a
 * non-fatal failure sends the next hedge at once, as A6 says.
 */
export class HedgingCall<Req, Res> implements PausableCall {
  private readonly attempts: Http2Call<Req, Res>[] = [];
  private readonly failed = new Set<Http2Call<Req, Res>>();
  private committed: Http2Call<Req, Res> | undefined;
  private done = false;
  private paused = false;
  private hedgeTimer: NodeJS.Timeout | undefined;
  private readonly attemptOptions: CallOptions;

  constructor(
    private readonly channel: Channel,
    private readonly method: MethodDefinition<Req, Res>,
    private readonly frame: Buffer,
    options: CallOptions,
    private readonly policy: ResolvedHedgingPolicy,
    private readonly sink: ResponseSink<Res>,
  ) {
    const deadline = deadlineOf(options);
    // Every hedge shares the call's one deadline.
    this.attemptOptions =
      deadline === undefined ? options : { ...options, timeoutMs: undefined, deadline };
  }

  get isDone(): boolean {
    return this.done;
  }

  start(): void {
    this.sendHedge();
  }

  private sendHedge(): void {
    clearTimeout(this.hedgeTimer);
    this.hedgeTimer = undefined;
    if (this.done || this.committed !== undefined) return;
    const attempt: Http2Call<Req, Res> = new Http2Call(
      this.channel,
      this.method,
      this.attemptOptions,
      {
        onMessage: (message) => {
          if (this.commit(attempt)) this.sink.onMessage(message);
        },
        onEnd: (error) => this.onAttemptEnd(attempt, error),
      },
    );
    this.attempts.push(attempt);
    attempt.start();
    if (this.paused) attempt.pause();
    attempt.end(this.frame);
    if (this.attempts.length < this.policy.maxAttempts) {
      this.hedgeTimer = setTimeout(() => this.sendHedge(), this.policy.hedgingDelayMs);
    }
  }

  /** Makes `attempt` the one whose responses count; false if another already is. */
  private commit(attempt: Http2Call<Req, Res>): boolean {
    if (this.committed !== undefined) return this.committed === attempt;
    this.committed = attempt;
    clearTimeout(this.hedgeTimer);
    const lost = new GrpcError(
      Status.CANCELLED,
      'another hedged attempt of the call answered first',
    );
    for (const other of this.attempts) if (other !== attempt) other.cancel(lost);
    return true;
  }

  private onAttemptEnd(attempt: Http2Call<Req, Res>, error: GrpcError | undefined): void {
    if (this.done) return;
    if (this.committed !== undefined && this.committed !== attempt) return;
    const throttle = this.channel.retryThrottle;
    if (error === undefined) {
      throttle?.recordSuccess();
      this.commit(attempt);
      this.finish(undefined);
      return;
    }
    const nonFatal = this.policy.nonFatalStatusCodes.has(error.code);
    if (this.committed === attempt || !nonFatal || this.attemptOptions.signal?.aborted === true) {
      this.commit(attempt);
      this.finish(error);
      return;
    }
    throttle?.recordFailure();
    this.failed.add(attempt);
    const canHedge =
      this.attempts.length < this.policy.maxAttempts && throttle?.allowsRetry !== false;
    if (canHedge) {
      // A6: a non-fatal failure sends the next hedge at once.
      this.sendHedge();
      return;
    }
    clearTimeout(this.hedgeTimer);
    if (this.failed.size === this.attempts.length) this.finish(error);
  }

  pause(): void {
    this.paused = true;
    for (const attempt of this.attempts) attempt.pause();
  }

  resume(): void {
    this.paused = false;
    for (const attempt of this.attempts) attempt.resume();
  }

  cancel(error: GrpcError): void {
    for (const attempt of this.attempts) attempt.cancel(error);
    this.finish(error);
  }

  private finish(error: GrpcError | undefined): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.hedgeTimer);
    this.sink.onEnd(error);
  }
}
