// Retries of one call (gRFC A6 "gRPC Retry Design"): attempts under a retryPolicy with
// exponential backoff and grpc-retry-pushback-ms, transparent retry of an attempt the server never
// processed, retry throttling, all within the call's one deadline.

import { GrpcError } from '../transport/grpc-error.js';
import { GRPC_PREVIOUS_RPC_ATTEMPTS, GRPC_RETRY_PUSHBACK_MS } from '../transport/headers.js';
import { Metadata } from '../transport/metadata.js';
import type { MethodDefinition } from '../transport/service-definition.js';
import { type CallOptions, deadlineOf } from './call-options.js';
import type { Channel } from './channel.js';
import { Http2Call, type ResponseSink } from './http2-call.js';
import type { PausableCall } from './response-stream.js';
import { type ResolvedRetryPolicy, retryBackoffMs } from './retry-policy.js';

/**
 * A call whose request is one message (unary or server streaming), made of one or more attempts.
 * The call commits — no more retries — once an attempt receives response headers or a message.
 */
export class RetryingCall<Req, Res> implements ResponseSink<Res>, PausableCall {
  private attempt: Http2Call<Req, Res> | undefined;
  private attempts = 0;
  private transparentRetryUsed = false;
  private committed = false;
  private done = false;
  private paused = false;
  private backoffTimer: NodeJS.Timeout | undefined;
  private readonly attemptOptions: CallOptions;
  private readonly deadline: number | undefined;

  constructor(
    private readonly channel: Channel,
    private readonly method: MethodDefinition<Req, Res>,
    private readonly frame: Buffer,
    options: CallOptions,
    private readonly policy: ResolvedRetryPolicy | undefined,
    private readonly sink: ResponseSink<Res>,
  ) {
    this.deadline = deadlineOf(options);
    // Every attempt shares the call's one deadline.
    this.attemptOptions =
      this.deadline === undefined || options.timeoutMs === undefined
        ? options
        : { ...options, timeoutMs: undefined, deadline: this.deadline };
  }

  get isDone(): boolean {
    return this.done;
  }

  start(): void {
    this.attempts++;
    let options = this.attemptOptions;
    if (this.attempts > 1 && this.policy !== undefined) {
      // A6: later attempts say how many came before.
      const metadata = options.metadata?.clone() ?? new Metadata();
      metadata.set(GRPC_PREVIOUS_RPC_ATTEMPTS, String(this.attempts - 1));
      options = { ...options, metadata };
    }
    const attempt = new Http2Call(this.channel, this.method, options, this);
    this.attempt = attempt;
    attempt.start();
    if (this.paused) attempt.pause();
    attempt.end(this.frame);
  }

  onMessage(message: Res): void {
    this.committed = true;
    this.sink.onMessage(message);
  }

  onEnd(error: GrpcError | undefined): void {
    if (this.done) return;
    const throttle = this.channel.retryThrottle;
    if (error === undefined) {
      throttle?.recordSuccess();
      this.finish(undefined);
      return;
    }
    const attempt = this.attempt!;
    const aborted = this.attemptOptions.signal?.aborted === true;
    if (this.committed || attempt.receivedHeaders || aborted) {
      this.finish(error);
      return;
    }
    if (attempt.neverProcessed && !this.transparentRetryUsed) {
      // A6 transparent retry: the server never saw this attempt; it does not count.
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
    let delayMs: number;
    const pushback = error.metadata.get(GRPC_RETRY_PUSHBACK_MS);
    if (pushback !== undefined) {
      // A6: a pushback that is not a non-negative integer means "do not retry".
      if (typeof pushback !== 'string' || !/^[0-9]+$/.test(pushback)) {
        this.finish(error);
        return;
      }
      delayMs = Number(pushback);
    } else {
      delayMs = retryBackoffMs(policy, this.attempts);
    }
    if (this.deadline !== undefined && Date.now() + delayMs >= this.deadline) {
      this.finish(error);
      return;
    }
    this.attemptOptions.signal?.addEventListener('abort', this.onAbortDuringBackoff, {
      once: true,
    });
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.attemptOptions.signal?.removeEventListener('abort', this.onAbortDuringBackoff);
      this.start();
    }, delayMs);
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
    if (this.backoffTimer !== undefined) {
      this.finish(error);
      return;
    }
    this.attempt?.cancel(error);
  }

  private readonly onAbortDuringBackoff = (): void => {
    this.finish(GrpcError.from(this.attemptOptions.signal?.reason));
  };

  private finish(error: GrpcError | undefined): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.backoffTimer);
    this.attemptOptions.signal?.removeEventListener('abort', this.onAbortDuringBackoff);
    this.sink.onEnd(error);
  }
}
