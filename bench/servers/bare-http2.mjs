// Benchmark server: bare node:http2 answering every request with fixed, pre-encoded gRPC
// responses — no decoding, no handler, no per-call objects: the ceiling of node:http2 itself (the
// h2load bench) and the floor of CPU per call any node:http2 server pays (the ghz bench).
//
// GetUser (and any other path, as h2load asks) gets one user; ListUsers gets ten users and
// StreamUserUpdates ten UserUpdateResponses, each written once the request has ended, in one
// write: the least a server can do for the ghz loads of bench/ghz.ts (gRPC over HTTP/2, §Responses).
import http2 from 'node:http2';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { announce, sampleUser } from './sample-user.mjs';

const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/user.proto', import.meta.url)));

/** `count` length-prefixed messages of `type`, uncompressed, as one buffer. */
function frames(type, value, count) {
  const body = Buffer.from(root.lookupType(type).encode(value).finish());
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return Buffer.concat(Array.from({ length: count }, () => frame));
}

const userFrame = frames('user.User', sampleUser, 1);
// Answers by :path, looked up once per stream; the default is GetUser's.
const answers = new Map([
  ['/user.UserService/ListUsers', frames('user.User', sampleUser, 10)],
  [
    '/user.UserService/StreamUserUpdates',
    frames('user.UserUpdateResponse', { userId: sampleUser.id, success: true }, 10),
  ],
]);

const server = http2.createServer();
server.on('stream', (stream, headers) => {
  const answer = answers.get(headers[':path']) ?? userFrame;
  stream.on('data', () => {});
  stream.on('end', () => {
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => announce(server.address().port));
process.on('SIGTERM', () => process.exit(0));
