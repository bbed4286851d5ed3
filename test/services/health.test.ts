// grpc.health.v1.Health through a @grpc/grpc-js client whose messages protobufjs (de)serializes
// from proto/grpc/health/v1/health.proto: Check, List, Watch, and the flip to NOT_SERVING when
// the server shuts down (grpc doc/health-checking.md).

import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import t, { type Test } from 'tap';
import type { ServerCallContext } from '../../src/server/call-context.js';
import { Server } from '../../src/server/server.js';
import {
  addHealthService,
  HealthService,
  MAX_LISTED_SERVICES,
  ServingStatus,
} from '../../src/services/health/health-service.js';
import { Status } from '../../src/transport/status.js';
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js';
import { HealthListResponseCodec, servingStatusName } from '../../src/wire/messages/health.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { readStream, within } from './grpc-js-streams.js';

const root = protobuf.loadSync(
  fileURLToPath(new URL('../../proto/grpc/health/v1/health.proto', import.meta.url)),
);
const CheckRequest = root.lookupType('grpc.health.v1.HealthCheckRequest');
const CheckResponse = root.lookupType('grpc.health.v1.HealthCheckResponse');
const ListRequest = root.lookupType('grpc.health.v1.HealthListRequest');
const ListResponse = root.lookupType('grpc.health.v1.HealthListResponse');

/** A grpc-js method whose messages protobufjs encodes; enums come back by name. */
function definition(
  name: string,
  request: protobuf.Type,
  response: protobuf.Type,
  responseStream: boolean,
) {
  return {
    path: `/grpc.health.v1.Health/${name}`,
    requestStream: false,
    responseStream,
    requestSerialize: (value: object) =>
      Buffer.from(request.encode(request.fromObject(value)).finish()),
    requestDeserialize: (bytes: Buffer) => request.decode(bytes),
    responseSerialize: (value: object) => Buffer.from(response.encode(value).finish()),
    responseDeserialize: (bytes: Buffer) =>
      response.toObject(response.decode(bytes), { enums: String, defaults: true }),
  };
}

const HealthClient = grpc.makeGenericClientConstructor(
  {
    Check: definition('Check', CheckRequest, CheckResponse, false),
    List: definition('List', ListRequest, ListResponse, false),
    Watch: definition('Watch', CheckRequest, CheckResponse, true),
  },
  'Health',
);
type HealthClientInstance = InstanceType<typeof HealthClient> & Record<string, any>;

interface PlainStatus {
  status: string;
}

const ECHO = 'handwire.test.Echo';

/** A server with Echo and health; the client closes and the server is force-closed afterwards. */
async function start(t: Test) {
  const server = new Server();
  server.addService(EchoService, echoImplementation);
  const health = addHealthService(server);
  const { address } = await server.listen();
  t.teardown(() => server.forceClose());
  const client = new HealthClient(
    address,
    grpc.credentials.createInsecure(),
  ) as HealthClientInstance;
  t.teardown(() => client.close());
  return { server, health, client };
}

function check(client: HealthClientInstance, service: string): Promise<PlainStatus> {
  return new Promise((resolve, reject) => {
    client.Check(
      { service },
      { deadline: Date.now() + 5000 },
      (error: unknown, response: PlainStatus) => (error ? reject(error) : resolve(response)),
    );
  });
}

function list(client: HealthClientInstance): Promise<{ statuses: Record<string, PlainStatus> }> {
  return new Promise((resolve, reject) => {
    client.List({}, { deadline: Date.now() + 5000 }, (error: unknown, response: any) =>
      error ? reject(error) : resolve(response),
    );
  });
}

function watch(client: HealthClientInstance, service: string) {
  const call = client.Watch({ service }) as grpc.ClientReadableStream<PlainStatus>;
  return { call, reader: readStream(call) };
}

t.test('Check: "" and registered services are SERVING, an unknown name NOT_FOUND', async (t) => {
  const { client, health } = await start(t);
  t.same(await check(client, ''), { status: 'SERVING' });
  t.same(await check(client, ECHO), { status: 'SERVING' });
  t.equal(health.getStatus(ECHO), ServingStatus.SERVING);
  await t.rejects(check(client, 'no.such.Service'), {
    code: Status.NOT_FOUND,
    details: 'unknown service "no.such.Service"',
  });
  t.equal(health.getStatus('no.such.Service'), undefined);
  t.equal(
    health.getStatus('grpc.health.v1.Health'),
    undefined,
    'the health service itself is not listed: it was registered by the same call',
  );
});

t.test('setStatus flips what Check answers; clearStatus forgets the service', async (t) => {
  const { client, health } = await start(t);
  health.setStatus(ECHO, ServingStatus.NOT_SERVING);
  t.same(await check(client, ECHO), { status: 'NOT_SERVING' });
  health.setStatus('later.Service', ServingStatus.SERVING);
  t.same(await check(client, 'later.Service'), { status: 'SERVING' });
  health.setStatus(ECHO, ServingStatus.UNKNOWN);
  t.same(await check(client, ECHO), { status: 'UNKNOWN' });
  health.clearStatus(ECHO);
  await t.rejects(check(client, ECHO), { code: Status.NOT_FOUND });
  t.throws(() => health.setStatus('x', ServingStatus.SERVICE_UNKNOWN), RangeError);
  t.throws(() => health.setStatus('x', 7 as ServingStatus), RangeError);
});

t.test('List returns every status, and the map decodes the same in protobufjs', async (t) => {
  const { client, health } = await start(t);
  health.setStatus('other.Service', ServingStatus.NOT_SERVING);
  const response = await list(client);
  t.same(response.statuses, {
    '': { status: 'SERVING' },
    [ECHO]: { status: 'SERVING' },
    'other.Service': { status: 'NOT_SERVING' },
  });

  // Our codec against protobufjs, both ways, an UNKNOWN value (an empty message) included.
  const statuses = new Map([
    ['a', { status: ServingStatus.UNKNOWN }],
    ['', { status: ServingStatus.SERVING }],
  ]);
  const bytes = encodeMessage(HealthListResponseCodec, { statuses });
  t.same(ListResponse.toObject(ListResponse.decode(bytes), { enums: String, defaults: true }), {
    statuses: { a: { status: 'UNKNOWN' }, '': { status: 'SERVING' } },
  });
  const theirs = ListResponse.encode(
    ListResponse.fromObject({ statuses: { x: { status: 2 }, y: {} } }),
  ).finish();
  t.same(
    decodeMessage(HealthListResponseCodec, theirs).statuses,
    new Map([
      ['x', { status: 2 }],
      ['y', { status: 0 }],
    ]),
  );
  t.equal(servingStatusName(ServingStatus.SERVICE_UNKNOWN), 'SERVICE_UNKNOWN');
  t.equal(servingStatusName(9), '9');
});

t.test('List is RESOURCE_EXHAUSTED beyond the service limit', async (t) => {
  const { client, health } = await start(t);
  for (let i = 0; i < MAX_LISTED_SERVICES; i++) health.setStatus(`s${i}`, ServingStatus.SERVING);
  await t.rejects(list(client), { code: Status.RESOURCE_EXHAUSTED });
});

t.test('Watch sends the current status at once, then each change, never a repeat', async (t) => {
  const { client, health } = await start(t);
  const { call, reader } = watch(client, ECHO);
  t.same(await reader.next(), { status: 'SERVING' });
  health.setStatus(ECHO, ServingStatus.NOT_SERVING);
  t.same(await reader.next(), { status: 'NOT_SERVING' });
  // The same status again is not a change: the next message is the SERVING that follows it.
  health.setStatus(ECHO, ServingStatus.NOT_SERVING);
  health.setStatus(ECHO, ServingStatus.SERVING);
  t.same(await reader.next(), { status: 'SERVING' });
  // Another service's change is not sent on this stream.
  health.setStatus('', ServingStatus.NOT_SERVING);
  await t.rejects(reader.next(300), /no message/);
  call.cancel();
  t.equal((await within(reader.ended, 5000, 'the cancelled Watch to end')).code, Status.CANCELLED);
});

t.test(
  'Watch of an unknown service: SERVICE_UNKNOWN, stays open, then the real status',
  async (t) => {
    const { client, health } = await start(t);
    const { call, reader } = watch(client, 'later.Service');
    t.same(await reader.next(), { status: 'SERVICE_UNKNOWN' });
    await t.rejects(reader.next(200), /no message/, 'the stream stays open');
    health.setStatus('later.Service', ServingStatus.SERVING);
    t.same(await reader.next(), { status: 'SERVING' });
    health.clearStatus('later.Service');
    t.same(await reader.next(), { status: 'SERVICE_UNKNOWN' });
    call.cancel();
    await within(reader.ended, 5000, 'the cancelled Watch to end');
  },
);

t.test(
  'a slow watcher holds only the latest status, and ends when its call is cancelled',
  async (t) => {
    // The handler itself, driven by hand: no transport buffer stands between it and the reader.
    const health = new HealthService();
    health.setStatus('s', ServingStatus.SERVING);
    const abort = new AbortController();
    const context = { signal: abort.signal } as ServerCallContext;
    const stream = health.implementation.Watch({ service: 's' }, context)[Symbol.asyncIterator]();
    t.same((await stream.next()).value, { status: ServingStatus.SERVING });
    // A thousand changes while the reader is away; only where they ended up is sent.
    for (let i = 0; i < 1000; i++) {
      health.setStatus('s', i % 2 === 0 ? ServingStatus.NOT_SERVING : ServingStatus.SERVING);
    }
    health.setStatus('s', ServingStatus.NOT_SERVING);
    t.same((await stream.next()).value, { status: ServingStatus.NOT_SERVING });
    // Changes that come back to what was last sent send nothing.
    health.setStatus('s', ServingStatus.SERVING);
    health.setStatus('s', ServingStatus.NOT_SERVING);
    const next = stream.next();
    let settled = false;
    void next.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.notOk(settled, 'nothing is sent for a status equal to the last one sent');
    abort.abort();
    t.same(await within(next, 2000, 'the watch to end on abort'), { done: true, value: undefined });
    t.same((health as any).watchers.size, 0, 'the watcher was removed');
  },
);

t.test('close() turns every status NOT_SERVING; an open Watch sees it, then ends', async (t) => {
  const { server, client, health } = await start(t);
  const overall = watch(client, '');
  const echo = watch(client, ECHO);
  t.same(await overall.reader.next(), { status: 'SERVING' });
  t.same(await echo.reader.next(), { status: 'SERVING' });

  const started = Date.now();
  const closing = server.close({ graceMs: 10_000 });
  t.equal(health.getStatus(''), ServingStatus.NOT_SERVING, 'flipped as close() began');
  t.equal(health.getStatus(ECHO), ServingStatus.NOT_SERVING);
  t.same(await overall.reader.next(), { status: 'NOT_SERVING' });
  t.same(await echo.reader.next(), { status: 'NOT_SERVING' });
  // The Watch streams end with OK after NOT_SERVING, so the grace is not spent waiting for them.
  t.equal((await within(overall.reader.ended, 5000, 'the Watch to end')).code, Status.OK);
  t.equal((await within(echo.reader.ended, 5000, 'the Watch to end')).code, Status.OK);
  await within(closing, 5000, 'close() to resolve');
  t.ok(Date.now() - started < 5000, 'close() did not wait out the 10 s grace');

  health.setStatus(ECHO, ServingStatus.SERVING);
  t.equal(health.getStatus(ECHO), ServingStatus.NOT_SERVING, 'setStatus is ignored after shutdown');
  health.clearStatus(ECHO);
  t.equal(health.getStatus(ECHO), ServingStatus.NOT_SERVING, 'so is clearStatus');
});

t.test(
  'forceClose() flips health too, and a failing shutdown callback does not stop it',
  async (t) => {
    const errors: string[] = [];
    const server = new Server({ logger: { error: (_details, message) => errors.push(message) } });
    server.onShutdown(() => {
      throw new Error('boom');
    });
    const health = addHealthService(server);
    await server.listen();
    await within(server.forceClose(), 5000, 'forceClose() to resolve');
    t.equal(health.getStatus(''), ServingStatus.NOT_SERVING);
    t.same(errors, ['a shutdown callback failed']);
    health.shutdown();
    t.equal(health.getStatus(''), ServingStatus.NOT_SERVING, 'shutdown() twice is harmless');
  },
);
