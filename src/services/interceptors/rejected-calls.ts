// Calls the server answers before any interceptor runs — an unknown method, a request message
// above the size limit, an undecodable body, a malformed grpc-timeout — logged and counted like
// every other call, so the log keeps its promise of one line per call (docs/contract.md §5).
//
// The server reports such a call through ServerOptions.onCallRejected; this module is what
// `handwire serve` plugs into it.

import type { RejectedCall } from '../../server/server-options.js';
import { statusName } from '../../transport/status.js';
import { type CallLogger, levelOf } from './logging.js';
import type { Metrics } from './metrics.js';
import { REQUEST_ID_KEY } from './request-id.js';

/** One log line, and the metrics of a call, for each call the server rejects on its own. */
export function rejectedCallRecorder(options: {
  logger: CallLogger;
  metrics?: Metrics;
  /** False: count the call but write no line (serve --access-log off). */
  accessLog?: boolean;
}): (call: RejectedCall) => void {
  return (call) => {
    options.metrics?.countRejected(call.path, call.kind, call.code, call.durationMs / 1000);
    if (options.accessLog === false) return;
    const requestId = call.responseHeaders[REQUEST_ID_KEY] ?? call.requestHeaders[REQUEST_ID_KEY];
    options.logger[levelOf(call.code)](
      {
        method: call.path,
        code: statusName(call.code),
        code_number: call.code,
        duration_ms: Math.round(call.durationMs * 1000) / 1000,
        peer: call.peer,
        request_id: Array.isArray(requestId) ? requestId[0] : requestId,
        error: call.message,
        rejected_before_handler: true,
      },
      'call finished',
    );
  };
}
