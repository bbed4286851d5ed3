// Test helpers for grpc-js streaming calls: read messages one at a time with a timer on each wait,
// and learn how the call ended (grpc status), so tests never hang on a stream that stays silent.

import type * as grpc from '@grpc/grpc-js';

export interface CallEnd {
  code: number;
  details: string;
}

export interface StreamReader<T> {
  /** The next message; rejects if none comes within `ms` or the call ends first. */
  next(ms?: number): Promise<T>;
  /** Resolves with the call's status once it ends (OK included). */
  readonly ended: Promise<CallEnd>;
  /** Messages received but not yet taken with next(). */
  readonly buffered: number;
}

/** Wraps a grpc-js readable call (server streaming or bidi). */
export function readStream<T>(
  call: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<unknown, T>,
): StreamReader<T> {
  const queue: T[] = [];
  let waiter: ((value: T) => void) | undefined;
  let endWaiter: ((end: CallEnd) => void) | undefined;
  let end: CallEnd | undefined;
  const ended = new Promise<CallEnd>((resolve) => {
    call.on('status', (status: grpc.StatusObject) => {
      end = { code: status.code, details: status.details };
      resolve(end);
      endWaiter?.(end);
    });
  });
  // An error is reported as 'status' too; listening keeps it from being an uncaught exception.
  call.on('error', () => {});
  call.on('data', (message: T) => {
    if (waiter !== undefined) {
      const resolve = waiter;
      waiter = undefined;
      resolve(message);
    } else {
      queue.push(message);
    }
  });
  return {
    ended,
    get buffered() {
      return queue.length;
    },
    next(ms = 5000) {
      if (queue.length > 0) return Promise.resolve(queue.shift()!);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`no message within ${ms} ms`));
        }, ms);
        const fail = (callEnd: CallEnd): void => {
          clearTimeout(timer);
          reject(
            new Error(`the call ended (code ${callEnd.code}: ${callEnd.details}) before a message`),
          );
        };
        if (end !== undefined) {
          fail(end);
          return;
        }
        endWaiter = fail;
        waiter = (message) => {
          clearTimeout(timer);
          endWaiter = undefined;
          resolve(message);
        };
      });
    },
  };
}

/** Rejects if `promise` does not settle within `ms`, naming what was awaited. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
