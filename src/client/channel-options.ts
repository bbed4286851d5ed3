// Channel options, named after grpc core's channel arguments (grpc core channel args; gRFC A6 for
// the retry buffers, A8 for keepalive), checked once and defaults filled in one place
// (docs/design.md "Errors and options"): what a Channel is built from.

import { ABOVE_ZERO, numberOption, ZERO_OR_MORE } from '../transport/number-option.js';
import { DEFAULT_BACKOFF } from './connection-backoff.js';
import type { KeepaliveSettings } from './keepalive.js';
import { DEFAULT_MIN_TIME_BETWEEN_RESOLUTIONS_MS, type LookupAll } from './resolver.js';
import { DEFAULT_PER_RPC_RETRY_BUFFER_SIZE, DEFAULT_RETRY_BUFFER_SIZE } from './retry-buffer.js';
import { findCallPolicy, type ServiceConfig } from './retry-policy.js';
import { type ClientTlsOptions, checkTlsOptions } from './tls.js';

/** Channel options, named after grpc core's channel arguments. */
export interface ChannelOptions {
  /** grpc.min_reconnect_backoff_ms's sibling MIN_CONNECT_TIMEOUT: a connect fails after this. 20 s. */
  connectTimeoutMs?: number;
  /** grpc.initial_reconnect_backoff_ms: wait after the first failed connect. 1 s. */
  initialReconnectBackoffMs?: number;
  /** grpc.max_reconnect_backoff_ms: the longest wait between connects. 120 s. */
  maxReconnectBackoffMs?: number;
  /** Growth of the wait after each failure (connection-backoff.md MULTIPLIER). 1.6. */
  reconnectBackoffMultiplier?: number;
  /** Randomisation of the wait (connection-backoff.md JITTER). 0.2. */
  reconnectBackoffJitter?: number;
  /** grpc.lb_policy_name: `pick_first` (default) or `round_robin`. */
  loadBalancingPolicy?: 'pick_first' | 'round_robin';
  /** grpc.max_receive_message_length: largest response message accepted. 4 MiB. */
  maxReceiveMessageLength?: number;
  /** The user-agent sent with every call. */
  userAgent?: string;
  /** grpc.keepalive_time_ms: PING each session this often. Default off (Infinity). */
  keepaliveTimeMs?: number;
  /** grpc.keepalive_timeout_ms: close a session whose PING ack takes longer. 20 s. */
  keepaliveTimeoutMs?: number;
  /** grpc.keepalive_permit_without_calls: PING even with no call open. Default false. */
  keepalivePermitWithoutCalls?: boolean;
  /** grpc's service config: retry policies per service or method, and retry throttling (A6). */
  serviceConfig?: ServiceConfig;
  /** TLS: its presence means h2 over TLS; without it the channel speaks plaintext h2c. */
  tls?: ClientTlsOptions;
  /** grpc.per_rpc_retry_buffer_size: request bytes one call keeps for replay (A6). 256 KiB. */
  perRpcRetryBufferSize?: number;
  /** grpc.retry_buffer_size: request bytes all calls keep for replay together (A6). 16 MiB. */
  retryBufferSize?: number;
  /** grpc.dns_min_time_between_resolutions_ms: host names are re-resolved at most this often. 30 s. */
  dnsMinTimeBetweenResolutionsMs?: number;
  /** The host-name lookup, for tests: node:dns `lookup(host, { all: true })` by default. */
  lookup?: LookupAll;
}

/** Options with every default filled in. */
export interface ResolvedChannelOptions {
  readonly connectTimeoutMs: number;
  readonly loadBalancingPolicy: 'pick_first' | 'round_robin';
  readonly maxReceiveMessageLength: number;
  readonly userAgent: string;
  /** Mutable: too_many_pings doubles `timeMs` (gRFC A8). */
  readonly keepalive: KeepaliveSettings;
}

const FOUR_MIB = 4 * 1024 * 1024;

/** Every option checked, with its default: what the channel keeps and the limits it applies. */
export interface CheckedChannelOptions {
  readonly options: ResolvedChannelOptions;
  readonly perRpcRetryBufferSize: number;
  readonly retryBufferSize: number;
  readonly minTimeBetweenResolutionsMs: number;
}

/** Checks every option and fills in the defaults; a bad value is a RangeError naming it. */
export function resolveChannelOptions(options: ChannelOptions): CheckedChannelOptions {
  const check = (name: keyof ChannelOptions, fallback: number, rule = ZERO_OR_MORE) =>
    numberOption('channel', name, options[name], fallback, rule);
  if (options.tls !== undefined) checkTlsOptions(options.tls);
  const policy = options.loadBalancingPolicy ?? 'pick_first';
  if (policy !== 'pick_first' && policy !== 'round_robin') {
    throw new TypeError(
      `loadBalancingPolicy ${JSON.stringify(policy)} must be pick_first or round_robin`,
    );
  }
  // Checked now, so a bad policy fails createChannel rather than a call.
  for (const entry of options.serviceConfig?.methodConfig ?? []) {
    for (const name of entry.name)
      findCallPolicy(options.serviceConfig, `/${name.service}/${name.method ?? ''}`);
  }
  return {
    options: {
      connectTimeoutMs: check('connectTimeoutMs', DEFAULT_BACKOFF.minConnectTimeoutMs, ABOVE_ZERO),
      loadBalancingPolicy: policy,
      maxReceiveMessageLength: check('maxReceiveMessageLength', FOUR_MIB),
      userAgent: options.userAgent ?? 'handwire-node/0.1.0',
      keepalive: {
        timeMs: check('keepaliveTimeMs', Number.POSITIVE_INFINITY),
        timeoutMs: check('keepaliveTimeoutMs', 20_000),
        permitWithoutCalls: options.keepalivePermitWithoutCalls ?? false,
      },
    },
    perRpcRetryBufferSize: check('perRpcRetryBufferSize', DEFAULT_PER_RPC_RETRY_BUFFER_SIZE),
    retryBufferSize: check('retryBufferSize', DEFAULT_RETRY_BUFFER_SIZE),
    minTimeBetweenResolutionsMs: check(
      'dnsMinTimeBetweenResolutionsMs',
      DEFAULT_MIN_TIME_BETWEEN_RESOLUTIONS_MS,
    ),
  };
}
