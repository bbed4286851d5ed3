// Benchmark server: @grpc/grpc-js serving user.UserService's GetUser, ListUsers and
// StreamUserUpdates on an in-memory map of the --demo users, the peer `npm run bench -- ghz` sets
// against `handwire serve --demo` (same ids, same answers; messages by protobufjs from
// proto/user.proto, as @grpc/proto-loader does underneath). Prints `PORT n` once listening.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { demoUserId } from '../../dist/cli/demo-data.js';
import { announce } from './sample-user.mjs';

const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/user.proto', import.meta.url)));
const type = (name) => root.lookupType(`user.${name}`);
const method = (name, requestType, responseType, requestStream, responseStream) => ({
  path: `/user.UserService/${name}`,
  requestStream,
  responseStream,
  requestSerialize: (value) => Buffer.from(type(requestType).encode(value).finish()),
  requestDeserialize: (bytes) => type(requestType).decode(bytes),
  responseSerialize: (value) => Buffer.from(type(responseType).encode(value).finish()),
  responseDeserialize: (bytes) => type(responseType).decode(bytes),
});
const definition = {
  GetUser: method('GetUser', 'GetUserRequest', 'User', false, false),
  ListUsers: method('ListUsers', 'ListUsersRequest', 'User', false, true),
  StreamUserUpdates: method(
    'StreamUserUpdates',
    'UserUpdateRequest',
    'UserUpdateResponse',
    true,
    true,
  ),
};

// The --demo users: the same ids, names and roles as src/cli/demo-data.ts seeds.
const ROLES = [1, 1, 3, 2];
const users = new Map();
for (let i = 0; i < 1000; i++) {
  const name = `demo${String(i).padStart(4, '0')}`;
  const now = Date.now();
  users.set(demoUserId(i), {
    id: demoUserId(i),
    username: name,
    email: `${name}@example.com`,
    fullName: `Demo User ${i}`,
    role: ROLES[i % ROLES.length],
    createdAt: now,
    updatedAt: now,
  });
}
const UPDATABLE = { username: 'username', email: 'email', full_name: 'fullName' };

const server = new grpc.Server();
server.addService(definition, {
  GetUser(call, callback) {
    const user = users.get(call.request.id);
    if (user === undefined) callback({ code: grpc.status.NOT_FOUND, details: 'no such user' });
    else callback(null, user);
  },
  async ListUsers(call) {
    const limit = call.request.limit || users.size;
    let sent = 0;
    for (const user of users.values()) {
      if (sent++ === limit) break;
      if (!call.write(user)) await new Promise((resolve) => call.once('drain', resolve));
    }
    call.end();
  },
  StreamUserUpdates(call) {
    call.on('data', (update) => {
      const user = users.get(update.userId);
      const field = UPDATABLE[update.field];
      if (user === undefined || field === undefined) {
        call.write({ userId: update.userId, success: false, message: 'no such user or field' });
        return;
      }
      user[field] = update.value;
      user.updatedAt = Date.now();
      call.write({ userId: update.userId, success: true, message: '' });
    });
    call.on('end', () => call.end());
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  announce(port);
});
process.on('SIGTERM', () => {
  server.forceShutdown();
  process.exit(0);
});
