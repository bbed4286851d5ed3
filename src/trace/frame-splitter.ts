// Cuts one direction of an HTTP/2 connection into whole frames (RFC 9113 §4.1), whatever the TCP
// chunks were: bytes are held until a frame's 9-byte header and all of its payload are there.
// The client's direction starts with the connection preface (§3.4), reported on its own.

import { CLIENT_PREFACE, FRAME_HEADER_LENGTH } from './http2-frames.js';

export type SplitPiece = { kind: 'preface'; bytes: Buffer } | { kind: 'frame'; bytes: Buffer };

export class FrameSplitter {
  private held: Buffer = Buffer.alloc(0);
  private expectPreface: boolean;

  /** `fromClient`: this direction starts with the client connection preface. */
  constructor(fromClient: boolean) {
    this.expectPreface = fromClient;
  }

  /** Bytes held back because they are not a whole frame yet. */
  get pending(): number {
    return this.held.length;
  }

  /** Adds a chunk and returns every piece it completed, in order. */
  push(chunk: Buffer): SplitPiece[] {
    this.held = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const pieces: SplitPiece[] = [];
    if (this.expectPreface) {
      if (this.held.length < CLIENT_PREFACE.length) return pieces;
      const preface = this.held.subarray(0, CLIENT_PREFACE.length);
      if (!preface.equals(CLIENT_PREFACE))
        throw new Error(
          'the client did not start with the HTTP/2 connection preface (RFC 9113 §3.4)',
        );
      pieces.push({ kind: 'preface', bytes: Buffer.from(preface) });
      this.held = this.held.subarray(CLIENT_PREFACE.length);
      this.expectPreface = false;
    }
    while (this.held.length >= FRAME_HEADER_LENGTH) {
      const total = FRAME_HEADER_LENGTH + this.held.readUIntBE(0, 3);
      if (this.held.length < total) break;
      pieces.push({ kind: 'frame', bytes: Buffer.from(this.held.subarray(0, total)) });
      this.held = this.held.subarray(total);
    }
    return pieces;
  }
}
