// The wait between two attempts to publish the same batch: Apache Kafka's client backoff
// (KIP-580, org.apache.kafka.common.utils.ExponentialBackoff): retry.backoff.ms (100 ms) doubled
// after each failure up to retry.backoff.max.ms (1 s), each wait randomised by ± 20 % so that many
// producers cut off together do not come back in step.

export interface RetryBackoffOptions {
  /** retry.backoff.ms: the first wait. 100 ms. */
  initialMs?: number;
  /** retry.backoff.max.ms: the longest wait. 1000 ms. */
  maxMs?: number;
  /** A uniform random number in [0, 1), replaceable in tests. */
  random?: () => number;
}

const MULTIPLIER = 2;
const JITTER = 0.2;

export class RetryBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  /** Failures since the last success. */
  private failures = 0;

  constructor(options: RetryBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? 1000);
    this.random = options.random ?? Math.random;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  nextDelayMs(): number {
    const exponent = Math.min(this.failures, 30);
    this.failures++;
    const base = Math.min(this.maxMs, this.initialMs * MULTIPLIER ** exponent);
    const jitter = 1 - JITTER + 2 * JITTER * this.random();
    return Math.round(base * jitter);
  }

  /** After a success the next failure waits the initial time again. */
  reset(): void {
    this.failures = 0;
  }
}
