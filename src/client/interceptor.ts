// Client interceptors: middleware around every call, the same shape as the server's
// (docs/design.md "Shapes worth keeping"): `(next) => async (call) => next(call)`, first listed outermost.

import type { MethodDefinition } from '../transport/service-definition.js';
import type { CallOptions } from './call-options.js';

/** What an interceptor sees of a call. */
export interface ClientCall {
  readonly method: MethodDefinition;
  /**
   * One message for unary and server-streaming methods, an `AsyncIterable` of messages for
   * client-streaming and bidi methods. An interceptor may replace it.
   */
  request: unknown;
  /** The call's options; an interceptor may add metadata or a deadline before passing it on. */
  options: CallOptions;
}

/**
 * The rest of the chain. Resolves with one message for unary and client-streaming methods, an
 * `AsyncIterable` of messages for server-streaming and bidi methods.
 */
export type ClientNext = (call: ClientCall) => Promise<unknown>;

/** An interceptor wraps `next`. Throwing (a GrpcError, ideally) fails the call. */
export type ClientInterceptor = (next: ClientNext) => ClientNext;
