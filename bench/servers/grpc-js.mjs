// Benchmark server: @grpc/grpc-js with the same handlers, messages by protobufjs from proto/user.proto
// (what @grpc/proto-loader does underneath).
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { announce, sampleUser } from './sample-user.mjs';

const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/user.proto', import.meta.url)));
const User = root.lookupType('user.User');
const GetUserRequest = root.lookupType('user.GetUserRequest');
const ListUsersRequest = root.lookupType('user.ListUsersRequest');
const codec = (type) => ({
  serialize: (value) => Buffer.from(type.encode(value).finish()),
  deserialize: (bytes) => type.decode(bytes),
});
const definition = {
  GetUser: {
    path: '/user.UserService/GetUser',
    requestStream: false,
    responseStream: false,
    requestSerialize: codec(GetUserRequest).serialize,
    requestDeserialize: codec(GetUserRequest).deserialize,
    responseSerialize: codec(User).serialize,
    responseDeserialize: codec(User).deserialize,
  },
  ListUsers: {
    path: '/user.UserService/ListUsers',
    requestStream: false,
    responseStream: true,
    requestSerialize: codec(ListUsersRequest).serialize,
    requestDeserialize: codec(ListUsersRequest).deserialize,
    responseSerialize: codec(User).serialize,
    responseDeserialize: codec(User).deserialize,
  },
};

const server = new grpc.Server();
server.addService(definition, {
  GetUser(call, callback) {
    callback(null, { ...sampleUser, id: call.request.id });
  },
  async ListUsers(call) {
    // The idiomatic grpc-js way: write, and wait for 'drain' when write() says the buffer is full.
    for (let i = 0; i < call.request.limit; i++) {
      if (!call.write(sampleUser)) await new Promise((resolve) => call.once('drain', resolve));
    }
    call.end();
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
