// Benchmark server: bare node:http2 answering every request with one fixed, pre-encoded gRPC
// response — no decoding, no handler, no per-call objects: the ceiling of node:http2 itself.
import http2 from 'node:http2';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { announce, sampleUser } from './sample-user.mjs';

const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/user.proto', import.meta.url)));
const body = Buffer.from(root.lookupType('user.User').encode(sampleUser).finish());
const frame = Buffer.alloc(5 + body.length);
frame.writeUInt32BE(body.length, 1);
body.copy(frame, 5);

const server = http2.createServer();
server.on('stream', (stream) => {
  stream.on('data', () => {});
  stream.on('end', () => {
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame);
  });
});
server.listen(0, '127.0.0.1', () => announce(server.address().port));
process.on('SIGTERM', () => process.exit(0));
