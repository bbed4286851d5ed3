// gRPC Length-Prefixed-Message framing (grpc PROTOCOL-HTTP2.md, "Length-Prefixed-Message"):
//
//   Compressed-Flag (1 byte: 0 or 1) · Message-Length (4 bytes, big-endian) · Message
//
// HTTP/2 cuts a stream into DATA frames wherever it likes, so one message may arrive in many
// chunks and one chunk may carry many messages. FrameDecoder is the small state machine that turns
// chunks of any size back into whole messages.

import type { MessageCodec } from './codec.js';
import { WireError } from './wire-error.js';
import { beginMessage, endMessage } from './writer.js';

/** Bytes before each message: the flag and the length. */
export const FRAME_HEADER_BYTES = 5;

/** A message's declared length was over the receive limit; nothing of its body was buffered. */
export class MessageTooLargeError extends WireError {
  override readonly name: string = 'MessageTooLargeError';
  constructor(
    readonly length: number,
    readonly limit: number,
    offset: number,
  ) {
    super(`message of ${length} bytes is larger than the limit of ${limit} bytes`, offset);
  }
}

/**
 * Encodes one message with its 5-byte prefix into a single buffer, in one pass: the prefix is
 * filled in once the message is written and its length known (writer.ts, the slab).
 */
export function encodeFrame<T>(codec: MessageCodec<T>, message: T): Buffer {
  const writer = beginMessage();
  writer.room(FRAME_HEADER_BYTES);
  writer.pos += FRAME_HEADER_BYTES;
  codec.write(message, writer);
  // The writer may have moved to a larger buffer: the frame begins at its `start`.
  const frameAt = writer.start;
  writer.buf[frameAt] = 0;
  writer.buf.writeUInt32BE(writer.pos - frameAt - FRAME_HEADER_BYTES, frameAt + 1);
  return endMessage(writer);
}

/** Frames bytes that are already encoded (and perhaps compressed: then `compressed` is true). */
export function frameBytes(body: Uint8Array, compressed: boolean): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame[0] = compressed ? 1 : 0;
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}

/** Called once per whole message; `message` may be a view into the chunk it arrived in. */
export type OnFrame = (message: Buffer, compressed: boolean) => void;

export class FrameDecoder {
  /** The largest message body accepted, checked on the header before any body is buffered. */
  readonly maxMessageBytes: number;

  /** Header bytes seen so far of the frame being read (0 to 5). */
  private headerLength = 0;
  /** Holds a header split across chunks; allocated the first time one is (most never are). */
  private header: Buffer | undefined;
  /** Body of a message split across chunks, allocated once its length is known. */
  private body: Buffer | null = null;
  private bodyFilled = 0;
  private compressed = false;
  /** Bytes consumed over the decoder's life: the offset reported in errors. */
  private consumed = 0;

  constructor(maxMessageBytes: number) {
    // `undefined` or NaN would compare false against every length and silently lift the limit.
    if (!(maxMessageBytes >= 0)) {
      throw new RangeError(`maxMessageBytes ${maxMessageBytes} must be a number ≥ 0`);
    }
    this.maxMessageBytes = maxMessageBytes;
  }

  /** True when the bytes so far end in the middle of a frame (a truncated stream, at its end). */
  get partial(): boolean {
    return this.headerLength > 0 || this.body !== null;
  }

  /**
   * Feeds one chunk; calls `onFrame` for each message it completes. Throws MessageTooLargeError
   * for a message over the limit and WireError for a flag other than 0 or 1. After anything is
   * thrown (by the decoder or by `onFrame`) the rest of the chunk is unread and the framing is
   * lost: discard the decoder and end the stream, as PROTOCOL-HTTP2.md has a broken stream reset.
   */
  push(chunk: Buffer, onFrame: OnFrame): void {
    let pos = 0;
    const length = chunk.length;
    while (pos < length) {
      if (this.body !== null) {
        // Continue a body split across chunks.
        const take = Math.min(this.body.length - this.bodyFilled, length - pos);
        chunk.copy(this.body, this.bodyFilled, pos, pos + take);
        this.bodyFilled += take;
        pos += take;
        if (this.bodyFilled === this.body.length) {
          const body = this.body;
          this.body = null;
          this.consumed += body.length;
          onFrame(body, this.compressed);
        }
        continue;
      }
      if (this.headerLength === 0 && length - pos >= FRAME_HEADER_BYTES) {
        // Fast path: the whole header is in this chunk, and often the whole body too.
        const bodyLength = this.readHeader(chunk, pos);
        pos += FRAME_HEADER_BYTES;
        if (length - pos >= bodyLength) {
          const body = chunk.subarray(pos, pos + bodyLength);
          pos += bodyLength;
          this.consumed += bodyLength;
          onFrame(body, this.compressed);
        } else {
          this.startBody(bodyLength);
        }
        continue;
      }
      // Slow path: the header itself is split across chunks.
      const take = Math.min(FRAME_HEADER_BYTES - this.headerLength, length - pos);
      this.header ??= Buffer.allocUnsafe(FRAME_HEADER_BYTES);
      chunk.copy(this.header, this.headerLength, pos, pos + take);
      this.headerLength += take;
      pos += take;
      if (this.headerLength === FRAME_HEADER_BYTES) {
        this.headerLength = 0;
        const bodyLength = this.readHeader(this.header, 0);
        if (bodyLength === 0) onFrame(Buffer.alloc(0), this.compressed);
        else this.startBody(bodyLength);
      }
    }
  }

  /** Parses and checks a 5-byte header at `at`; returns the body length. */
  private readHeader(source: Buffer, at: number): number {
    const flag = source[at]!;
    if (flag > 1) {
      throw new WireError(
        `invalid compressed-flag ${flag} in a gRPC message prefix`,
        this.consumed,
      );
    }
    const bodyLength = source.readUInt32BE(at + 1);
    if (bodyLength > this.maxMessageBytes) {
      throw new MessageTooLargeError(bodyLength, this.maxMessageBytes, this.consumed);
    }
    this.compressed = flag === 1;
    this.consumed += FRAME_HEADER_BYTES;
    return bodyLength;
  }

  private startBody(bodyLength: number): void {
    this.body = Buffer.allocUnsafe(bodyLength);
    this.bodyFilled = 0;
  }
}
