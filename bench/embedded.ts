// Embedded-server benchmark: what a test pays to start a server, make its first call and close
// everything, in one process (docs/design.md "Who it is for": test authors) — handwire on TCP
// port 0, handwire in memory (transport/in-memory.ts), and @grpc/grpc-js on port 0 as the peer.
//
// Usage: npm run bench -- embedded [--cycles N]
// Each cycle builds a new server with a one-method service, listens, makes a channel and one unary
// call, then closes the channel and the server gracefully. The three kinds alternate, cycle by
// cycle, so a disturbance of the shared machine hits all of them; the table gives the medians.

import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { createChannel } from '../src/client/channel.js';
import { createClient } from '../src/client/client.js';
import { Server } from '../src/server/server.js';
import { method } from '../src/transport/service-definition.js';
import { GetUserRequestCodec, Role, type User, UserCodec } from '../src/wire/messages/user.js';

const USER: User = {
  id: 'c0ffee00-0000-4000-8000-000000000001',
  username: 'ada',
  email: 'ada@example.com',
  fullName: 'Ada Lovelace',
  role: Role.ROLE_ADMIN,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};

const GetUserService = {
  name: 'user.UserService',
  methods: {
    GetUser: method('user.UserService', 'GetUser', 'unary', GetUserRequestCodec, UserCodec),
  },
} as const;

/** Milliseconds of each phase of one cycle. */
interface Cycle {
  listen: number;
  call: number;
  close: number;
}

async function handwireCycle(inMemory: boolean): Promise<Cycle> {
  const t0 = performance.now();
  const server = new Server().addService(GetUserService, {
    GetUser: async (request) => ({ ...USER, id: request.id }),
  });
  const { address } = await server.listen(inMemory ? { inMemory: true } : { port: 0 });
  const t1 = performance.now();
  const channel = createChannel(address);
  const client = createClient(GetUserService, channel);
  await client.GetUser({ id: USER.id });
  const t2 = performance.now();
  channel.close();
  await server.close();
  const t3 = performance.now();
  return { listen: t1 - t0, call: t2 - t1, close: t3 - t2 };
}

/** grpc-js with protobufjs codecs, as @grpc/proto-loader gives them. */
function grpcJsDefinition(): grpc.ServiceDefinition {
  const root = protobuf.loadSync(fileURLToPath(new URL('../proto/user.proto', import.meta.url)));
  const request = root.lookupType('user.GetUserRequest');
  const user = root.lookupType('user.User');
  return {
    GetUser: {
      path: '/user.UserService/GetUser',
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: object) => Buffer.from(request.encode(value).finish()),
      requestDeserialize: (bytes: Buffer) => request.decode(bytes),
      responseSerialize: (value: object) => Buffer.from(user.encode(value).finish()),
      responseDeserialize: (bytes: Buffer) => user.decode(bytes),
    },
  };
}

async function grpcJsCycle(definition: grpc.ServiceDefinition): Promise<Cycle> {
  const t0 = performance.now();
  const server = new grpc.Server();
  server.addService(definition, {
    GetUser: (
      call: grpc.ServerUnaryCall<{ id: string }, object>,
      done: grpc.sendUnaryData<object>,
    ) => done(null, { ...USER, id: call.request.id }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const t1 = performance.now();
  const Client = grpc.makeGenericClientConstructor(definition, 'UserService');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  await new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      '/user.UserService/GetUser',
      definition.GetUser!.requestSerialize,
      definition.GetUser!.responseDeserialize,
      { id: USER.id },
      (error: unknown, reply: unknown) => (error ? reject(error) : resolve(reply)),
    ),
  );
  const t2 = performance.now();
  client.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  const t3 = performance.now();
  return { listen: t1 - t0, call: t2 - t1, close: t3 - t2 };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function main(args: string[]): Promise<void> {
  let cycles = 30;
  if (args[0] === '--cycles' && Number.isInteger(Number(args[1])) && Number(args[1]) >= 1) {
    cycles = Number(args[1]);
  } else if (args.length > 0) {
    throw new Error(`unknown or invalid option "${args.join(' ')}": use --cycles N (≥ 1)`);
  }
  const definition = grpcJsDefinition();
  const kinds: [string, () => Promise<Cycle>][] = [
    ['handwire, TCP port 0', () => handwireCycle(false)],
    ['handwire, in memory', () => handwireCycle(true)],
    ['@grpc/grpc-js, TCP port 0', () => grpcJsCycle(definition)],
  ];
  // One unmeasured cycle each: module loading and the JIT's first pass are not what a suite pays
  // per test.
  for (const [, run] of kinds) await run();
  const results = kinds.map((): Cycle[] => []);
  for (let i = 0; i < cycles; i++) {
    for (const [k, [, run]] of kinds.entries()) results[k]!.push(await run());
  }
  const totals = results.map((runs) => median(runs.map((c) => c.listen + c.call + c.close)));
  console.log(`Node ${process.version}, median of ${cycles} cycles each, alternating (ms):`);
  const rows = [['server', 'listen', 'first call', 'close', 'total', 'vs grpc-js']];
  for (const [k, [name]] of kinds.entries()) {
    const runs = results[k]!;
    rows.push([
      name,
      median(runs.map((c) => c.listen)).toFixed(2),
      median(runs.map((c) => c.call)).toFixed(2),
      median(runs.map((c) => c.close)).toFixed(2),
      totals[k]!.toFixed(2),
      `${(totals[2]! / totals[k]!).toFixed(2)}×`,
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    );
  }
  console.log('target: start → first call → close ≤ 5 ms (median)');
}
