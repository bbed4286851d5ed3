// Benchmark server: handwire (compiled, from dist/) serving user.UserService GetUser and ListUsers.
import { Server } from '../../dist/server/server.js';
import { method } from '../../dist/transport/service-definition.js';
import {
  GetUserRequestCodec,
  ListUsersRequestCodec,
  UserCodec,
} from '../../dist/wire/messages/user.js';
import { announce, sampleUser } from './sample-user.mjs';

const service = {
  name: 'user.UserService',
  methods: {
    GetUser: method('user.UserService', 'GetUser', 'unary', GetUserRequestCodec, UserCodec),
    ListUsers: method(
      'user.UserService',
      'ListUsers',
      'serverStreaming',
      ListUsersRequestCodec,
      UserCodec,
    ),
  },
};

const server = new Server();
server.addService(service, {
  GetUser: async (request) => ({ ...sampleUser, id: request.id }),
  async *ListUsers(request) {
    for (let i = 0; i < request.limit; i++) yield sampleUser;
  },
});
const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
announce(port);
process.on('SIGTERM', () => server.forceClose().then(() => process.exit(0)));
