// Recovery: unexpected exceptions become INTERNAL "internal error", logged (grpc statuscodes.md).

import type { ServerCall, ServerInterceptor } from '../../server/interceptor.js';
import { GrpcError } from '../../transport/grpc-error.js';
import { givesResponseStream } from '../../transport/service-definition.js';
import { Status } from '../../transport/status.js';
import { isAsyncIterable } from './call-outcome.js';
import { requestIdOf } from './request-id.js';

/** Where the real error is logged: a pino logger, or the server's `logger` option. */
export interface ErrorLogger {
  error(fields: object, message: string): void;
}

/**
 * Catches what the interceptors after it and the handler throw, including a streaming handler's
 * iterable failing mid-stream. A GrpcError passes unchanged; anything else goes through
 * `GrpcError.from` (an abort stays CANCELLED or DEADLINE_EXCEEDED), and an error that becomes
 * INTERNAL is logged with its stack. The server would do the same for a handler on its own; this
 * makes it explicit, lets the interceptors outside see the final status, and keeps the log line in
 * this application's logger with its request id.
 */
export function recoveryInterceptor(logger: ErrorLogger): ServerInterceptor {
  const recover = (call: ServerCall, error: unknown): GrpcError => {
    const status = GrpcError.from(error);
    if (status !== error && status.code === Status.INTERNAL) {
      logger.error(
        {
          err: error,
          method: call.method.path,
          peer: call.context.peer,
          request_id: requestIdOf(call.context),
        },
        'a call failed with an unexpected error; the client got INTERNAL',
      );
    }
    return status;
  };

  // Not an async function: for a unary call the chain's promise goes on with only a rejection
  // handler attached, one promise per call rather than an async function's and its await.
  return (next) => (call) => {
    let response: Promise<unknown>;
    try {
      // Promise.resolve: a plain value from an interceptor in JavaScript is a promise too.
      response = Promise.resolve(next(call));
    } catch (error) {
      return Promise.reject(recover(call, error));
    }
    const onFailure = (error: unknown): never => {
      throw recover(call, error);
    };
    if (!givesResponseStream(call.method.kind)) return response.then(undefined, onFailure);
    return response.then(
      (result) =>
        isAsyncIterable(result) ? recoveredStream(result, (error) => recover(call, error)) : result,
      onFailure,
    );
  };
}

/** The same messages; a failure mid-stream is rethrown as what `recover` makes of it. */
async function* recoveredStream(
  responses: AsyncIterable<unknown>,
  recover: (error: unknown) => GrpcError,
): AsyncIterable<unknown> {
  try {
    // yield* forwards the server's return() to the handler's iterator, so its finally blocks run.
    yield* responses;
  } catch (error) {
    throw recover(error);
  }
}
