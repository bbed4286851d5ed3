// Benchmark client: @grpc/grpc-js receives one ListUsers stream of N users and reports messages/s
// and the CPU time it spent (user + system, µs). Usage: node grpc-js-stream.mjs PORT N
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

const [port, count] = process.argv.slice(2).map(Number);
const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/user.proto', import.meta.url)));
const User = root.lookupType('user.User');
const ListUsersRequest = root.lookupType('user.ListUsersRequest');
const Client = grpc.makeGenericClientConstructor(
  {
    ListUsers: {
      path: '/user.UserService/ListUsers',
      requestStream: false,
      responseStream: true,
      requestSerialize: (value) => Buffer.from(ListUsersRequest.encode(value).finish()),
      responseDeserialize: (bytes) => User.decode(bytes),
    },
  },
  'UserService',
);
const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
  'grpc.max_receive_message_length': -1,
});
const started = process.hrtime.bigint();
const cpuAtStart = process.cpuUsage();
let received = 0;
const call = client.ListUsers({ limit: count });
call.on('data', () => {
  received++;
});
call.on('error', (error) => {
  console.error(error.message);
  process.exit(1);
});
call.on('end', () => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMicros = cpu.user + cpu.system;
  process.stdout.write(`RESULT ${JSON.stringify({ received, seconds, cpuMicros })}\n`);
  client.close();
});
