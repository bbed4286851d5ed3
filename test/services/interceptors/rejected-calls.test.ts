// Calls rejected before any handler runs (issue #17): logged and counted like the rest, through
// the recorder `handwire serve` gives the server's rejection hook.

import t from 'tap';
import type { RejectedCall } from '../../../src/server/server-options.js';
import { createMetrics, rejectedCallRecorder } from '../../../src/services/interceptors/index.js';
import { Status } from '../../../src/transport/status.js';

function recorded() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const logger = {
    info: (fields: object, message: string) =>
      lines.push({ level: 'info', fields: { ...fields }, message }),
    warn: (fields: object, message: string) =>
      lines.push({ level: 'warn', fields: { ...fields }, message }),
    error: (fields: object, message: string) =>
      lines.push({ level: 'error', fields: { ...fields }, message }),
  };
  const metrics = createMetrics(undefined, { defaultMetrics: false });
  return { lines, metrics, record: rejectedCallRecorder({ logger, metrics }) };
}

const base: RejectedCall = {
  path: '/offers.v1.OfferService/MigrateOffers',
  kind: 'clientStreaming',
  code: Status.RESOURCE_EXHAUSTED,
  message: 'the request message is 5242880 bytes, above the limit of 4194304',
  peer: '127.0.0.1:5000',
  requestHeaders: {},
  responseHeaders: { 'x-request-id': 'big-1' },
  durationMs: 1.25,
};

t.test('a message above the limit: one line with the request id, counted by method', async (t) => {
  const { lines, metrics, record } = recorded();
  record(base);
  t.same(lines, [
    {
      level: 'warn',
      message: 'call finished',
      fields: {
        method: base.path,
        code: 'RESOURCE_EXHAUSTED',
        code_number: Status.RESOURCE_EXHAUSTED,
        duration_ms: 1.25,
        peer: '127.0.0.1:5000',
        request_id: 'big-1',
        error: base.message,
        rejected_before_handler: true,
      },
    },
  ]);
  const text = await metrics.registry.metrics();
  t.match(
    text,
    'grpc_server_started_total{grpc_type="client_stream",grpc_service="offers.v1.OfferService",grpc_method="MigrateOffers"} 1',
  );
  t.match(
    text,
    'grpc_server_handled_total{grpc_type="client_stream",grpc_service="offers.v1.OfferService",grpc_method="MigrateOffers",grpc_code="ResourceExhausted"} 1',
  );
  t.match(text, /grpc_server_handling_seconds_count\{[^}]*grpc_method="MigrateOffers"\} 1/);
});

t.test('an unknown method: logged as error, counted under "unknown" labels', async (t) => {
  const { lines, metrics, record } = recorded();
  for (const path of ['/nope.Svc/A', '/nope.Svc/B']) {
    record({
      ...base,
      path,
      kind: undefined,
      code: Status.UNIMPLEMENTED,
      message: 'unknown service nope.Svc',
      requestHeaders: { 'x-request-id': 'sent-1' },
      responseHeaders: {},
    });
  }
  t.equal(lines[0]?.level, 'error');
  t.equal(lines[0]?.fields.request_id, 'sent-1', 'the id the client sent when none was added');
  t.match(
    await metrics.registry.metrics(),
    'grpc_server_handled_total{grpc_type="unknown",grpc_service="unknown",grpc_method="unknown",grpc_code="Unimplemented"} 2',
  );
});

t.test('an undecodable body: INTERNAL, logged as error', async (t) => {
  const { lines, record } = recorded();
  record({ ...base, kind: 'unary', code: Status.INTERNAL, message: 'cannot decode the request' });
  t.equal(lines[0]?.level, 'error');
  t.equal(lines[0]?.fields.code, 'INTERNAL');
});
