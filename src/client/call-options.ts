// Per-call options of a client call (grpc PROTOCOL-HTTP2.md "Requests": Timeout, Custom-Metadata,
// Message-Encoding; wait-for-ready semantics from grpc doc/wait-for-ready.md).

import { GrpcError } from '../transport/grpc-error.js';
import { GRPC_PREVIOUS_RPC_ATTEMPTS } from '../transport/headers.js';
import { Metadata } from '../transport/metadata.js';
import { Status } from '../transport/status.js';

export interface CallOptions {
  /** Aborting it cancels the call: CANCELLED (DEADLINE_EXCEEDED for `AbortSignal.timeout`). */
  signal?: AbortSignal;
  /** The call's time budget in ms, sent as grpc-timeout and enforced here too. */
  timeoutMs?: number;
  /** An absolute deadline (a Date or epoch ms); with `timeoutMs` too, the earlier one counts. */
  deadline?: Date | number;
  /** Custom metadata sent as request headers (`-bin` keys take bytes). */
  metadata?: Metadata;
  /** Called with the response headers' metadata, when they arrive. */
  onHeader?: (metadata: Metadata) => void;
  /** Called with the trailers' metadata, when the call ends with a status from the server. */
  onTrailer?: (metadata: Metadata) => void;
  /** Compress request messages with this encoding (compression.md). Default identity. */
  compression?: 'identity' | 'gzip' | 'deflate';
  /**
   * With `compression`, asked for each request message by its 0-based index: false sends that
   * message uncompressed (Compressed-Flag 0), as compression.md allows per message. Default: all.
   */
  compressMessage?: (index: number) => boolean;
  /** Wait for the channel to be ready instead of failing fast when it is not (wait-for-ready.md). */
  waitForReady?: boolean;
}

/** The absolute deadline (epoch ms) of a call's options, or undefined for none. */
export function deadlineOf(options: CallOptions): number | undefined {
  let deadline: number | undefined;
  if (options.timeoutMs !== undefined) {
    if (!(options.timeoutMs >= 0)) {
      throw new RangeError(`timeoutMs ${options.timeoutMs} must be a number of milliseconds ≥ 0`);
    }
    deadline = Date.now() + options.timeoutMs;
  }
  if (options.deadline !== undefined) {
    const at = typeof options.deadline === 'number' ? options.deadline : options.deadline.getTime();
    if (Number.isNaN(at)) throw new RangeError('deadline is not a valid date');
    deadline = deadline === undefined ? at : Math.min(deadline, at);
  }
  return deadline;
}

/**
 * The options attempt `n` (1 for the first) of a retried or hedged call is sent with: gRFC A6
 * has every attempt after the first, hedges included, say in grpc-previous-rpc-attempts how many
 * came before. The first attempt gets the caller's options as they are.
 */
export function attemptOptions(options: CallOptions, n: number): CallOptions {
  if (n <= 1) return options;
  const metadata = options.metadata?.clone() ?? new Metadata();
  metadata.set(GRPC_PREVIOUS_RPC_ATTEMPTS, String(n - 1));
  return { ...options, metadata };
}

/** The error of a call whose deadline passed. */
export function deadlineExceeded(options: CallOptions): GrpcError {
  const budget = options.timeoutMs !== undefined ? ` of ${options.timeoutMs} ms` : '';
  return new GrpcError(Status.DEADLINE_EXCEEDED, `the call's deadline${budget} was exceeded`);
}
