// Tracing through a real in-memory OTel SDK: parent from traceparent, attributes, span end.

import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import type { ServerInterceptor } from '../../../src/server/interceptor.js';
import { metadataGetter, tracingInterceptor } from '../../../src/services/interceptors/tracing.js';
import { Metadata } from '../../../src/transport/metadata.js';
import { Status } from '../../../src/transport/status.js';
import { callPath, grpc, serveEcho } from './interceptor-helpers.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('handwire-test');
// The propagator is global in OpenTelemetry; the context manager (AsyncLocalStorage, as a Node
// application installs it) too. Both are removed when the file is done.
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
t.teardown(async () => {
  propagation.disable();
  context.disable();
  await provider.shutdown();
});
t.beforeEach(() => exporter.reset());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const UNARY = '/handwire.test.Echo/Unary';

function traced(traceparent = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`, tracestate?: string) {
  const metadata = new grpc.Metadata();
  metadata.set('traceparent', traceparent);
  if (tracestate !== undefined) metadata.set('tracestate', tracestate);
  return metadata;
}

t.test('a unary call becomes a SERVER span, child of the traceparent sent', async (t) => {
  const { generic } = await serveEcho(t, [tracingInterceptor(tracer)]);
  const outcome = await callPath(
    generic,
    UNARY,
    { message: 'hi' },
    traced(undefined, 'vendor=abc'),
  );
  t.equal(outcome.response?.message, 'hi');
  const [span, ...others] = exporter.getFinishedSpans();
  t.equal(others.length, 0);
  t.equal(span!.name, 'handwire.test.Echo/Unary');
  t.equal(span!.kind, SpanKind.SERVER);
  t.equal(span!.spanContext().traceId, TRACE_ID, 'same trace as the client');
  t.equal(span!.parentSpanContext?.traceId, TRACE_ID);
  t.equal(span!.parentSpanContext?.spanId, PARENT_SPAN_ID, "the client's span is the parent");
  t.equal(span!.parentSpanContext?.isRemote, true);
  t.equal(span!.spanContext().traceState?.get('vendor'), 'abc', 'tracestate is carried');
  t.same(span!.attributes, {
    'rpc.system': 'grpc',
    'rpc.service': 'handwire.test.Echo',
    'rpc.method': 'Unary',
    'rpc.grpc.status_code': 0,
  });
  t.equal(span!.status.code, SpanStatusCode.UNSET);
});

t.test('without traceparent the span starts a new trace', async (t) => {
  const { generic } = await serveEcho(t, [tracingInterceptor(tracer)]);
  await callPath(generic, UNARY, {});
  const [span] = exporter.getFinishedSpans();
  t.equal(span!.parentSpanContext, undefined);
  t.match(span!.spanContext().traceId, /^[0-9a-f]{32}$/);
  t.not(span!.spanContext().traceId, TRACE_ID);
});

t.test('a malformed traceparent is ignored, not an error', async (t) => {
  const { generic } = await serveEcho(t, [tracingInterceptor(tracer)]);
  const outcome = await callPath(generic, UNARY, { message: 'ok' }, traced('00-nonsense-01'));
  t.equal(outcome.response?.message, 'ok');
  t.equal(exporter.getFinishedSpans()[0]!.parentSpanContext, undefined);
});

t.test('the status code is recorded; server faults set the span status to Error', async (t) => {
  const { generic } = await serveEcho(t, [tracingInterceptor(tracer)]);
  await callPath(generic, UNARY, { message: 'x', failCode: Status.NOT_FOUND }, traced());
  await callPath(generic, UNARY, { message: 'y', failCode: Status.INTERNAL }, traced());
  const [notFound, internal] = exporter.getFinishedSpans();
  t.equal(notFound!.attributes['rpc.grpc.status_code'], Status.NOT_FOUND);
  t.equal(notFound!.status.code, SpanStatusCode.UNSET, "a client's mistake is not a server error");
  t.equal(internal!.attributes['rpc.grpc.status_code'], Status.INTERNAL);
  t.same(internal!.status, { code: SpanStatusCode.ERROR, message: 'failed as asked: y' });
});

t.test('an unexpected exception is recorded on the span', async (t) => {
  const crash: ServerInterceptor = () => async () => {
    throw new Error('disk on fire');
  };
  const { generic } = await serveEcho(t, [tracingInterceptor(tracer), crash], {
    server: { logger: { error() {} } },
  });
  await callPath(generic, UNARY, {}, traced());
  const [span] = exporter.getFinishedSpans();
  t.equal(span!.status.code, SpanStatusCode.ERROR);
  t.equal(span!.status.message, 'internal error', 'the status says what the client was told');
  t.equal(span!.events[0]?.name, 'exception');
  t.equal(span!.events[0]?.attributes?.['exception.message'], 'disk on fire');
});

t.test('the span is active for the interceptors and handler after it', async (t) => {
  const seen: Array<string | undefined> = [];
  const spy: ServerInterceptor = (next) => (call) => {
    seen.push(trace.getActiveSpan()?.spanContext().traceId);
    return next(call);
  };
  const { generic } = await serveEcho(t, [tracingInterceptor(tracer), spy]);
  await callPath(generic, UNARY, {}, traced());
  t.same(seen, [TRACE_ID]);
});

t.test('a server stream ends its span when the stream ends', async (t) => {
  const { client } = await serveEcho(t, [tracingInterceptor(tracer)]);
  const call = client.ServerStream({ message: 's', count: 3, delayMs: 30 }, traced());
  let received = 0;
  for await (const _ of call) {
    if (received++ === 0) t.equal(exporter.getFinishedSpans().length, 0, 'still open mid-stream');
  }
  t.equal(received, 3);
  const deadline = Date.now() + 2000;
  while (exporter.getFinishedSpans().length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const [span] = exporter.getFinishedSpans();
  t.equal(span!.name, 'handwire.test.Echo/ServerStream');
  t.equal(span!.parentSpanContext?.spanId, PARENT_SPAN_ID);
  t.equal(span!.attributes['rpc.grpc.status_code'], 0);
});

t.test('a cancelled stream ends its span with CANCELLED', async (t) => {
  const { client } = await serveEcho(t, [tracingInterceptor(tracer)]);
  const call = client.Bidi(traced());
  call.on('error', () => {});
  call.write({ message: 'a' });
  await new Promise<void>((resolve) => call.once('data', () => resolve()));
  // grpc-js half-closes before its RST_STREAM: the handler must be busy when both arrive, or it
  // would see a clean end of the requests and finish OK before it learns of the cancel.
  call.write({ message: 'b', delayMs: 5000 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  call.cancel();
  const deadline = Date.now() + 2000;
  while (exporter.getFinishedSpans().length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const spans = exporter.getFinishedSpans();
  t.equal(spans.length, 1);
  t.equal(spans[0]!.attributes['rpc.grpc.status_code'], Status.CANCELLED);
  t.equal(spans[0]!.status.code, SpanStatusCode.UNSET);
});

t.test('with the API alone (no SDK) the interceptor is a harmless no-op', async (t) => {
  const { generic } = await serveEcho(t, [tracingInterceptor()]);
  const outcome = await callPath(generic, UNARY, { message: 'plain' }, traced());
  t.equal(outcome.response?.message, 'plain');
  t.equal(exporter.getFinishedSpans().length, 0, 'the global tracer is the no-op one');
});

t.test('metadataGetter reads text values and skips -bin ones', async (t) => {
  const metadata = new Metadata([
    ['traceparent', 'a'],
    ['tracestate', 'x=1'],
    ['tracestate', 'y=2'],
    ['trace-bin', Buffer.from([1, 2])],
  ]);
  t.same(metadataGetter.keys(metadata), ['traceparent', 'tracestate', 'trace-bin']);
  t.equal(metadataGetter.get(metadata, 'traceparent'), 'a');
  t.same(metadataGetter.get(metadata, 'tracestate'), ['x=1', 'y=2']);
  t.equal(metadataGetter.get(metadata, 'trace-bin'), undefined);
  t.equal(metadataGetter.get(metadata, 'absent'), undefined);
});
