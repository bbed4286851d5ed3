// Benchmark client: the handwire client (compiled, from dist/) calling GetUser with N in flight.
// Usage: node handwire-unary.mjs PORT SECONDS INFLIGHT
import { createChannel } from '../../dist/client/channel.js';
import { createClient } from '../../dist/client/client.js';
import { method } from '../../dist/transport/service-definition.js';
import { GetUserRequestCodec, UserCodec } from '../../dist/wire/messages/user.js';
import { closedLoop, loopArgs } from './load-loop.mjs';

const { port, seconds, inflight } = loopArgs();
const service = {
  name: 'user.UserService',
  methods: {
    GetUser: method('user.UserService', 'GetUser', 'unary', GetUserRequestCodec, UserCodec),
  },
};
const channel = createChannel(`127.0.0.1:${port}`);
const client = createClient(service, channel);
const request = { id: '3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b' };
await closedLoop(() => client.GetUser(request), seconds, inflight);
channel.close();
