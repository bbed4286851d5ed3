// Rate limit: a token bucket per caller (docs/contract.md §4), excess RESOURCE_EXHAUSTED + RetryInfo.

import { performance } from 'node:perf_hooks';
import type { ServerInterceptor } from '../../server/interceptor.js';
import { GrpcError, packDetail } from '../../transport/grpc-error.js';
import { Status } from '../../transport/status.js';
import { RetryInfoCodec } from '../../wire/messages/google-rpc.js';
import { principalOf } from './auth.js';
import { EXEMPT_SERVICES, isInServices } from './method-path.js';

export interface RateLimitOptions {
  /** N: calls a caller may make per second, and the burst it may make at once. */
  perSecond: number;
  /** Services never limited (default: health and both reflection versions). */
  exempt?: readonly string[];
  /** The clock, in milliseconds; monotonic by default. Tests pass their own. */
  now?: () => number;
}

/** The interceptor, and how many callers it holds a bucket for (what eviction keeps bounded). */
export type RateLimiter = ServerInterceptor & { readonly trackedCallers: number };

/** A bucket holding N refilled at N a second goes from empty to full in one second. */
const FULL_REFILL_MS = 1000;

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  updatedAt: number;
}

/**
 * Limits each caller: the JWT `sub` when auth ran before it (place it after the auth
 * interceptor), else the peer's host. The host, not host:port, since every new connection gets a
 * new port and reconnecting would otherwise buy a fresh bucket.
 *
 * A bucket idle for a second is full again, which is exactly what a missing bucket means, so idle
 * buckets are dropped: once a second, during a call, every bucket that has refilled is removed.
 * Memory thus holds only callers seen in the last two seconds or so, with no timer to clean up.
 */
export function rateLimitInterceptor(options: RateLimitOptions): RateLimiter {
  const capacity = options.perSecond;
  if (!Number.isFinite(capacity) || capacity < 1) {
    // Below 1 the bucket could never hold the one token a call takes.
    throw new TypeError(
      `rateLimitInterceptor perSecond must be a number of at least 1, got ${String(capacity)}`,
    );
  }
  const tokensPerMs = capacity / 1000;
  const exempt = new Set(options.exempt ?? EXEMPT_SERVICES);
  const now = options.now ?? (() => performance.now());
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  const sweep = (at: number): void => {
    lastSweep = at;
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (at - bucket.updatedAt) * tokensPerMs >= capacity) buckets.delete(key);
    }
  };

  const interceptor: ServerInterceptor = (next) => (call) => {
    if (isInServices(call.method.path, exempt)) return next(call);
    const at = now();
    if (at - lastSweep >= FULL_REFILL_MS) sweep(at);
    const principal = principalOf(call.context);
    const key =
      principal === undefined ? `peer ${peerHost(call.context.peer)}` : `sub ${principal.sub}`;
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: capacity, updatedAt: at };
      buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(capacity, bucket.tokens + (at - bucket.updatedAt) * tokensPerMs);
      bucket.updatedAt = at;
    }
    if (bucket.tokens < 1) {
      return Promise.reject(rateLimited(capacity, Math.ceil((1 - bucket.tokens) / tokensPerMs)));
    }
    bucket.tokens -= 1;
    return next(call);
  };
  return Object.defineProperty(interceptor, 'trackedCallers', {
    get: () => buckets.size,
  }) as RateLimiter;
}

/** RESOURCE_EXHAUSTED saying the limit and when to retry, with that delay as RetryInfo. */
function rateLimited(perSecond: number, retryAfterMs: number): GrpcError {
  const retryDelay = {
    seconds: Math.floor(retryAfterMs / 1000),
    nanos: (retryAfterMs % 1000) * 1_000_000,
  };
  return new GrpcError(
    Status.RESOURCE_EXHAUSTED,
    `too many calls: this server allows ${perSecond} a second per caller; retry in ${retryAfterMs} ms`,
    { details: [packDetail(RetryInfoCodec, { retryDelay })] },
  );
}

/** `host` of `host:port` or `[v6]:port`; anything else (a socket path) as it is. */
export function peerHost(peer: string): string {
  if (peer.startsWith('[')) {
    const close = peer.indexOf(']');
    return close > 0 ? peer.slice(1, close) : peer;
  }
  const colon = peer.lastIndexOf(':');
  return colon > 0 && /^[0-9]+$/.test(peer.slice(colon + 1)) ? peer.slice(0, colon) : peer;
}
