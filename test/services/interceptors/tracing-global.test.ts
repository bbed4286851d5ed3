// Tracing with the global tracer: a pass-through until an SDK registers a provider, then a SERVER
// span per call, without rebuilding the server (OTel API "TracerProvider", global registration).

import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { tracingInterceptor } from '../../../src/services/interceptors/tracing.js';
import { callPath, serveEcho } from './interceptor-helpers.js';

const UNARY = '/handwire.test.Echo/Unary';

t.test(
  'no SDK: calls pass straight through; an SDK registered later gets a span per call',
  async (t) => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    t.teardown(async () => {
      trace.disable();
      await provider.shutdown();
    });
    const { generic } = await serveEcho(t, [tracingInterceptor()]);

    const before = await callPath(generic, UNARY, { message: 'untraced' });
    t.equal(before.response?.message, 'untraced');
    t.equal(exporter.getFinishedSpans().length, 0);

    t.ok(trace.setGlobalTracerProvider(provider), 'the SDK registers');
    const after = await callPath(generic, UNARY, { message: 'traced' });
    t.equal(after.response?.message, 'traced');
    const spans = exporter.getFinishedSpans();
    t.equal(spans.length, 1, 'the same server now traces');
    t.equal(spans[0]!.name, 'handwire.test.Echo/Unary');
  },
);
