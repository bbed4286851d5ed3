// Fuzzing `handwire serve` from the network: random HTTP/2 frames, mutated gRPC requests, garbage
// gRPC messages on well-formed streams, and mutated Kafka requests (real clients' requests from
// test/kafka/fixtures as the seed corpus). Cases come from fast-check arbitraries under a seed, so
// a failing run is replayed by its seed and case number. After each batch the server must still
// answer a health check and a Kafka ApiVersions request.

import { readdirSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import fc from 'fast-check';
import {
  CLIENT_PREFACE,
  connectH2,
  dataFrame,
  grpcRequestHeaders,
  h2Frame,
  headersFrame,
  settingsFrame,
} from '../../helpers/h2-frames.js';

const FIXTURES = new URL('../../kafka/fixtures/', import.meta.url);

/** Real clients' Kafka requests (without the size prefix), captured from Apache Kafka runs. */
export const kafkaCorpus: Buffer[] = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .map((name) =>
    Buffer.from(JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')).request, 'hex'),
  );

const API_VERSIONS = kafkaCorpus.find((request) => request.readInt16BE(0) === 18)!;

const METHODS = [
  '/user.UserService/CreateUser',
  '/user.UserService/GetUser',
  '/user.UserService/ListUsers',
  '/user.UserService/BatchCreateUsers',
  '/user.UserService/StreamUserUpdates',
  '/user.UserService/DeleteUser',
  '/offers.v1.OfferService/SetUserOffer',
  '/offers.v1.OfferService/GetUserOffer',
  '/offers.v1.OfferService/MigrateOffers',
  '/offers.v1.OfferService/WatchOfferEvents',
  '/grpc.health.v1.Health/Check',
  '/grpc.health.v1.Health/Watch',
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/no.such.Service/Method',
];

const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('flip', 'set', 'cut', 'insert', 'repeat'),
  value: fc.integer({ min: 0, max: 255 }),
  bytes: fc.uint8Array({ maxLength: 16 }),
});
type Mutation = ReturnType<typeof mutation.generate>['value'];

export function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let bytes = Buffer.from(input);
  for (const { at, op, value, bytes: extra } of mutations) {
    if (bytes.length === 0) return Buffer.from(extra);
    const i = at % bytes.length;
    if (op === 'flip') bytes[i] = bytes[i]! ^ (1 << (value % 8));
    else if (op === 'set') bytes[i] = value;
    else if (op === 'cut') bytes = bytes.subarray(0, i);
    else if (op === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, i), extra, bytes.subarray(i)]);
    else bytes = Buffer.concat([bytes, bytes.subarray(i, i + 32)]);
  }
  return bytes;
}

const h2RandomCase = fc.record({
  kind: fc.constant('h2-random' as const),
  preface: fc.boolean(),
  frames: fc.array(
    fc.record({
      type: fc.integer({ min: 0, max: 12 }),
      flags: fc.integer({ min: 0, max: 255 }),
      streamId: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 })),
      payload: fc.uint8Array({ maxLength: 64 }),
    }),
    { maxLength: 12 },
  ),
});

const h2MutatedCase = fc.record({
  kind: fc.constant('h2-mutated' as const),
  path: fc.constantFrom(...METHODS),
  body: fc.uint8Array({ maxLength: 64 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
});

const grpcCase = fc.record({
  kind: fc.constant('grpc' as const),
  path: fc.constantFrom(...METHODS),
  encoding: fc.constantFrom(undefined, 'identity', 'gzip', 'deflate', 'br'),
  timeout: fc.constantFrom(undefined, '1S', '100m', '0n', 'x', '999999999H'),
  messages: fc.array(
    fc.record({
      flag: fc.constantFrom(0, 0, 1, 2, 255),
      lengthDelta: fc.constantFrom(0, 0, 0, 1, -1, 1_000_000),
      bytes: fc.uint8Array({ maxLength: 128 }),
    }),
    { maxLength: 3 },
  ),
  end: fc.boolean(),
});

const kafkaCase = fc.record({
  kind: fc.constant('kafka' as const),
  request: fc.integer({ min: 0, max: kafkaCorpus.length - 1 }),
  mutations: fc.array(mutation, { maxLength: 4 }),
  sizeLie: fc.constantFrom(0, 0, 0, 1, -1, -4, 2 ** 30),
});

export const fuzzCase = fc.oneof(h2RandomCase, h2MutatedCase, grpcCase, kafkaCase);
export type FuzzCase = ReturnType<typeof fuzzCase.generate>['value'];

export interface FuzzTarget {
  grpc: string;
  kafka: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hostPort(address: string): { host: string; port: number } {
  const separator = address.lastIndexOf(':');
  return {
    host: address.slice(0, separator).replace(/^\[|\]$/g, ''),
    port: Number(address.slice(separator + 1)),
  };
}

/** Writes `bytes` on a fresh TCP connection, lingers `ms` for the answer, then hangs up. */
async function sendRaw(address: string, bytes: Buffer, ms: number): Promise<void> {
  const socket = net.connect(hostPort(address));
  socket.on('error', () => {});
  socket.on('data', () => {});
  socket.write(bytes);
  await sleep(ms);
  socket.destroy();
}

async function runH2Random(target: FuzzTarget, c: Extract<FuzzCase, { kind: 'h2-random' }>) {
  const connection = await connectH2(target.grpc, c.preface);
  connection.write(
    ...c.frames.map((f) => h2Frame(f.type, f.flags, f.streamId, Buffer.from(f.payload))),
  );
  await Promise.race([connection.closed, sleep(50)]);
  connection.destroy();
}

async function runH2Mutated(target: FuzzTarget, c: Extract<FuzzCase, { kind: 'h2-mutated' }>) {
  const body = Buffer.concat([Buffer.from([0, 0, 0, 0, c.body.length]), Buffer.from(c.body)]);
  const frames = Buffer.concat([
    settingsFrame(),
    headersFrame(1, grpcRequestHeaders(c.path)),
    dataFrame(1, body, true),
  ]);
  await sendRaw(target.grpc, Buffer.concat([CLIENT_PREFACE, mutate(frames, c.mutations)]), 50);
}

function grpcMessage(m: Extract<FuzzCase, { kind: 'grpc' }>['messages'][number]): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = m.flag;
  prefix.writeUInt32BE(Math.max(0, m.bytes.length + m.lengthDelta), 1);
  return Buffer.concat([prefix, Buffer.from(m.bytes)]);
}

async function runGrpc(target: FuzzTarget, c: Extract<FuzzCase, { kind: 'grpc' }>) {
  const session = http2.connect(`http://${target.grpc}`);
  session.on('error', () => {});
  const headers: http2.OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': c.path,
    'content-type': 'application/grpc',
    te: 'trailers',
  };
  if (c.encoding !== undefined) headers['grpc-encoding'] = c.encoding;
  if (c.timeout !== undefined) headers['grpc-timeout'] = c.timeout;
  const stream = session.request(headers);
  stream.on('error', () => {});
  stream.resume();
  for (const message of c.messages) stream.write(grpcMessage(message));
  if (c.end) stream.end();
  await Promise.race([new Promise((resolve) => stream.once('close', resolve)), sleep(100)]);
  session.destroy();
}

async function runKafka(target: FuzzTarget, c: Extract<FuzzCase, { kind: 'kafka' }>) {
  const request = mutate(kafkaCorpus[c.request]!, c.mutations);
  const size = Buffer.alloc(4);
  size.writeInt32BE(Math.min(2 ** 31 - 1, Math.max(-(2 ** 31), request.length + c.sizeLie)));
  await sendRaw(target.kafka, Buffer.concat([size, request]), 50);
}

export function runCase(target: FuzzTarget, c: FuzzCase): Promise<void> {
  switch (c.kind) {
    case 'h2-random':
      return runH2Random(target, c);
    case 'h2-mutated':
      return runH2Mutated(target, c);
    case 'grpc':
      return runGrpc(target, c);
    case 'kafka':
      return runKafka(target, c);
  }
}

/** One health Check on a fresh connection: true when it answers SERVING within `ms`. */
export async function healthAnswers(address: string, ms = 3000): Promise<boolean> {
  const session = http2.connect(`http://${address}`);
  session.on('error', () => {});
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      const stream = session.request({
        ':method': 'POST',
        ':path': '/grpc.health.v1.Health/Check',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      stream.on('error', () => resolve(false));
      stream.on('trailers', (trailers) => {
        clearTimeout(timer);
        resolve(trailers['grpc-status'] === '0');
      });
      stream.resume();
      stream.end(Buffer.alloc(5));
    });
  } finally {
    session.destroy();
  }
}

/** One ApiVersions request: true when the broker answers with the same correlation id. */
export async function kafkaAnswers(address: string, ms = 3000): Promise<boolean> {
  const socket = net.connect(hostPort(address));
  socket.on('error', () => {});
  const size = Buffer.alloc(4);
  size.writeInt32BE(API_VERSIONS.length);
  socket.write(Buffer.concat([size, API_VERSIONS]));
  const correlationId = API_VERSIONS.readInt32BE(4);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      let got = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length >= 8) {
          clearTimeout(timer);
          resolve(got.readInt32BE(4) === correlationId);
        }
      });
      socket.on('close', () => resolve(false));
    });
  } finally {
    socket.destroy();
  }
}

export interface FuzzReport {
  cases: number;
  byKind: Record<string, number>;
  /** Batches after which the server failed to answer (health or Kafka): should stay 0. */
  unanswered: number;
}

/**
 * Runs seeded cases against `target` in batches of `parallel` until `durationMs` or `maxCases`,
 * checking after each batch that both listeners still answer. `onUnanswered` hears of the first
 * failing batch's seed and case numbers.
 */
export async function fuzzFor(
  target: FuzzTarget,
  {
    seed,
    durationMs,
    maxCases = 100_000,
    parallel = 8,
  }: { seed: number; durationMs: number; maxCases?: number; parallel?: number },
  onUnanswered: (firstCase: number, cases: FuzzCase[]) => void = () => {},
): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, byKind: {}, unanswered: 0 };
  const deadline = Date.now() + durationMs;
  let batchNumber = 0;
  while (Date.now() < deadline && report.cases < maxCases) {
    const batch = fc.sample(fuzzCase, { seed: seed + batchNumber++, numRuns: parallel });
    await Promise.all(batch.map((c) => runCase(target, c).catch(() => {})));
    for (const c of batch) report.byKind[c.kind] = (report.byKind[c.kind] ?? 0) + 1;
    report.cases += batch.length;
    if (!(await healthAnswers(target.grpc)) || !(await kafkaAnswers(target.kafka))) {
      report.unanswered++;
      onUnanswered(report.cases - batch.length, batch);
    }
  }
  return report;
}
