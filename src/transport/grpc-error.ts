// GrpcError: a non-OK status as an Error, with google.rpc details (grpc doc/statuscodes.md).

import { decodeMessage, encodeMessage, type MessageCodec } from '../wire/codec.js';
import { MessageTooLargeError } from '../wire/framing.js';
import { type Any, TYPE_URL_PREFIX } from '../wire/messages/google-protobuf.js';
import type { WireError } from '../wire/wire-error.js';
import {
  CorruptCompressedMessageError,
  DecompressedTooLargeError,
  UnsupportedEncodingError,
} from './compression.js';
import { MalformedTimeoutError } from './grpc-timeout.js';
import { MalformedMetadataError, Metadata } from './metadata.js';
import { isStatusCode, Status, type StatusCode, statusName } from './status.js';

export interface GrpcErrorOptions {
  /** google.rpc error details (BadRequest, RetryInfo, …) sent in grpc-status-details-bin. */
  details?: Any[];
  /** Trailing metadata sent with the status (server) or received with it (client). */
  metadata?: Metadata;
  /** What caused it; kept for logs, never sent to the peer. */
  cause?: unknown;
}

/**
 * A call that ended with a status other than OK. `message` is exactly what travels in
 * grpc-message, so it must say what was wrong in words the peer may read; anything private
 * belongs in `cause`. Thrown by handlers on the server, and by calls on the client.
 */
export class GrpcError extends Error {
  override readonly name: string = 'GrpcError';
  readonly code: StatusCode;
  readonly details: Any[];
  readonly metadata: Metadata;

  constructor(code: StatusCode, message: string, options?: GrpcErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (!isStatusCode(code)) {
      throw new RangeError(
        `${code} is not a gRPC status code: use one of Status.OK … Status.UNAUTHENTICATED`,
      );
    }
    this.code = code;
    this.details = options?.details ?? [];
    this.metadata = options?.metadata ?? new Metadata();
  }

  /** `GrpcError: NOT_FOUND: user 42 does not exist`, the way grpc-go prints a status. */
  override toString(): string {
    return `${this.name}: ${statusName(this.code)}: ${this.message}`;
  }

  /**
   * Turns anything thrown into a GrpcError, for sending as a status:
   * - a GrpcError: itself;
   * - an abort: CANCELLED, or DEADLINE_EXCEEDED when it is a TimeoutError (`AbortSignal.timeout`);
   *   an AbortError whose `cause` is a GrpcError (node's timers and events wrap the signal's
   *   reason that way) gives that GrpcError;
   * - the transport's own errors about what the peer sent, with their message, which only
   *   describes the peer's input: a message over the size limit, before or after decompression,
   *   is RESOURCE_EXHAUSTED; an unsupported grpc-encoding is UNIMPLEMENTED, the server's answer
   *   (a client that gets a response in an encoding it lacks reports INTERNAL instead, per
   *   compression.md); a corrupt compressed message, a malformed grpc-timeout or -bin header is
   *   INTERNAL (statuscodes.md, grpc-go);
   * - anything else (a plain WireError included: see `fromWireError`): INTERNAL with the message
   *   "internal error", the original kept as `cause`, so no internal detail reaches the peer.
   */
  static from(error: unknown): GrpcError {
    if (error instanceof GrpcError) return error;
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'AbortError' || name === 'TimeoutError') {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof GrpcError) return cause;
      const timedOut =
        name === 'TimeoutError' || (cause as { name?: unknown } | null)?.name === 'TimeoutError';
      return timedOut
        ? new GrpcError(Status.DEADLINE_EXCEEDED, 'deadline exceeded', { cause: error })
        : new GrpcError(Status.CANCELLED, 'the call was cancelled', { cause: error });
    }
    if (error instanceof MessageTooLargeError) return messageTooLarge('a', error);
    if (error instanceof DecompressedTooLargeError) {
      return new GrpcError(Status.RESOURCE_EXHAUSTED, error.message, { cause: error });
    }
    if (error instanceof UnsupportedEncodingError) {
      return new GrpcError(Status.UNIMPLEMENTED, error.message, { cause: error });
    }
    if (
      error instanceof CorruptCompressedMessageError ||
      error instanceof MalformedTimeoutError ||
      error instanceof MalformedMetadataError
    ) {
      return new GrpcError(Status.INTERNAL, error.message, { cause: error });
    }
    return new GrpcError(Status.INTERNAL, 'internal error', { cause: error });
  }

  /**
   * The status for a received message that could not be decoded, `what` naming it ("request" on
   * the server, "response" on the client). The code is INTERNAL either way, as statuscodes.md
   * lists it ("Error parsing request proto: INTERNAL, Server"; "response proto": Client), and the
   * message says what was wrong, since it only describes bytes the peer sent. A message over the
   * size limit is RESOURCE_EXHAUSTED.
   */
  static fromWireError(error: WireError, what: 'request' | 'response'): GrpcError {
    if (error instanceof MessageTooLargeError) return messageTooLarge(`the ${what}`, error);
    const message = `the ${what} message could not be decoded: ${error.message}`;
    return new GrpcError(Status.INTERNAL, message, { cause: error });
  }
}

/** RESOURCE_EXHAUSTED for a message whose declared length is over the limit (statuscodes.md). */
function messageTooLarge(what: string, error: MessageTooLargeError): GrpcError {
  return new GrpcError(
    Status.RESOURCE_EXHAUSTED,
    `${what} message of ${error.length} bytes is larger than the limit of ${error.limit} bytes`,
    { cause: error },
  );
}

/** Packs a message as a google.protobuf.Any, named `type.googleapis.com/<typeName>`. */
export function packDetail<T>(codec: MessageCodec<T>, message: T): Any {
  return { typeUrl: TYPE_URL_PREFIX + codec.typeName, value: encodeMessage(codec, message) };
}

/**
 * Unpacks an Any if it holds a `codec` message, else undefined. The type is the last segment of
 * the URL, as google/protobuf/any.proto defines it, so any host prefix is accepted.
 * Throws a WireError when the type matches but the bytes are not such a message.
 */
export function unpackDetail<T>(any: Any, codec: MessageCodec<T>): T | undefined {
  const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
  return typeName === codec.typeName ? decodeMessage(codec, any.value) : undefined;
}

/** The first detail of an error that is a `codec` message, unpacked; undefined if none is. */
export function findDetail<T>(
  error: { readonly details: readonly Any[] },
  codec: MessageCodec<T>,
): T | undefined {
  for (const detail of error.details) {
    const message = unpackDetail(detail, codec);
    if (message !== undefined) return message;
  }
  return undefined;
}
