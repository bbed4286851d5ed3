// Benchmark server: bare node:http2 answering every request with fixed, pre-encoded gRPC
// responses — no handler, no per-call objects: the ceiling of node:http2 itself (the h2load and
// streaming benches) and the floor of CPU per call any node:http2 server pays (the ghz bench).
//
// GetUser (and any other path, as h2load asks) gets one user; StreamUserUpdates ten
// UserUpdateResponses, in one write once the request has ended: the least a server can do for the
// ghz loads of bench/ghz.ts (gRPC over HTTP/2, §Responses). ListUsers is the one request it
// decodes, for its `limit`: that many users, written in chunks of up to CHUNK_USERS pre-encoded
// messages as fast as the stream's flow control lets it — what the streaming bench compares the
// servers with, so it shows how far the client, not the server, sets the pace.
import http2 from 'node:http2';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { announce, sampleUser } from './sample-user.mjs';

const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/user.proto', import.meta.url)));
const ListUsersRequest = root.lookupType('user.ListUsersRequest');

/** `count` length-prefixed messages of `type`, uncompressed, as one buffer. */
function frames(type, value, count) {
  const body = Buffer.from(root.lookupType(type).encode(value).finish());
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return Buffer.concat(Array.from({ length: count }, () => frame));
}

const userFrame = frames('user.User', sampleUser, 1);
const CHUNK_USERS = 1000;
const userChunk = frames('user.User', sampleUser, CHUNK_USERS);
const updatesFrames = frames(
  'user.UserUpdateResponse',
  { userId: sampleUser.id, success: true },
  10,
);

/** Writes `count` user messages, a chunk at a time, waiting for 'drain' when Node asks to. */
function writeUsers(stream, count) {
  while (count > 0 && !stream.destroyed) {
    const users = Math.min(count, CHUNK_USERS);
    count -= users;
    const chunk =
      users === CHUNK_USERS ? userChunk : userChunk.subarray(0, users * userFrame.length);
    if (count === 0) {
      stream.end(chunk);
      return;
    }
    if (!stream.write(chunk)) {
      stream.once('drain', () => writeUsers(stream, count));
      return;
    }
  }
}

function respond(stream) {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
}

const server = http2.createServer();
server.on('stream', (stream, headers) => {
  const path = headers[':path'];
  if (path === '/user.UserService/ListUsers') {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const { limit } = ListUsersRequest.decode(Buffer.concat(chunks).subarray(5));
      respond(stream);
      // limit 0 means no limit in the contract; ten stands in for it here.
      writeUsers(stream, limit || 10);
    });
    return;
  }
  const answer = path === '/user.UserService/StreamUserUpdates' ? updatesFrames : userFrame;
  stream.on('data', () => {});
  stream.on('end', () => {
    respond(stream);
    stream.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => announce(server.address().port));
process.on('SIGTERM', () => process.exit(0));
