// Access log: one pino JSON line per call on stderr (docs/contract.md §5; go-grpc-middleware's levels).

import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { ServerInterceptor } from '../../server/interceptor.js';
import { Status, type StatusCode, statusName } from '../../transport/status.js';
import { observeCall } from './call-outcome.js';
import { requestIdOf } from './request-id.js';

/** The part of a pino logger the interceptors use; a `pino.Logger` is one. */
export interface CallLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  /** pino's: false when lines of `level` are not written (`--log-level`), so none is built. */
  isLevelEnabled?(level: string): boolean;
}

/**
 * Lines are written once this many bytes are pending (about 64 lines of the access log)… 16 KiB
 * rather than 4: each write goes through libuv's thread pool, and at ghz's 2000 calls a second
 * on one core the 4 KiB writes cost about 15 µs of CPU per call more (`npm run bench -- ghz`).
 */
const LOG_BATCH_BYTES = 16384;
/** …or this many milliseconds after the last write, so a quiet server's lines do not wait. */
const LOG_FLUSH_MS = 100;

/**
 * A pino logger writing JSON lines to stderr asynchronously. Asynchronous because a synchronous
 * write to a pipe whose reader lags (a container's log driver, `| less`) blocks the event loop,
 * and with it every call in flight; sonic-boom instead coalesces the lines written while one write
 * is pending into the next. It also holds lines until LOG_BATCH_BYTES are pending, flushed at
 * least every LOG_FLUSH_MS: at a steady few thousand calls a second each line would otherwise be
 * a write of its own, through libuv's thread pool, which cost more CPU than the call it logs
 * (`npm run bench -- ghz`). Pino flushes what is pending when the process exits normally; only a
 * hard crash can lose the last lines, an acceptable price for call logs.
 */
export function createStderrLogger(
  options: pino.LoggerOptions = {},
  /** Where the lines go: stderr (fd 2) unless told otherwise (a benchmark gives /dev/null). */
  dest: number | string = 2,
): pino.Logger {
  const destination = pino.destination({
    dest,
    sync: false,
    minLength: LOG_BATCH_BYTES,
    // sonic-boom's maxWrite (16 KiB by default) must be above minLength.
    maxWrite: 4 * LOG_BATCH_BYTES,
    contentMode: 'buffer',
  });
  // unref: the timer keeps no process alive; the exit handler pino registers writes the rest.
  setInterval(() => destination.flush(), LOG_FLUSH_MS).unref();
  return pino(options, linesAsBytes(destination));
}

/**
 * What pino writes to: each line, a string, handed to sonic-boom as bytes. In its string mode
 * sonic-boom measures the UTF-8 length of all the text pending (up to 16 KiB, copied flat anew)
 * on every write, which made each access-log line cost about 2 µs more than in its buffer mode,
 * where it adds up the lengths of the buffers it holds (`npm run bench -- interceptors`).
 */
function linesAsBytes(destination: ReturnType<typeof pino.destination>): pino.DestinationStream {
  // sonic-boom's types describe only its string mode.
  const bytesOut = destination as unknown as { write(bytes: Buffer): boolean };
  return {
    // A method call each time: on EPIPE pino replaces the destination's write with a no-op.
    write: (line: string) => {
      bytesOut.write(Buffer.from(line));
    },
    flush: (callback?: (error?: Error) => void) => destination.flush(callback),
    flushSync: () => destination.flushSync(),
  } as pino.DestinationStream;
}

/** Client-side outcomes are `info`, server trouble `error`, the rest `warn` (go-grpc-middleware). */
export function levelOf(code: StatusCode): 'info' | 'warn' | 'error' {
  switch (code) {
    case Status.OK:
    case Status.CANCELLED:
    case Status.INVALID_ARGUMENT:
    case Status.NOT_FOUND:
    case Status.ALREADY_EXISTS:
    case Status.UNAUTHENTICATED:
      return 'info';
    case Status.UNKNOWN:
    case Status.UNIMPLEMENTED:
    case Status.INTERNAL:
    case Status.DATA_LOSS:
      return 'error';
    default:
      return 'warn';
  }
}

/**
 * Writes one line per call when it ends: `method` (the path), `code` (the status name),
 * `code_number`, `duration_ms`, `peer`, `request_id`, and `error` (the status message) when the
 * call failed. A streaming call ends when its response stream finishes, fails or is cancelled.
 * Place it after the request-id interceptor, which gives it `request_id`, and outside recovery,
 * so it logs the status the client got.
 */
export function loggingInterceptor(logger: CallLogger): ServerInterceptor {
  return (next) => (call) => {
    // 'error' is the most severe level a line takes: below it nothing would be written, so the
    // call is not even watched.
    if (logger.isLevelEnabled?.('error') === false) return next(call);
    const started = performance.now();
    const context = call.context;
    return observeCall(call, next, {
      onEnd(error) {
        const code = error?.code ?? Status.OK;
        const level = levelOf(code);
        if (logger.isLevelEnabled?.(level) === false) return;
        // One shape for every line (pino leaves out the undefined `error` of an OK call).
        const fields = {
          method: call.method.path,
          code: statusName(code),
          code_number: code,
          duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
          peer: context.peer,
          request_id: requestIdOf(context),
          error: error?.message,
        };
        logger[level](fields, 'call finished');
      },
    });
  };
}
