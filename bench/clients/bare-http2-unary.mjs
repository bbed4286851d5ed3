// Benchmark client: bare node:http2 posting the same framed GetUser bytes, with no gRPC library:
// the ceiling a Node gRPC client can approach. Reads the body and the grpc-status trailer only.
// Usage: node bare-http2-unary.mjs PORT SECONDS INFLIGHT
import http2 from 'node:http2';
import { closedLoop, loopArgs } from './load-loop.mjs';

const { port, seconds, inflight } = loopArgs();
// GetUserRequest{id: "3f2b…"}: field 1, length 36, the uuid; after the 5-byte gRPC prefix.
const id = Buffer.from('3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b');
const message = Buffer.concat([Buffer.from([0x0a, id.length]), id]);
const frame = Buffer.alloc(5 + message.length);
frame.writeUInt32BE(message.length, 1);
message.copy(frame, 5);
const session = http2.connect(`http://127.0.0.1:${port}`);
const headers = {
  ':method': 'POST',
  ':path': '/user.UserService/GetUser',
  'content-type': 'application/grpc',
  te: 'trailers',
};
const callOnce = () =>
  new Promise((resolve, reject) => {
    const stream = session.request(headers);
    const chunks = [];
    let status;
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('trailers', (trailers) => {
      status = trailers['grpc-status'];
    });
    stream.on('error', reject);
    stream.on('close', () =>
      status === '0' ? resolve(Buffer.concat(chunks)) : reject(new Error(`grpc-status ${status}`)),
    );
    stream.end(frame);
  });
await closedLoop(callOnce, seconds, inflight);
session.close();
