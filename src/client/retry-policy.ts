// Retry policies and retry throttling of the service config (gRFC A6 "gRPC Retry Design":
// retryPolicy, retryThrottling, grpc-retry-pushback-ms), in the service config's JSON shape.

import type { GrpcError } from '../transport/grpc-error.js';
import { GRPC_RETRY_PUSHBACK_MS } from '../transport/headers.js';
import { isStatusCode, Status, type StatusCode } from '../transport/status.js';

/** A6 retryPolicy: durations as the service config writes them, `"0.1s"`. */
export interface RetryPolicy {
  /** Attempts in all, the first included; 2 to 5 (A6 caps it at 5). */
  maxAttempts: number;
  /** The first backoff, e.g. `"0.1s"`. */
  initialBackoff: string;
  /** The largest backoff, e.g. `"1s"`. */
  maxBackoff: string;
  backoffMultiplier: number;
  /** Status codes, by name (`"UNAVAILABLE"`) or number, that allow another attempt. */
  retryableStatusCodes: readonly (keyof typeof Status | StatusCode)[];
}

/** Which methods a policy applies to: a whole service when `method` is omitted. */
export interface MethodName {
  service: string;
  method?: string;
}

/** A6 hedgingPolicy: `hedgingDelay` as the service config writes it, `"0.5s"`. */
export interface HedgingPolicy {
  /** Copies of the call in all, the first included; 2 to 5 (A6 caps it at 5). */
  maxAttempts: number;
  /** Wait between hedges, e.g. `"0.1s"`; `"0s"` sends every copy at once. */
  hedgingDelay?: string;
  /** Codes after which the next hedge is sent at once instead of failing the call. */
  nonFatalStatusCodes?: readonly (keyof typeof Status | StatusCode)[];
}

export interface MethodConfig {
  name: readonly MethodName[];
  /** At most one of retryPolicy and hedgingPolicy (A6). */
  retryPolicy?: RetryPolicy;
  hedgingPolicy?: HedgingPolicy;
}

export interface ResolvedHedgingPolicy {
  readonly maxAttempts: number;
  readonly hedgingDelayMs: number;
  readonly nonFatalStatusCodes: ReadonlySet<StatusCode>;
}

/** What a method's calls do on failure: retry, hedge, or neither. */
export type ResolvedCallPolicy =
  | { readonly kind: 'retry'; readonly policy: ResolvedRetryPolicy }
  | { readonly kind: 'hedge'; readonly policy: ResolvedHedgingPolicy };

/** The retry or hedging policy for a method path: its own config first, else its service's. */
export function findCallPolicy(
  config: ServiceConfig | undefined,
  path: string,
): ResolvedCallPolicy | undefined {
  const entry = findMethodConfig(config, path);
  if (entry === undefined) return undefined;
  if (entry.retryPolicy !== undefined && entry.hedgingPolicy !== undefined) {
    throw new TypeError(
      `the method config for ${path} has both retryPolicy and hedgingPolicy: gRFC A6 allows one`,
    );
  }
  if (entry.retryPolicy !== undefined) {
    return { kind: 'retry', policy: resolveRetryPolicy(entry.retryPolicy) };
  }
  if (entry.hedgingPolicy !== undefined) {
    return { kind: 'hedge', policy: resolveHedgingPolicy(entry.hedgingPolicy) };
  }
  return undefined;
}

function findMethodConfig(
  config: ServiceConfig | undefined,
  path: string,
): MethodConfig | undefined {
  if (config?.methodConfig === undefined) return undefined;
  const slash = path.indexOf('/', 1);
  const service = path.slice(1, slash);
  const method = path.slice(slash + 1);
  let serviceWide: MethodConfig | undefined;
  for (const entry of config.methodConfig) {
    for (const name of entry.name) {
      if (name.service !== service) continue;
      if (name.method === method) return entry;
      if (name.method === undefined || name.method === '') serviceWide ??= entry;
    }
  }
  return serviceWide;
}

/** Checks a hedging policy as A6 requires; throws a TypeError saying which field is wrong. */
export function resolveHedgingPolicy(policy: HedgingPolicy): ResolvedHedgingPolicy {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 2) {
    throw new TypeError(
      `hedgingPolicy.maxAttempts is ${policy.maxAttempts}: it must be an integer ≥ 2`,
    );
  }
  const delay = policy.hedgingDelay ?? '0s';
  const match = /^([0-9]+(?:\.[0-9]+)?)s$/.exec(delay);
  if (match === null) {
    throw new TypeError(
      `hedgingPolicy.hedgingDelay is ${JSON.stringify(delay)}: write a duration like "0.5s"`,
    );
  }
  return {
    maxAttempts: Math.min(policy.maxAttempts, 5),
    hedgingDelayMs: Number(match[1]) * 1000,
    nonFatalStatusCodes: statusCodeSet(
      'hedgingPolicy.nonFatalStatusCodes',
      policy.nonFatalStatusCodes ?? [],
    ),
  };
}

function statusCodeSet(
  field: string,
  codes: readonly (keyof typeof Status | StatusCode)[],
): Set<StatusCode> {
  const set = new Set<StatusCode>();
  for (const code of codes) {
    const value = typeof code === 'number' ? code : Status[code];
    if (!isStatusCode(value))
      throw new TypeError(`${field} has ${JSON.stringify(code)}, not a status code`);
    set.add(value);
  }
  return set;
}

/** A6 retryThrottling: retries stop while the token count is at or below half of maxTokens. */
export interface RetryThrottlingConfig {
  maxTokens: number;
  tokenRatio: number;
}

/** The part of grpc's service config handwire reads. */
export interface ServiceConfig {
  methodConfig?: readonly MethodConfig[];
  retryThrottling?: RetryThrottlingConfig;
}

/** A retry policy checked, with milliseconds and a set of codes. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly retryableStatusCodes: ReadonlySet<StatusCode>;
}

/** Checks a policy as A6 requires; throws a TypeError saying which field is wrong. */
export function resolveRetryPolicy(policy: RetryPolicy): ResolvedRetryPolicy {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 2) {
    throw new TypeError(
      `retryPolicy.maxAttempts is ${policy.maxAttempts}: it must be an integer ≥ 2`,
    );
  }
  const codes = new Set<StatusCode>();
  for (const code of policy.retryableStatusCodes) {
    const value = typeof code === 'number' ? code : Status[code];
    if (!isStatusCode(value)) {
      throw new TypeError(
        `retryPolicy.retryableStatusCodes has ${JSON.stringify(code)}, not a status code`,
      );
    }
    codes.add(value);
  }
  if (codes.size === 0) throw new TypeError('retryPolicy.retryableStatusCodes must not be empty');
  if (!(policy.backoffMultiplier > 0)) {
    throw new TypeError(
      `retryPolicy.backoffMultiplier is ${policy.backoffMultiplier}: it must be > 0`,
    );
  }
  return {
    maxAttempts: Math.min(policy.maxAttempts, 5),
    initialBackoffMs: parseDuration('initialBackoff', policy.initialBackoff),
    maxBackoffMs: parseDuration('maxBackoff', policy.maxBackoff),
    backoffMultiplier: policy.backoffMultiplier,
    retryableStatusCodes: codes,
  };
}

/** A service-config duration, `"1.5s"`, in ms; it must be positive. */
function parseDuration(field: string, value: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)s$/.exec(value);
  const ms = match === null ? Number.NaN : Number(match[1]) * 1000;
  if (!(ms > 0)) {
    throw new TypeError(
      `retryPolicy.${field} is ${JSON.stringify(value)}: write a positive duration like "0.1s"`,
    );
  }
  return ms > LONGEST_PUSHBACK_MS ? -1 : ms;
}

/**
 * A6's backoff before attempt `attempt` + 1 (the first retry is `attempt` 1): a random wait in
 * [0, min(initialBackoff × multiplier^(attempt-1), maxBackoff)).
 */
export function retryBackoffMs(
  policy: ResolvedRetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    policy.initialBackoffMs * policy.backoffMultiplier ** (attempt - 1),
    policy.maxBackoffMs,
  );
  return random() * ceiling;
}

/**
 * The longest pushback honoured: 2^31-1 ms (about 24.8 days), the most setTimeout can wait (a
 * longer delay fires after 1 ms). No call waits that long, so a longer pushback means "stop".
 */
const LONGEST_PUSHBACK_MS = 2 ** 31 - 1;

/**
 * The server's grpc-retry-pushback-ms (A6 "Pushback"): the wait in ms, -1 for "do not retry"
 * (a negative or malformed value, or one too long to wait), or undefined when the server sent
 * none.
 */
export function pushbackMs(error: GrpcError): number | undefined {
  const value = error.metadata.get(GRPC_RETRY_PUSHBACK_MS);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) return -1;
  const ms = Number(value);
  return ms > LONGEST_PUSHBACK_MS ? -1 : ms;
}

/**
 * A6 retry throttling, one per channel: each failure with a retryable code costs a token, each
 * success returns `tokenRatio`; retries are allowed only while tokens > maxTokens / 2.
 */
export class RetryThrottle {
  private tokens: number;
  constructor(private readonly config: RetryThrottlingConfig) {
    if (!(config.maxTokens > 0 && config.maxTokens <= 1000)) {
      throw new TypeError(
        `retryThrottling.maxTokens is ${config.maxTokens}: it must be in (0, 1000]`,
      );
    }
    if (!(config.tokenRatio > 0)) {
      throw new TypeError(`retryThrottling.tokenRatio is ${config.tokenRatio}: it must be > 0`);
    }
    this.tokens = config.maxTokens;
  }
  get allowsRetry(): boolean {
    return this.tokens > this.config.maxTokens / 2;
  }
  recordFailure(): void {
    this.tokens = Math.max(0, this.tokens - 1);
  }
  recordSuccess(): void {
    this.tokens = Math.min(this.config.maxTokens, this.tokens + this.config.tokenRatio);
  }
}
