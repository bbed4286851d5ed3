// Server interceptors: middleware around every call, one shape for all four call kinds, composed
// in order (the first listed is the outermost), as docs/design.md "Shapes worth keeping" describes.

import type { MethodDefinition } from '../transport/service-definition.js';
import type { ServerCallContext } from './call-context.js';
import type { AnyHandler } from './handlers.js';

/** What an interceptor sees of a call. */
export interface ServerCall {
  readonly method: MethodDefinition;
  readonly context: ServerCallContext;
  /**
   * The request: one message for unary and server-streaming methods, an `AsyncIterable` of
   * messages for client-streaming and bidi methods. An interceptor may replace it (to wrap the
   * stream, say) before passing the call on.
   */
  request: unknown;
}

/**
 * The rest of the chain. Resolves with the response: one message for unary and client-streaming
 * methods, an `AsyncIterable` of messages for server-streaming and bidi methods (which an
 * interceptor may wrap to watch each message or the end of the stream).
 */
export type ServerNext = (call: ServerCall) => Promise<unknown>;

/**
 * An interceptor wraps `next`: `(next) => async (call) => { …; return next(call) }`. Throwing a
 * GrpcError ends the call with that status; anything else thrown becomes INTERNAL.
 */
export type ServerInterceptor = (next: ServerNext) => ServerNext;

/** Turns a handler into the innermost `next` of a chain. */
export function handlerAsNext(handler: AnyHandler): ServerNext {
  return async (call) => handler(call.request, call.context);
}

export { composeInterceptors } from '../transport/interceptor-chain.js';
