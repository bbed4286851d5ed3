// Benchmark client: @grpc/grpc-js calling GetUser with N in flight, messages by protobufjs.
// Usage: node grpc-js-unary.mjs PORT SECONDS INFLIGHT
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { closedLoop, loopArgs } from './load-loop.mjs';

const { port, seconds, inflight } = loopArgs();
const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/user.proto', import.meta.url)));
const User = root.lookupType('user.User');
const GetUserRequest = root.lookupType('user.GetUserRequest');
const Client = grpc.makeGenericClientConstructor(
  {
    GetUser: {
      path: '/user.UserService/GetUser',
      requestStream: false,
      responseStream: false,
      requestSerialize: (value) => Buffer.from(GetUserRequest.encode(value).finish()),
      responseDeserialize: (bytes) => User.decode(bytes),
    },
  },
  'UserService',
);
const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const request = { id: '3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b' };
const callOnce = () =>
  new Promise((resolve, reject) =>
    client.GetUser(request, (error, response) => (error ? reject(error) : resolve(response))),
  );
await closedLoop(callOnce, seconds, inflight);
client.close();
