// Benchmark server: the least a gRPC server does for a unary call (grpc PROTOCOL-HTTP2.md
// "Requests", "Responses"), with handwire's own codecs: check the content-type, find the method
// by its path, reassemble the Length-Prefixed-Message, decode it, run an async handler, encode the
// answer, send the response headers, the message and the trailers, and notice a stream the client
// closed first. Nothing else: no deadlines, metadata, compression, interceptors, keepalive or
// connection guard, and refusals are bare Trailers-Only answers.
//
// It is not a server to use. It answers one question for the server bench: how close to the bare
// node:http2 ceiling can any server get that does a gRPC call's necessary work in JavaScript?
// Its figure is the most the core `Server` (bench/servers/handwire.mjs), which does all of the
// above and more, can hope for.
//
// With `--access-log` it also does what `handwire serve` adds for its access log: a request id
// (the client's x-request-id or a fresh UUID) in the response headers, and one pino line per call
// with serve's fields, through handwire's logger (createStderrLogger), written to /dev/null as the
// bench's serve writes to an ignored stderr: the most `handwire serve` can hope for.
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { createStderrLogger } from '../../dist/services/interceptors/logging.js';
import { encodeFrame } from '../../dist/wire/framing.js';
import { GetUserRequestCodec, UserCodec } from '../../dist/wire/messages/user.js';
import { Reader } from '../../dist/wire/reader.js';
import { announce, sampleUser } from './sample-user.mjs';

const accessLog = process.argv.includes('--access-log');
const logger = accessLog ? createStderrLogger({}, '/dev/null') : undefined;

/** path → the method: its codecs and its handler (async, as every handwire handler may be). */
const methods = new Map([
  [
    '/user.UserService/GetUser',
    {
      requestCodec: GetUserRequestCodec,
      responseCodec: UserCodec,
      handler: async (request) => ({ ...sampleUser, id: request.id }),
    },
  ],
]);

const GRPC = 'application/grpc';
const OK_TRAILERS = { 'grpc-status': '0' };
const RESPOND_THEN_TRAILERS = { waitForTrailers: true };

/** A Trailers-Only answer: one HEADERS frame with the status and END_STREAM. */
function refuse(stream, status, message) {
  stream.respond(
    {
      ':status': 200,
      'content-type': GRPC,
      'grpc-status': String(status),
      'grpc-message': message,
    },
    { endStream: true },
  );
}

/** One call's state, kept on its stream so the listeners below are shared, not per call. */
class Call {
  constructor(method, path, peer, requestId) {
    this.method = method;
    this.path = path;
    this.peer = peer;
    this.requestId = requestId;
    this.startedAt = accessLog ? performance.now() : 0;
    /** The request bytes so far (usually one DATA frame: one chunk). */
    this.received = undefined;
    /** Set once the answer is written or the client closed the stream. */
    this.over = false;
  }
}

function onData(chunk) {
  const call = this.call;
  call.received = call.received === undefined ? chunk : Buffer.concat([call.received, chunk]);
}

function onEnd() {
  const call = this.call;
  const bytes = call.received;
  // One uncompressed Length-Prefixed-Message: flag 0, a 4-byte length, that many bytes.
  if (bytes === undefined || bytes.length < 5 || bytes[0] !== 0) {
    refuse(this, 13, 'expected one uncompressed request message');
    return;
  }
  if (bytes.readUInt32BE(1) !== bytes.length - 5) {
    refuse(this, 13, 'the request message is not one whole Length-Prefixed-Message');
    return;
  }
  let request;
  try {
    request = call.method.requestCodec.read(new Reader(bytes.subarray(5)));
  } catch {
    refuse(this, 13, 'the request message could not be decoded');
    return;
  }
  call.method.handler(request).then((response) => answer(this, call, response));
}

function answer(stream, call, response) {
  if (call.over) return;
  call.over = true;
  const frame = encodeFrame(call.method.responseCodec, response);
  const headers = { ':status': 200, 'content-type': GRPC, 'grpc-accept-encoding': 'identity' };
  if (accessLog) headers['x-request-id'] = call.requestId;
  stream.respond(headers, RESPOND_THEN_TRAILERS);
  stream.end(frame);
  if (accessLog) {
    logger.info(
      {
        method: call.path,
        code: 'OK',
        code_number: 0,
        duration_ms: Math.round((performance.now() - call.startedAt) * 1000) / 1000,
        peer: call.peer,
        request_id: call.requestId,
        error: undefined,
      },
      'call finished',
    );
  }
}

function onWantTrailers() {
  this.sendTrailers(OK_TRAILERS);
}

/** The client reset the stream or the connection went: a handler still running is not answered. */
function onClose() {
  this.call.over = true;
}

function ignoreError() {}

/** "address:port" of a session's client, worked out once per connection. */
const peers = new WeakMap();
function peerOf(session) {
  let peer = peers.get(session);
  if (peer === undefined) {
    peer = `${session.socket.remoteAddress}:${session.socket.remotePort}`;
    peers.set(session, peer);
  }
  return peer;
}

const server = http2.createServer();
server.on('stream', (stream, headers) => {
  stream.on('error', ignoreError);
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !contentType.startsWith(GRPC)) {
    stream.respond({ ':status': 415 }, { endStream: true });
    return;
  }
  const path = headers[':path'];
  const method = methods.get(path);
  if (method === undefined) {
    refuse(stream, 12, `unknown method ${path}`);
    return;
  }
  let requestId;
  if (accessLog) {
    const received = headers['x-request-id'];
    requestId = typeof received === 'string' && received.length > 0 ? received : randomUUID();
  }
  stream.call = new Call(method, path, peerOf(stream.session), requestId);
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('wantTrailers', onWantTrailers);
  stream.on('close', onClose);
});
server.listen(0, '127.0.0.1', () => announce(server.address().port));
process.on('SIGTERM', () => process.exit(0));
