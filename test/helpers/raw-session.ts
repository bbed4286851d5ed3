// Long-lived raw node:http2 sessions for tests that watch the connection itself (GOAWAY, PING,
// flow control) rather than one request: open calls on them, frame Echo requests, bound waits.

import http2 from 'node:http2';
import net from 'node:net';
import type { Test } from 'tap';
import { decodeMessage } from '../../src/wire/codec.js';
import { encodeFrame, FrameDecoder } from '../../src/wire/framing.js';
import {
  type EchoRequest,
  EchoRequestCodec,
  type EchoResponse,
  EchoResponseCodec,
} from '../fixtures/echo-codecs.js';

/** Rejects with `what` unless `promise` settles within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first `event` of `emitter`, as an array of its arguments, within `ms`. */
export function nextEvent(
  emitter: NodeJS.EventEmitter,
  event: string,
  ms: number,
): Promise<unknown[]> {
  return within(
    new Promise((resolve) => emitter.once(event, (...args: unknown[]) => resolve(args))),
    ms,
    `waiting for '${event}'`,
  );
}

/** A GOAWAY frame as a client session saw it. */
export interface SeenGoaway {
  errorCode: number;
  lastStreamID: number;
  opaqueData: string;
  /** Milliseconds since the session was opened. */
  atMs: number;
}

export interface RawSession {
  session: http2.ClientHttp2Session;
  /** Every GOAWAY received, in order. */
  goaways: SeenGoaway[];
  /** Resolves once the session has closed (for whatever reason). */
  closed: Promise<void>;
  /** Milliseconds since the session was opened. */
  elapsed(): number;
}

/** Connects a raw HTTP/2 client, records its GOAWAYs, and destroys it when the test ends. */
export async function connectRaw(
  t: Test,
  address: string,
  options: http2.SecureClientSessionOptions = {},
  scheme = 'http',
): Promise<RawSession> {
  const started = Date.now();
  const session = http2.connect(`${scheme}://${address}`, options);
  const goaways: SeenGoaway[] = [];
  session.on('goaway', (errorCode: number, lastStreamID: number, opaqueData?: Buffer) => {
    goaways.push({
      errorCode,
      lastStreamID,
      opaqueData: opaqueData?.toString() ?? '',
      atMs: Date.now() - started,
    });
  });
  // A GOAWAY with an error code makes Node destroy the session with an error: expected here.
  session.on('error', () => {});
  const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
  t.teardown(() => {
    if (!session.destroyed) session.destroy();
  });
  await nextEvent(session, 'connect', 5000);
  return { session, goaways, closed, elapsed: () => Date.now() - started };
}

/** One Echo request framed with its 5-byte prefix, encoded by handwire's own codec. */
export function echoFrame(fields: Partial<EchoRequest>): Buffer {
  return encodeFrame(EchoRequestCodec, { ...EchoRequestCodec.create(), ...fields });
}

/** Opens a gRPC call on `session` with the headers PROTOCOL-HTTP2.md requires. */
export function openCall(
  session: http2.ClientHttp2Session,
  method: string,
  headers: http2.OutgoingHttpHeaders = {},
): http2.ClientHttp2Stream {
  const stream = session.request({
    ':method': 'POST',
    ':path': `/handwire.test.Echo/${method}`,
    'content-type': 'application/grpc',
    te: 'trailers',
    ...headers,
  });
  stream.on('error', () => {});
  return stream;
}

/** A finished call as seen on the wire. */
export interface CallResult {
  responses: EchoResponse[];
  trailers: http2.IncomingHttpHeaders;
  /** grpc-status from the trailers (or the Trailers-Only headers); undefined if none came. */
  status: string | undefined;
}

/** Collects a call's responses and status until its stream closes, within `ms`. */
export function collectCall(stream: http2.ClientHttp2Stream, ms = 5000): Promise<CallResult> {
  const responses: EchoResponse[] = [];
  let trailers: http2.IncomingHttpHeaders = {};
  const decoder = new FrameDecoder(64 * 1024 * 1024);
  stream.on('response', (headers) => {
    if (headers['grpc-status'] !== undefined) trailers = headers;
  });
  stream.on('trailers', (value) => {
    trailers = value;
  });
  stream.on('data', (chunk: Buffer) =>
    decoder.push(chunk, (body) => responses.push(decodeMessage(EchoResponseCodec, body))),
  );
  const done = new Promise<CallResult>((resolve) =>
    stream.once('close', () =>
      resolve({ responses, trailers, status: trailers['grpc-status'] as string | undefined }),
    ),
  );
  return within(done, ms, 'the call to close');
}

/** HTTP/2 frame types used by the hand-made connection (RFC 9113 §6). */
const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const GOAWAY = 0x7;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** One HTTP/2 frame: 9-byte header (length, type, flags, stream id) and payload (RFC 9113 §4.1). */
function http2Frame(type: number, flags: number, streamId: number, payload?: Buffer): Buffer {
  payload ??= Buffer.alloc(0);
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** A header block of "literal without indexing, new name" fields, no Huffman (RFC 7541 §6.2.2). */
function headerBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    // Every length here is under 127, so each fits the 7-bit prefix in one byte.
    parts.push(Buffer.from([0, name.length]), Buffer.from(name), Buffer.from([value.length]));
    parts.push(Buffer.from(value));
  }
  return Buffer.concat(parts);
}

/**
 * A TCP connection that speaks HTTP/2 by hand: it sends what it is told and nothing else — no
 * PING ack, no SETTINGS ack, no WINDOW_UPDATE — and records the type and flags of every frame the
 * server sends. `preface: false` sends not even the client preface.
 */
export async function connectByHand(t: Test, address: string, preface: boolean) {
  const [host, port] = address.split(':') as [string, string];
  const socket = net.connect(Number(port), host);
  t.teardown(() => socket.destroy());
  socket.on('error', () => {});
  const frames: { type: number; flags: number; streamId: number }[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      frames.push({ type: pending[3]!, flags: pending[4]!, streamId: pending.readUInt32BE(5) });
      pending = pending.subarray(9 + length);
    }
  });
  let closedAt: number | undefined;
  const started = Date.now();
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedAt = Date.now() - started;
      resolve();
    }),
  );
  await nextEvent(socket, 'connect', 5000);
  // The client preface and an empty SETTINGS frame complete the client's half of the handshake.
  if (preface) socket.write(Buffer.concat([CLIENT_PREFACE, http2Frame(SETTINGS, 0, 0)]));
  const requestHeaders = (path: string): Buffer =>
    headerBlock({
      ':method': 'POST',
      ':scheme': 'http',
      ':path': path,
      ':authority': address,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
  return {
    socket,
    frames,
    closed,
    /** Milliseconds from connect to close; undefined while open. */
    closedAfter: () => closedAt,
    /** Sends a whole Echo call on stream `streamId`: HEADERS, then one DATA with END_STREAM. */
    call(streamId: number, method: string, request: Partial<EchoRequest>): void {
      socket.write(
        Buffer.concat([
          http2Frame(
            HEADERS,
            END_HEADERS,
            streamId,
            requestHeaders(`/handwire.test.Echo/${method}`),
          ),
          http2Frame(DATA, END_STREAM, streamId, echoFrame(request)),
        ]),
      );
    },
    /** Opens stream `streamId` to `path` with HEADERS only: the client has not half-closed it. */
    open(streamId: number, path: string): void {
      socket.write(http2Frame(HEADERS, END_HEADERS, streamId, requestHeaders(path)));
    },
    /** RST_STREAM with `errorCode` (RFC 9113 §6.4). */
    reset(streamId: number, errorCode: number): void {
      const payload = Buffer.alloc(4);
      payload.writeUInt32BE(errorCode, 0);
      socket.write(http2Frame(RST_STREAM, 0, streamId, payload));
    },
    /** GOAWAY naming `lastStreamId` with NO_ERROR (RFC 9113 §6.8). */
    goaway(lastStreamId: number): void {
      const payload = Buffer.alloc(8);
      payload.writeUInt32BE(lastStreamId, 0);
      socket.write(http2Frame(GOAWAY, 0, 0, payload));
    },
  };
}
