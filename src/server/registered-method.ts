// A method as the server keeps it once a service is added (grpc PROTOCOL-HTTP2.md "Path": one
// entry per /{service}/{method}), and what a call needs of its server: the contracts between the
// method table, admission and the per-stream call, imported downward by each.

import type { ServerHttp2Stream } from 'node:http2';
import type { MethodDefinition } from '../transport/service-definition.js';
import type { AnyHandler } from './handlers.js';
import type { ServerNext } from './interceptor.js';
import type { EarlyResponseHeaders, RejectedCall } from './server-options.js';

/** A method as the server keeps it: its definition, its handler, and the composed chain. */
export interface RegisteredMethod {
  readonly definition: MethodDefinition;
  readonly handler: AnyHandler;
  /** The handler wrapped in the server's interceptors; undefined when there are none. */
  readonly chain: ServerNext | undefined;
  /** True for client-streaming and bidi methods. */
  readonly requestStreams: boolean;
  /** True for server-streaming and bidi methods. */
  readonly responseStreams: boolean;
}

/** What every call needs from the server that runs it. */
export interface CallEnvironment<Call> {
  readonly maxReceiveMessageLength: number;
  /** Pino-compatible: the real error behind an INTERNAL status is logged here, never sent. */
  readonly logger: { error(details: object, message: string): void };
  /** Headers for a call that ends before its handler (and the interceptors) ran. */
  readonly earlyResponseHeaders: EarlyResponseHeaders | undefined;
  /** Called once when the call ends, whatever ended it (the server's bookkeeping). */
  onCallEnd(call: Call): void;
  /** Called once when the call's HTTP/2 stream closes: after its last DATA and trailers left. */
  onStreamClose(): void;
  /** Called once for a stream the peer reset ('aborted', or a 'close' with an error code). */
  onStreamReset(stream: ServerHttp2Stream): void;
  /** ServerOptions.onCallRejected: told of a call ended before it was dispatched. */
  readonly onCallRejected: ((call: RejectedCall) => void) | undefined;
}
