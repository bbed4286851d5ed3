// HTTP/2 frames written by hand (RFC 9113 §4.1 frame layout, §6 frame definitions) and a minimal
// HPACK encoder (RFC 7541 §6.2.2 "Literal Header Field without Indexing — New Name", no Huffman),
// for tests that must send what no well-behaved client would: floods, resets, broken header blocks.

import net from 'node:net';

/** The client connection preface (RFC 9113 §3.4). */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Frame types (RFC 9113 §6). */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

/** Frame flags (RFC 9113 §6). */
export const Flag = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8 } as const;

/** A 9-byte frame header followed by `payload` (RFC 9113 §4.1). */
export function h2Frame(
  type: number,
  flags: number,
  streamId: number,
  payload: Uint8Array = Buffer.alloc(0),
) {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

/** SETTINGS with the given (identifier, value) pairs (RFC 9113 §6.5.1). */
export function settingsFrame(pairs: [number, number][] = [], ack = false): Buffer {
  const payload = Buffer.alloc(pairs.length * 6);
  pairs.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return h2Frame(FrameType.SETTINGS, ack ? Flag.ACK : 0, 0, payload);
}

export function pingFrame(data = Buffer.alloc(8), ack = false): Buffer {
  return h2Frame(FrameType.PING, ack ? Flag.ACK : 0, 0, data);
}

export function rstStreamFrame(streamId: number, errorCode = 0x8 /* CANCEL */): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(errorCode);
  return h2Frame(FrameType.RST_STREAM, 0, streamId, payload);
}

export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment);
  return h2Frame(FrameType.WINDOW_UPDATE, 0, streamId, payload);
}

export function goawayFrame(lastStreamId: number, errorCode = 0): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId);
  payload.writeUInt32BE(errorCode, 4);
  return h2Frame(FrameType.GOAWAY, 0, 0, payload);
}

export function dataFrame(streamId: number, data: Uint8Array, endStream = false): Buffer {
  return h2Frame(FrameType.DATA, endStream ? Flag.END_STREAM : 0, streamId, data);
}

/** An HPACK integer with an N-bit prefix (RFC 7541 §5.1). */
function hpackInteger(value: number, prefixBits: number, firstByteFlags: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([firstByteFlags | value]);
  const bytes = [firstByteFlags | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  return Buffer.concat([hpackInteger(bytes.length, 7, 0x00), bytes]);
}

/** A header block of literals without indexing, new names, no Huffman (RFC 7541 §6.2.2). */
export function hpackBlock(headers: [string, string][]): Buffer {
  return Buffer.concat(
    headers.flatMap(([name, value]) => [
      Buffer.from([0x00]),
      hpackString(name),
      hpackString(value),
    ]),
  );
}

/** The headers of a gRPC request to `path` (grpc PROTOCOL-HTTP2.md "Requests"). */
export function grpcRequestHeaders(path: string, extra: [string, string][] = []): Buffer {
  return hpackBlock([
    [':method', 'POST'],
    [':scheme', 'http'],
    [':path', path],
    [':authority', 'localhost'],
    ['content-type', 'application/grpc'],
    ['te', 'trailers'],
    ...extra,
  ]);
}

export function headersFrame(
  streamId: number,
  block: Uint8Array,
  flags: number = Flag.END_HEADERS,
): Buffer {
  return h2Frame(FrameType.HEADERS, flags, streamId, block);
}

export function continuationFrame(streamId: number, block: Uint8Array, endHeaders = false): Buffer {
  return h2Frame(FrameType.CONTINUATION, endHeaders ? Flag.END_HEADERS : 0, streamId, block);
}

/** A frame as the raw client read it back from the server. */
export interface ReadFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** A TCP connection speaking HTTP/2 frame by frame: what it writes goes out unchecked. */
export interface RawH2Connection {
  socket: net.Socket;
  /** Every frame the server sent so far, in order. */
  frames: ReadFrame[];
  /** The GOAWAY's error code once one came (RFC 9113 §7), else undefined. */
  goawayCode(): number | undefined;
  /** Resolves once the server closed the connection (or it failed). */
  closed: Promise<void>;
  write(...frames: Buffer[]): boolean;
  destroy(): void;
}

/**
 * Connects to `host:port`, sends the preface and an empty SETTINGS unless `preface` is false, and
 * parses what comes back. It ACKs nothing by itself: a test decides what a client would answer.
 */
export async function connectH2(address: string, preface = true): Promise<RawH2Connection> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(separator + 1));
  const socket = net.connect({ host, port });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const frames: ReadFrame[] = [];
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      frames.push({
        type: pending[3]!,
        flags: pending[4]!,
        streamId: pending.readUInt32BE(5) & 0x7fffffff,
        payload: pending.subarray(9, 9 + length),
      });
      pending = pending.subarray(9 + length);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  if (preface) socket.write(Buffer.concat([CLIENT_PREFACE, settingsFrame()]));
  return {
    socket,
    frames,
    closed,
    goawayCode() {
      const goaway = frames.find((frame) => frame.type === FrameType.GOAWAY);
      return goaway === undefined ? undefined : goaway.payload.readUInt32BE(4);
    },
    write: (...out) => (socket.destroyed ? false : socket.write(Buffer.concat(out))),
    destroy: () => socket.destroy(),
  };
}

/** HTTP/2 error codes the tests look for (RFC 9113 §7). */
export const H2Error = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  ENHANCE_YOUR_CALM: 0xb,
} as const;
