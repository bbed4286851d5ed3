// When and with which status a call ends, as an interceptor sees it (PROTOCOL-HTTP2.md Responses).

import type { ServerCall, ServerNext } from '../../server/interceptor.js';
import { GrpcError } from '../../transport/grpc-error.js';
import { givesResponseStream } from '../../transport/service-definition.js';
import { Status } from '../../transport/status.js';

export interface CallObserver {
  /** Each message a streaming response yields, just before the server writes it. */
  onResponseMessage?(): void;
  /**
   * The call ended. `error` is undefined for OK, else the status the client gets; `thrown` is
   * what was actually thrown (the real error behind an INTERNAL, for logs). Called exactly once.
   */
  onEnd(error: GrpcError | undefined, thrown: unknown): void;
}

/**
 * Runs `next(call)` and tells `observer` how the call ends. For streaming responses the end is the
 * end of the stream, so the returned iterable is a wrapper around the one `next` resolved with.
 *
 * Whichever comes first ends the call: a client that cancels or a deadline that passes ends it at
 * once (`context.onCancel`), even while a handler that ignores its signal is still running; what
 * that handler does afterwards changes nothing the client sees, so it changes nothing here.
 *
 * One ending is out of sight: a unary response that `next` returned but the server then fails to
 * encode becomes INTERNAL after this has reported OK (the server has no hook for its final status).
 */
export function observeCall(
  call: ServerCall,
  next: ServerNext,
  observer: CallObserver,
): Promise<unknown> {
  const context = call.context;
  let ended = false;
  const end = (error: GrpcError | undefined, thrown: unknown): void => {
    if (ended) return;
    ended = true;
    stopWatching();
    try {
      observer.onEnd(error, thrown);
    } catch (observerError) {
      // onEnd may run inside the server's cancel(), where a throw would be an uncaught
      // exception and end the process; a broken log or metric must not take the server down.
      process.emitWarning(observerError instanceof Error ? observerError : String(observerError));
    }
  };
  const endWith = (thrown: unknown): void => end(GrpcError.from(thrown), thrown);
  const endOk = (): void => {
    // A handler that finished after the call was cancelled did not give the client an OK.
    if (context.cancelled) endWith(context.cancellation);
    else end(undefined, undefined);
  };
  // context.onCancel rather than context.signal: an AbortSignal per call costs several µs.
  const stopWatching = context.onCancel(endWith);

  // `then` on next's promise rather than an async function awaiting it: one promise per call
  // instead of an async function's own promise and its await, on every call of every method.
  let response: Promise<unknown>;
  try {
    // Promise.resolve: an interceptor written in JavaScript may hand back a plain value; a
    // promise passes through it as itself.
    response = Promise.resolve(next(call));
  } catch (error) {
    // An interceptor that is not an async function may throw instead of rejecting.
    endWith(error);
    return Promise.reject(error);
  }
  return response.then(
    (result) => {
      if (!givesResponseStream(call.method.kind)) {
        endOk();
        return result;
      }
      if (!isAsyncIterable(result)) {
        // The server turns this into INTERNAL; report the same.
        endWith(new TypeError(`the handler of ${call.method.path} returned no AsyncIterable`));
        return result;
      }
      return watchedStream(result, observer, endOk, endWith, () =>
        context.cancelled
          ? context.cancellation
          : new GrpcError(Status.CANCELLED, 'the response stream was closed before it ended'),
      );
    },
    (error: unknown) => {
      endWith(error);
      throw error;
    },
  );
}

/** True for anything `for await` can iterate. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/**
 * A pass-through over `responses` that reports each message, the end (done), a failure (next
 * throws) and an early close (the server calls `return()` when the call ended another way).
 * Written as an iterator object rather than an async generator: a generator's `return()` waits
 * for a pending `next()`, and the point here is to see the close as it happens.
 */
function watchedStream(
  responses: AsyncIterable<unknown>,
  observer: CallObserver,
  endOk: () => void,
  endWith: (thrown: unknown) => void,
  closeReason: () => unknown,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      const iterator = responses[Symbol.asyncIterator]();
      return {
        async next() {
          let result: IteratorResult<unknown>;
          try {
            result = await iterator.next();
          } catch (error) {
            endWith(error);
            throw error;
          }
          if (result.done) endOk();
          else observer.onResponseMessage?.();
          return result;
        },
        async return(value?: unknown) {
          endWith(closeReason());
          return iterator.return === undefined
            ? { done: true, value }
            : iterator.return(value as never);
        },
      };
    },
  };
}
