// Benchmark client: the handwire client (compiled, from dist/) receives one ListUsers stream of
// N users and reports messages/s and the CPU time it spent (user + system, µs), like
// grpc-js-stream.mjs. Usage: node handwire-stream.mjs PORT N
import { createChannel } from '../../dist/client/channel.js';
import { createClient } from '../../dist/client/client.js';
import { method } from '../../dist/transport/service-definition.js';
import { ListUsersRequestCodec, UserCodec } from '../../dist/wire/messages/user.js';

const [port, count] = process.argv.slice(2).map(Number);
const service = {
  name: 'user.UserService',
  methods: {
    ListUsers: method(
      'user.UserService',
      'ListUsers',
      'serverStreaming',
      ListUsersRequestCodec,
      UserCodec,
    ),
  },
};
const channel = createChannel(`127.0.0.1:${port}`, { maxReceiveMessageLength: 1 << 30 });
const client = createClient(service, channel);
const started = process.hrtime.bigint();
const cpuAtStart = process.cpuUsage();
let received = 0;
for await (const _ of client.ListUsers({ roleFilter: '', limit: count })) received++;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuAtStart);
const cpuMicros = cpu.user + cpu.system;
process.stdout.write(`RESULT ${JSON.stringify({ received, seconds, cpuMicros })}\n`);
channel.close();
