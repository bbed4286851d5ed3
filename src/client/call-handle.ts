// The contracts between a call shape (client.ts), the call that runs it (a plain Http2Call, a
// RetryingCall or a HedgingCall) and where responses go (grpc PROTOCOL-HTTP2.md "Requests":
// Length-Prefixed-Messages, then END_STREAM; "Responses"). Every side imports them from here.

import type { GrpcError } from '../transport/grpc-error.js';

/** Where a call delivers what it receives. */
export interface ResponseSink<Res> {
  /** Response headers arrived (not Trailers-Only): the call is committed (gRFC A6). */
  onHeaders?(): void;
  onMessage(message: Res): void;
  /** The end of the call: undefined for OK, else the error. Called exactly once. */
  onEnd(error: GrpcError | undefined): void;
}

/** What a response stream needs of the call it reads. */
export interface PausableCall {
  pause(): void;
  resume(): void;
  cancel(error: GrpcError): void;
  readonly isDone: boolean;
}

export interface CallHandle extends PausableCall {
  start(): void;
  /** Sends one framed request message; false when the caller should await `writable()`. */
  write(frame: Buffer): boolean;
  /** Resolves when more may be written, or the call is over. */
  writable(): Promise<void>;
  /** Half-closes the request, after `frame` if given. */
  end(frame?: Buffer): void;
}
