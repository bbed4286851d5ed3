// The standard server interceptors, composed in the order docs/contract.md §4 sets (auth, then rate limit).

import type { Tracer } from '@opentelemetry/api';
import type { ServerInterceptor } from '../../server/interceptor.js';
import { type AuthOptions, authInterceptor } from './auth.js';
import { type CallLogger, loggingInterceptor } from './logging.js';
import type { Metrics } from './metrics.js';
import { type RateLimitOptions, rateLimitInterceptor } from './rate-limit.js';
import { recoveryInterceptor } from './recovery.js';
import { requestIdInterceptor } from './request-id.js';
import { tracingInterceptor } from './tracing.js';

export {
  type AuthOptions,
  authInterceptor,
  type Principal,
  principalOf,
  ROLE_NAMES,
  ROLE_TABLE,
  type RoleName,
} from './auth.js';
export { type CallObserver, observeCall } from './call-outcome.js';
export { type CallLogger, createStderrLogger, loggingInterceptor } from './logging.js';
export { EXEMPT_SERVICES, splitMethodPath } from './method-path.js';
export {
  createMetrics,
  grpcCodeLabel,
  type Metrics,
  type MetricsServer,
  type MetricsServerOptions,
  metricsRequestHandler,
  startMetricsServer,
} from './metrics.js';
export {
  peerHost,
  type RateLimiter,
  type RateLimitOptions,
  rateLimitInterceptor,
} from './rate-limit.js';
export { type ErrorLogger, recoveryInterceptor } from './recovery.js';
export { rejectedCallRecorder } from './rejected-calls.js';
export {
  REQUEST_ID_KEY,
  requestIdInterceptor,
  requestIdOf,
  requestIdResponseHeaders,
} from './request-id.js';
export { metadataGetter, tracingInterceptor } from './tracing.js';

export interface StandardInterceptorOptions {
  /** Writes the line per call and the real errors behind INTERNAL (see createStderrLogger). */
  logger: CallLogger;
  /** False leaves out the line per call (logging); the errors behind INTERNAL are still logged. */
  accessLog?: boolean;
  /** From createMetrics(); without it no metrics are kept. */
  metrics?: Metrics;
  /** Default: the global tracer, a no-op unless the application installed an OpenTelemetry SDK. */
  tracer?: Tracer;
  /** Without it every call is allowed (docs/contract.md §4: no --auth-secret). */
  auth?: AuthOptions;
  /** Without it calls are not limited (no --rate-limit). */
  rateLimit?: RateLimitOptions;
}

/**
 * The interceptors for ServerOptions.interceptors, outermost first:
 *
 * 1. request id: first, so every later layer, the log line included, knows the id, and the client
 *    gets it back however the call ends (a refusal by auth or the rate limit too);
 * 2. logging (unless `accessLog` is false): outside everything that can end a call, so its one line records the status the
 *    client got, recovery's INTERNAL included, and the whole duration;
 * 3. recovery: outside the rest, so a bug in metrics, tracing, auth, the limiter or the handler is
 *    INTERNAL, logged once with its stack, and seen by logging as that final status;
 * 4. metrics and 5. tracing: outside auth and the limiter, so refused calls are counted
 *    (UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED are what an operator watches for) and
 *    traced under the client's trace id;
 * 6. auth then 7. rate limit, as docs/contract.md §4 requires: the limiter keys on the verified `sub`.
 */
export function standardInterceptors(options: StandardInterceptorOptions): ServerInterceptor[] {
  const interceptors: ServerInterceptor[] = [requestIdInterceptor()];
  if (options.accessLog !== false) interceptors.push(loggingInterceptor(options.logger));
  interceptors.push(recoveryInterceptor(options.logger));
  if (options.metrics !== undefined) interceptors.push(options.metrics.interceptor);
  interceptors.push(tracingInterceptor(options.tracer));
  if (options.auth !== undefined) interceptors.push(authInterceptor(options.auth));
  if (options.rateLimit !== undefined) interceptors.push(rateLimitInterceptor(options.rateLimit));
  return interceptors;
}
