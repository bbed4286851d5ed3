// Prometheus metrics per call and GET /metrics, named and labelled as go-grpc-prometheus does.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ServerInterceptor } from '../../server/interceptor.js';
import {
  givesResponseStream,
  type MethodKind,
  takesRequestStream,
} from '../../transport/service-definition.js';
import { Status, type StatusCode } from '../../transport/status.js';
import { observeCall } from './call-outcome.js';
import { splitMethodPath } from './method-path.js';

/** go-grpc-prometheus's grpc_type label values. */
const GRPC_TYPES: Record<MethodKind, string> = {
  unary: 'unary',
  clientStreaming: 'client_stream',
  serverStreaming: 'server_stream',
  bidiStreaming: 'bidi_stream',
};

/**
 * grpc_code label values: grpc-go's codes.Code String() names, which go-grpc-prometheus writes and
 * dashboards built for it filter on (`NotFound`, not `NOT_FOUND`; `Canceled` with one l).
 */
const GRPC_GO_CODE_NAMES: readonly string[] = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

/** The grpc_code label of `code`, as grpc-go names it; `Code(N)` for one outside 0–16, as there. */
export function grpcCodeLabel(code: StatusCode | number): string {
  return GRPC_GO_CODE_NAMES[code] ?? `Code(${code})`;
}

/** Prometheus's DefBuckets, which go-grpc-prometheus's handling-time histogram uses by default. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const METHOD_LABELS = ['grpc_type', 'grpc_service', 'grpc_method'] as const;

export interface Metrics {
  /** Counts and times every call; place it outside auth and rate limit to count their refusals. */
  readonly interceptor: ServerInterceptor;
  readonly registry: Registry;
  /**
   * Counts a call the server answered before any interceptor ran (started, handled with its code,
   * handling time). `kind` is undefined for a path that names no method: its grpc_type,
   * grpc_service and grpc_method are then all "unknown".
   */
  countRejected(path: string, kind: MethodKind | undefined, code: number, seconds: number): void;
  /** A node:http request handler serving GET /metrics from `registry`; 404 elsewhere. */
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
}

/**
 * Registers go-grpc-prometheus's server metrics in `registry` (a new one by default):
 * grpc_server_started_total, grpc_server_handled_total (with grpc_code, grpc-go's code name),
 * grpc_server_handling_seconds, grpc_server_msg_received_total, grpc_server_msg_sent_total.
 * As there, a unary request and response count as one message each, a response only when the
 * call succeeded. Unless `defaultMetrics` is false, prom-client's default process and Node.js
 * metrics are registered too.
 */
export function createMetrics(
  registry: Registry = new Registry(),
  options: { defaultMetrics?: boolean } = {},
): Metrics {
  const registers = [registry];
  // prom-client's process and Node.js metrics (process_cpu_seconds_total, process_resident_memory_bytes,
  // nodejs_eventloop_lag_seconds, nodejs_heap_size_used_bytes…), as a Go server exports its go_* and
  // process_* ones next to go-grpc-prometheus's.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const started = new Counter({
    name: 'grpc_server_started_total',
    help: 'Total number of RPCs started on the server.',
    labelNames: METHOD_LABELS,
    registers,
  });
  const handled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'Total number of RPCs completed on the server, regardless of success or failure.',
    labelNames: [...METHOD_LABELS, 'grpc_code'],
    registers,
  });
  const handling = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
    labelNames: METHOD_LABELS,
    buckets: DEFAULT_BUCKETS,
    registers,
  });
  const received = new Counter({
    name: 'grpc_server_msg_received_total',
    help: 'Total number of RPC stream messages received on the server.',
    labelNames: METHOD_LABELS,
    registers,
  });
  const sent = new Counter({
    name: 'grpc_server_msg_sent_total',
    help: 'Total number of gRPC stream messages sent by the server.',
    labelNames: METHOD_LABELS,
    registers,
  });

  /** Per method, the label children, resolved once: a label lookup per call costs more. */
  interface MethodMetrics {
    started: Counter.Internal;
    received: Counter.Internal;
    sent: Counter.Internal;
    handling: Histogram.Internal<(typeof METHOD_LABELS)[number]>;
    handledByCode: Map<string, Counter.Internal>;
    labels: Record<(typeof METHOD_LABELS)[number], string>;
  }
  const byPath = new Map<string, MethodMetrics>();
  const metricsOf = (path: string, kind: MethodKind): MethodMetrics => {
    let found = byPath.get(path);
    if (found === undefined) {
      const { service, method } = splitMethodPath(path);
      const labels = { grpc_type: GRPC_TYPES[kind], grpc_service: service, grpc_method: method };
      found = {
        started: started.labels(labels),
        received: received.labels(labels),
        sent: sent.labels(labels),
        handling: handling.labels(labels),
        handledByCode: new Map(),
        labels,
      };
      byPath.set(path, found);
    }
    return found;
  };

  const interceptor: ServerInterceptor = (next) => (call) => {
    const kind = call.method.kind;
    const metrics = metricsOf(call.method.path, kind);
    const startedAt = performance.now();
    metrics.started.inc();
    if (takesRequestStream(kind)) {
      call.request = countedMessages(call.request as AsyncIterable<unknown>, metrics.received);
    } else {
      metrics.received.inc();
    }
    const responseStreams = givesResponseStream(kind);
    return observeCall(call, next, {
      onResponseMessage: () => metrics.sent.inc(),
      onEnd(error) {
        if (error === undefined && !responseStreams) metrics.sent.inc();
        const code = grpcCodeLabel(error?.code ?? Status.OK);
        let counter = metrics.handledByCode.get(code);
        if (counter === undefined) {
          counter = handled.labels({ ...metrics.labels, grpc_code: code });
          metrics.handledByCode.set(code, counter);
        }
        counter.inc();
        metrics.handling.observe((performance.now() - startedAt) / 1000);
      },
    });
  };

  const countRejected = (
    path: string,
    kind: MethodKind | undefined,
    code: number,
    seconds: number,
  ): void => {
    // A path naming no method is counted under "unknown" labels, whatever it says: a scanner
    // trying random paths must not grow the registry without bound.
    const { service, method } =
      kind === undefined ? { service: 'unknown', method: 'unknown' } : splitMethodPath(path);
    const labels = {
      grpc_type: kind === undefined ? 'unknown' : GRPC_TYPES[kind],
      grpc_service: service,
      grpc_method: method,
    };
    started.inc(labels);
    handled.inc({ ...labels, grpc_code: grpcCodeLabel(code) });
    handling.observe(labels, seconds);
  };

  return { interceptor, registry, countRejected, handler: metricsRequestHandler(registry) };
}

/** The request stream of a client-streaming or bidi call, counting each message as it is read. */
async function* countedMessages(
  requests: AsyncIterable<unknown>,
  counter: Counter.Internal,
): AsyncIterable<unknown> {
  for await (const request of requests) {
    counter.inc();
    yield request;
  }
}

/** GET (or HEAD) /metrics: the registry in its text format; any other path is 404. */
export function metricsRequestHandler(
  registry: Registry,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${path} is not here: the metrics are at /metrics\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' });
      response.end(`/metrics answers GET, not ${request.method}\n`);
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`the metrics could not be collected: ${(error as Error).message}\n`);
      },
    );
  };
}

export interface MetricsServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  registry: Registry;
}

export interface MetricsServer {
  /** The port bound (useful with port 0). */
  readonly port: number;
  /** Stops listening and closes every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

/** Serves `GET /metrics` over plain HTTP/1.1 with node:http, for Prometheus to scrape. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer(metricsRequestHandler(options.registry));
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        // A scraper keeps its connection open between scrapes; without this close would wait.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
