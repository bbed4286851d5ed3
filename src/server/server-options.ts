// Server options: validated once, defaults filled in one place, each named after the grpc core
// channel argument it mirrors (grpc's include/grpc/impl/channel_arg_names.h) so grpc-go and ghz
// users can map them; defaults are grpc-go's unless a comment says otherwise.

import type { IncomingHttpHeaders, OutgoingHttpHeaders, SecureServerOptions } from 'node:http2';
import { hostname } from 'node:os';
import { isSupportedEncoding } from '../transport/compression.js';
import type { Metadata } from '../transport/metadata.js';
import {
  ABOVE_ZERO,
  type NumberRule,
  numberOption,
  ZERO_OR_MORE,
} from '../transport/number-option.js';
import type { MethodKind } from '../transport/service-definition.js';
import type { StatusCode } from '../transport/status.js';
import type { ConnectionGuardPolicy } from './connection-guard.js';
import type { ServerInterceptor } from './interceptor.js';
import type { ConnectionPolicy } from './keepalive.js';

/**
 * A pino-compatible logger: `error` for failures the client must not see, `warn` (optional) for
 * connection events a client would otherwise find unexplained, such as each GOAWAY the server sends.
 */
export interface ServerLogger {
  error(details: object, message: string): void;
  warn?(details: object, message: string): void;
}

export interface ServerOptions {
  /** grpc.max_receive_message_length: largest request message, after decompression. 4 MiB. */
  maxReceiveMessageLength?: number;
  /** grpc.max_concurrent_streams: calls one connection may have open at once. Default 1000. */
  maxConcurrentStreams?: number;
  /** Compress responses with this encoding when the client accepts it. Default `identity`. */
  compression?: 'identity' | 'gzip' | 'deflate';
  /** Run around every call, first listed outermost. */
  interceptors?: readonly ServerInterceptor[];
  /** grpc.keepalive_time_ms: PING a connection this often to find dead peers. Default 2 h. */
  keepaliveTimeMs?: number;
  /** grpc.keepalive_timeout_ms: wait this long for the PING ack. Default 20 s. */
  keepaliveTimeoutMs?: number;
  /**
   * grpc.http2.min_ping_interval_without_data_ms (grpc-go EnforcementPolicy.MinTime): clients
   * pinging more often than this earn strikes. Default 5 min.
   */
  keepaliveMinTimeMs?: number;
  /** grpc.keepalive_permit_without_calls (EnforcementPolicy.PermitWithoutStream). Default false. */
  keepalivePermitWithoutCalls?: boolean;
  /** grpc.http2.max_ping_strikes: strikes tolerated before GOAWAY too_many_pings. Default 2. */
  maxPingStrikes?: number;
  /** grpc.max_connection_idle_ms: GOAWAY a connection with no calls for this long. Default ∞. */
  maxConnectionIdleMs?: number;
  /** grpc.max_connection_age_ms: GOAWAY a connection this old (±10%). Default ∞. */
  maxConnectionAgeMs?: number;
  /** grpc.max_connection_age_grace_ms: then close it this much later. Default ∞. */
  maxConnectionAgeGraceMs?: number;
  /**
   * A client must finish the HTTP/2 handshake (send its SETTINGS) within this time or is
   * disconnected (grpc-go ServerOption ConnectionTimeout). Default 120 s.
   */
  handshakeTimeoutMs?: number;
  /**
   * Streams a client may reset per connection per second before GOAWAY ENHANCE_YOUR_CALM (the
   * HTTP/2 rapid reset attack, CVE-2023-44487; see connection-guard.ts). For a second after such
   * a cut, the address's connections are cut at their first reset. Default 200.
   */
  maxResetsPerSecond?: number;
  /** A connection stuck in a request's headers this long (no PING ack) is closed. Default 20 s. */
  headersTimeoutMs?: number;
  /** TLS: Node's `http2.createSecureServer` options (key, cert, ca, requestCert…). */
  tls?: SecureServerOptions;
  /** Where unexpected handler errors are logged. Default: one JSON line on stderr. */
  logger?: ServerLogger;
  /**
   * Headers for the answers the server gives before any interceptor runs: an unknown method, a
   * malformed grpc-timeout, an undecodable request… Interceptors never see those calls, so what
   * they would have added to every response (a request id, say) comes from here.
   */
  earlyResponseHeaders?: EarlyResponseHeaders;
  /**
   * Told of each call the server ends before any interceptor runs (unknown method, refused
   * headers, a request above the size limit, an undecodable request), so that such calls can be
   * logged and counted like every other: interceptors never see them.
   */
  onCallRejected?: (call: RejectedCall) => void;
}

/**
 * Computes response metadata from the request's, for answers given before interceptors run (the
 * request's metadata is empty when the client sent none that could be read).
 */
export type EarlyResponseHeaders = (requestMetadata: Metadata) => Metadata;

/** What the server knows of a call it ended before dispatching it to the interceptors. */
export interface RejectedCall {
  /** The request's `:path`, as sent (it may name no method). */
  path: string;
  /** The method's kind when the path names a registered method, else undefined. */
  kind: MethodKind | undefined;
  code: StatusCode;
  message: string;
  peer: string;
  requestHeaders: IncomingHttpHeaders;
  /** The headers sent with the answer (earlyResponseHeaders' included: the request id). */
  responseHeaders: OutgoingHttpHeaders;
  durationMs: number;
}

export interface ResolvedServerOptions extends ConnectionPolicy, ConnectionGuardPolicy {
  maxReceiveMessageLength: number;
  maxConcurrentStreams: number;
  compression: 'identity' | 'gzip' | 'deflate';
  interceptors: readonly ServerInterceptor[];
  handshakeTimeoutMs: number;
  tls: SecureServerOptions | undefined;
  logger: ServerLogger;
  earlyResponseHeaders: EarlyResponseHeaders | undefined;
  onCallRejected: ((call: RejectedCall) => void) | undefined;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Writes one JSON line per error on stderr, for servers embedded without a logger, in the shape
 * pino's default logger writes (what `handwire serve` uses), so one log pipeline reads both:
 * numeric level (50), time, pid, hostname, the fields (an Error as type, message, stack), msg.
 * It has no `warn`: an embedded server stays quiet about routine GOAWAYs at every close.
 */
export const stderrLogger: ServerLogger = {
  error(details, message) {
    const entry: Record<string, unknown> = {
      level: 50,
      time: Date.now(),
      pid: process.pid,
      hostname: hostname(),
    };
    for (const [key, value] of Object.entries(details)) {
      entry[key] =
        value instanceof Error
          ? { type: value.name, message: value.message, stack: value.stack }
          : value;
    }
    entry.msg = message;
    process.stderr.write(`${JSON.stringify(entry)}\n`);
  },
};

/** Checks every option and fills in the defaults; a bad value is an error naming it. */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  const compression = options.compression ?? 'identity';
  if (!isSupportedEncoding(compression)) {
    throw new TypeError(`compression "${compression}" is not one of identity, gzip, deflate`);
  }
  const serverNumber = (name: keyof ServerOptions, fallback: number, rule: NumberRule) =>
    numberOption('server', name, options[name], fallback, rule);
  return {
    maxReceiveMessageLength: serverNumber('maxReceiveMessageLength', 4 * 1024 * 1024, ABOVE_ZERO),
    maxConcurrentStreams: serverNumber('maxConcurrentStreams', 1000, ABOVE_ZERO),
    compression,
    interceptors: options.interceptors ?? [],
    keepaliveTimeMs: serverNumber('keepaliveTimeMs', 2 * HOUR, ABOVE_ZERO),
    keepaliveTimeoutMs: serverNumber('keepaliveTimeoutMs', 20_000, ABOVE_ZERO),
    keepaliveMinTimeMs: serverNumber('keepaliveMinTimeMs', 5 * MINUTE, ZERO_OR_MORE),
    keepalivePermitWithoutCalls: options.keepalivePermitWithoutCalls ?? false,
    maxPingStrikes: serverNumber('maxPingStrikes', 2, ZERO_OR_MORE),
    maxConnectionIdleMs: serverNumber('maxConnectionIdleMs', Number.POSITIVE_INFINITY, ABOVE_ZERO),
    maxConnectionAgeMs: serverNumber('maxConnectionAgeMs', Number.POSITIVE_INFINITY, ABOVE_ZERO),
    maxConnectionAgeGraceMs: serverNumber(
      'maxConnectionAgeGraceMs',
      Number.POSITIVE_INFINITY,
      ZERO_OR_MORE,
    ),
    handshakeTimeoutMs: serverNumber('handshakeTimeoutMs', 120_000, ABOVE_ZERO),
    maxResetsPerSecond: serverNumber('maxResetsPerSecond', 200, ABOVE_ZERO),
    headersTimeoutMs: serverNumber('headersTimeoutMs', 20_000, ABOVE_ZERO),
    tls: options.tls,
    logger: options.logger ?? stderrLogger,
    earlyResponseHeaders: options.earlyResponseHeaders,
    onCallRejected: options.onCallRejected,
  };
}
