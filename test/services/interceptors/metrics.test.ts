// go-grpc-prometheus metrics scraped over HTTP from /metrics after unary and streaming calls.

import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { createMetrics, startMetricsServer } from '../../../src/services/interceptors/metrics.js';
import { Status } from '../../../src/transport/status.js';
import { callPath, serveEcho } from './interceptor-helpers.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format's sample lines (comments skipped). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when absent. */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match`);
  return found[0]?.value ?? 0;
}

const echo = (type: string, method: string) => ({
  grpc_type: type,
  grpc_service: 'handwire.test.Echo',
  grpc_method: method,
});

async function monitored(t: any) {
  const metrics = createMetrics();
  const served = await serveEcho(t, [metrics.interceptor]);
  const http = await startMetricsServer({ registry: metrics.registry });
  t.teardown(() => http.close());
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${http.port}/metrics`);
    t.equal(response.status, 200);
    t.equal(response.headers.get('content-type'), metrics.registry.contentType);
    return parseSamples(await response.text());
  };
  return { ...served, metrics, http, scrape };
}

t.test('unary calls: started, handled by code, handling time, messages', async (t) => {
  const { generic, scrape } = await monitored(t);
  const UNARY = '/handwire.test.Echo/Unary';
  await callPath(generic, UNARY, { message: 'a' });
  await callPath(generic, UNARY, { message: 'b', delayMs: 30 });
  await callPath(generic, UNARY, { failCode: Status.NOT_FOUND });
  const samples = await scrape();
  const labels = echo('unary', 'Unary');
  t.equal(sampleValue(samples, 'grpc_server_started_total', labels), 3);
  t.equal(sampleValue(samples, 'grpc_server_handled_total', { ...labels, grpc_code: 'OK' }), 2);
  t.equal(
    sampleValue(samples, 'grpc_server_handled_total', { ...labels, grpc_code: 'NotFound' }),
    1,
  );
  t.equal(sampleValue(samples, 'grpc_server_handling_seconds_count', labels), 3);
  t.equal(sampleValue(samples, 'grpc_server_handling_seconds_bucket', { ...labels, le: '10' }), 3);
  t.equal(
    sampleValue(samples, 'grpc_server_handling_seconds_bucket', { ...labels, le: '+Inf' }),
    3,
  );
  t.ok(
    sampleValue(samples, 'grpc_server_handling_seconds_bucket', { ...labels, le: '0.025' }) <= 2,
    'the 30 ms call is above the 25 ms bucket',
  );
  t.ok(sampleValue(samples, 'grpc_server_handling_seconds_sum', labels) >= 0.03);
  t.equal(sampleValue(samples, 'grpc_server_msg_received_total', labels), 3);
  t.equal(sampleValue(samples, 'grpc_server_msg_sent_total', labels), 2, 'a failed call sent none');
});

t.test('the histogram has the go-grpc-prometheus default buckets', async (t) => {
  const { generic, scrape } = await monitored(t);
  await callPath(generic, '/handwire.test.Echo/Unary', {});
  const buckets = (await scrape())
    .filter((s) => s.name === 'grpc_server_handling_seconds_bucket')
    .map((s) => s.labels.le);
  t.same(buckets, [
    '0.005',
    '0.01',
    '0.025',
    '0.05',
    '0.1',
    '0.25',
    '0.5',
    '1',
    '2.5',
    '5',
    '10',
    '+Inf',
  ]);
});

t.test('streaming calls count every message each way', async (t) => {
  const { client, scrape } = await monitored(t);
  for await (const _ of client.ServerStream({ message: 's', count: 3 }));
  await new Promise<void>((resolve, reject) => {
    const call = client.ClientStream((error: Error | null) => (error ? reject(error) : resolve()));
    for (const message of ['a', 'b', 'c', 'd']) call.write({ message });
    call.end();
  });
  const bidi = client.Bidi();
  bidi.write({ message: 'x' });
  bidi.write({ message: 'y' });
  bidi.end();
  for await (const _ of bidi);
  const samples = await scrape();
  const server = echo('server_stream', 'ServerStream');
  const clientStream = echo('client_stream', 'ClientStream');
  const bidiLabels = echo('bidi_stream', 'Bidi');
  t.equal(sampleValue(samples, 'grpc_server_started_total', server), 1);
  t.equal(sampleValue(samples, 'grpc_server_msg_received_total', server), 1);
  t.equal(sampleValue(samples, 'grpc_server_msg_sent_total', server), 3);
  t.equal(sampleValue(samples, 'grpc_server_handled_total', { ...server, grpc_code: 'OK' }), 1);
  t.equal(sampleValue(samples, 'grpc_server_msg_received_total', clientStream), 4);
  t.equal(sampleValue(samples, 'grpc_server_msg_sent_total', clientStream), 1);
  t.equal(
    sampleValue(samples, 'grpc_server_handled_total', { ...clientStream, grpc_code: 'OK' }),
    1,
  );
  t.equal(sampleValue(samples, 'grpc_server_msg_received_total', bidiLabels), 2);
  t.equal(sampleValue(samples, 'grpc_server_msg_sent_total', bidiLabels), 2);
  t.equal(sampleValue(samples, 'grpc_server_handling_seconds_count', bidiLabels), 1);
});

t.test("a cancelled stream is handled with grpc_code Canceled (grpc-go's spelling)", async (t) => {
  const { client, scrape } = await monitored(t);
  const call = client.ServerStream({ message: 's', count: 1000, delayMs: 20 });
  call.on('error', () => {});
  await new Promise<void>((resolve) => call.once('data', () => resolve()));
  call.cancel();
  const labels = { ...echo('server_stream', 'ServerStream'), grpc_code: 'Canceled' };
  let samples = await scrape();
  for (let i = 0; i < 100 && sampleValue(samples, 'grpc_server_handled_total', labels) === 0; i++) {
    await sleep(20);
    samples = await scrape();
  }
  t.equal(sampleValue(samples, 'grpc_server_handled_total', labels), 1);
  t.ok(
    sampleValue(samples, 'grpc_server_msg_sent_total', echo('server_stream', 'ServerStream')) >= 1,
  );
});

t.test('/metrics is the only path; it answers GET and HEAD', async (t) => {
  const { http } = await monitored(t);
  const base = `http://127.0.0.1:${http.port}`;
  const missing = await fetch(`${base}/`);
  t.equal(missing.status, 404);
  t.match(await missing.text(), 'the metrics are at /metrics');
  const post = await fetch(`${base}/metrics`, { method: 'POST' });
  t.equal(post.status, 405);
  t.equal(post.headers.get('allow'), 'GET, HEAD');
  await post.text();
  const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
  t.equal(head.status, 200);
  const query = await fetch(`${base}/metrics?format=text`);
  t.equal(query.status, 200, 'a query string is ignored');
  t.match(await query.text(), '# TYPE grpc_server_started_total counter');
});

t.test('the registry can be shared with other metrics', async (t) => {
  const { Registry, Counter } = await import('prom-client');
  const registry = new Registry();
  new Counter({ name: 'app_things_total', help: 'Things.', registers: [registry] }).inc(7);
  const metrics = createMetrics(registry);
  t.equal(metrics.registry, registry);
  const http = await startMetricsServer({ registry, host: '127.0.0.1', port: 0 });
  t.teardown(() => http.close());
  const text = await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
  t.match(text, 'app_things_total 7');
  t.match(text, '# HELP grpc_server_handled_total Total number of RPCs completed on the server');
});

t.test('close() ends kept-alive scrape connections too', async (t) => {
  const { registry } = createMetrics();
  const http = await startMetricsServer({ registry });
  await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
  const started = Date.now();
  await http.close();
  t.ok(Date.now() - started < 2000, 'close did not wait for the idle connection to time out');
  await t.rejects(fetch(`http://127.0.0.1:${http.port}/metrics`), 'nothing listens any more');
});

t.test(
  "grpc_code values are grpc-go's code names, as go-grpc-prometheus writes them",
  async (t) => {
    const { grpcCodeLabel } = await import('../../../src/services/interceptors/metrics.js');
    t.same(
      Array.from({ length: 17 }, (_, code) => grpcCodeLabel(code)),
      [
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
      ],
    );
    t.equal(grpcCodeLabel(17), 'Code(17)');
  },
);

t.test("prom-client's process and Node.js default metrics are in the registry", async (t) => {
  const text = await createMetrics().registry.metrics();
  for (const name of [
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'process_start_time_seconds',
    'nodejs_eventloop_lag_seconds',
    'nodejs_heap_size_used_bytes',
  ]) {
    t.match(text, `# TYPE ${name} `, name);
  }
  const bare = await createMetrics(undefined, { defaultMetrics: false }).registry.metrics();
  t.notMatch(bare, 'process_cpu_seconds_total', 'defaultMetrics: false leaves them out');
});
