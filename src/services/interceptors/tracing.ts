// Tracing: W3C traceparent in, a SERVER span out, via @opentelemetry/api (OTel RPC semconv).

import {
  type Context,
  context as otelContext,
  ProxyTracerProvider,
  propagation,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { ServerInterceptor, ServerNext } from '../../server/interceptor.js';
import { GrpcError } from '../../transport/grpc-error.js';
import type { Metadata } from '../../transport/metadata.js';
import { givesResponseStream } from '../../transport/service-definition.js';
import { Status, type StatusCode } from '../../transport/status.js';
import { isAsyncIterable, observeCall } from './call-outcome.js';
import { splitMethodPath } from './method-path.js';

/** Lets a propagator read request metadata; -bin values are not text and are never trace context. */
export const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => [...metadata.keys()],
  get(metadata, key) {
    const values = metadata.getAll(key).filter((value) => typeof value === 'string');
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  },
};

/**
 * The codes for which a SERVER span's status is Error, as the gRPC semantic conventions list them:
 * the server's own failures. The others (NOT_FOUND, INVALID_ARGUMENT, …) describe the request and
 * leave the status unset; `rpc.grpc.status_code` still records them.
 */
const SERVER_ERROR_CODES: ReadonlySet<StatusCode> = new Set([
  Status.UNKNOWN,
  Status.DEADLINE_EXCEEDED,
  Status.UNIMPLEMENTED,
  Status.INTERNAL,
  Status.UNAVAILABLE,
  Status.DATA_LOSS,
]);

/** The API's no-op provider: what a proxy provider with no SDK behind it delegates to. */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/**
 * True while no OpenTelemetry SDK has registered a tracer provider: the global provider is then
 * the API's proxy delegating to its no-op provider, and every span it starts records nothing.
 * Asked per call, because an application may register its SDK after the server was built (the
 * proxy hands its tracers over to the SDK the moment it does).
 */
function noTracerRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NO_SDK;
}

/**
 * Starts a SERVER span named `package.Service/Method`, child of the trace context the client sent
 * (through the globally installed propagator), runs the rest of the call inside it (each step of a
 * response stream too), and ends it when the call ends: when a response stream finishes, fails or
 * is cancelled.
 *
 * Without `tracer`, the global one is used, and while no SDK has registered a tracer provider the
 * call passes straight through: no span, no context, no watching of the call's end, which would
 * otherwise cost several µs per call for spans nobody records (measured by `npm run bench --
 * interceptors`).
 */
export function tracingInterceptor(tracer?: Tracer): ServerInterceptor {
  return (next) => {
    const traced = tracedCalls(tracer ?? trace.getTracer('handwire'), next);
    if (tracer !== undefined) return traced;
    return (call) => (noTracerRegistered() ? next(call) : traced(call));
  };
}

/** `next` with a span around each call, as tracingInterceptor describes. */
function tracedCalls(tracer: Tracer, next: ServerNext): ServerNext {
  return (call) => {
    const { service, method } = splitMethodPath(call.method.path);
    const parent = propagation.extract(otelContext.active(), call.context.metadata, metadataGetter);
    const span = tracer.startSpan(
      `${service}/${method}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    const responseStreams = givesResponseStream(call.method.kind);
    const traced: ServerNext = async (inner) => {
      const response = await otelContext.with(active, next, undefined, inner);
      return responseStreams && isAsyncIterable(response)
        ? streamInContext(response, active)
        : response;
    };
    return observeCall(call, traced, {
      onEnd(error, thrown) {
        const code = error?.code ?? Status.OK;
        span.setAttribute('rpc.grpc.status_code', code);
        if (error !== undefined && SERVER_ERROR_CODES.has(code)) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
          // The real error behind an INTERNAL belongs to the operator's trace, not the client.
          if (thrown instanceof Error && !(thrown instanceof GrpcError))
            span.recordException(thrown);
        }
        span.end();
      },
    });
  };
}

/** The same stream, each step run inside `active` so the handler's code between yields sees it. */
function streamInContext(
  responses: AsyncIterable<unknown>,
  active: Context,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      const iterator = responses[Symbol.asyncIterator]();
      return {
        next: () => otelContext.with(active, () => iterator.next()),
        return: (value?: unknown) =>
          iterator.return === undefined
            ? Promise.resolve({ done: true, value })
            : otelContext.with(active, () => iterator.return!(value as never)),
      };
    },
  };
}
