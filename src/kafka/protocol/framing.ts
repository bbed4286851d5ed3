// Kafka's size-delimited framing: every request and response is an int32 byte count followed by
// that many bytes (kafka.apache.org/protocol "Protocol Primitive Types" / "Common Request and
// Response Structure"). The decoder cuts a TCP byte stream into frames, whatever the chunking.

import { KafkaProtocolError } from './errors.js';

/** Kafka's default socket.request.max.bytes: 100 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

const PREFIX_BYTES = 4;

/**
 * Turns chunks of a byte stream into whole frames (without their size prefix). The size is
 * checked as soon as its 4 bytes arrive, before anything is buffered for the frame: a negative
 * size or one above `maxFrameBytes` is a KafkaProtocolError (the connection must then be closed,
 * as Kafka does), never a 2 GiB allocation. A frame inside one chunk is a view of it (no copy).
 */
export class FrameDecoder {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Size of the frame being collected; -1 while its prefix is still incomplete. */
  private frameSize = -1;
  /** Stream offset of the next unconsumed byte, for error messages. */
  private streamOffset = 0;

  constructor(readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes received but not yet returned in a frame. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Adds a chunk; returns the frames it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    for (;;) {
      if (this.frameSize < 0) {
        if (this.pendingBytes < PREFIX_BYTES) break;
        const at = this.streamOffset;
        const size = this.take(PREFIX_BYTES).readInt32BE(0);
        if (size < 0) throw new KafkaProtocolError(`frame size ${size} is negative`, at);
        if (size > this.maxFrameBytes) {
          throw new KafkaProtocolError(
            `frame size ${size} exceeds the maximum of ${this.maxFrameBytes} bytes`,
            at,
          );
        }
        this.frameSize = size;
      }
      if (this.pendingBytes < this.frameSize) break;
      frames.push(this.take(this.frameSize));
      this.frameSize = -1;
    }
    return frames;
  }

  /** Removes the next `n` buffered bytes (all there): a view when one chunk holds them. */
  private take(n: number): Buffer {
    this.pendingBytes -= n;
    this.streamOffset += n;
    const first = this.pending[0];
    if (first === undefined) return Buffer.alloc(0);
    if (first.length >= n) {
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.pending[0]!;
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(used);
    }
    return out;
  }
}

/** The 4-byte size prefix followed by the frame's chunks (for socket.writev or cork/write). */
export function encodeFrame(chunks: readonly Buffer[]): Buffer[] {
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  if (size > 0x7fffffff) throw new KafkaProtocolError(`frame of ${size} bytes exceeds 2^31-1`, -1);
  const prefix = Buffer.allocUnsafe(PREFIX_BYTES);
  prefix.writeInt32BE(size, 0);
  return [prefix, ...chunks];
}
