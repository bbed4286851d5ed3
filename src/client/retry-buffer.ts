// The request messages a call keeps so that another attempt can replay them (gRFC A6 "Memory
// Management (Buffering)": a per-RPC limit and a channel-wide one; past either the call commits).

import type { CallHandle } from './call-handle.js';

/** grpc.per_rpc_retry_buffer_size: what one call may keep for replay. 256 KiB. */
export const DEFAULT_PER_RPC_RETRY_BUFFER_SIZE = 256 * 1024;
/** grpc.retry_buffer_size: what all the calls of a channel may keep together. 16 MiB. */
export const DEFAULT_RETRY_BUFFER_SIZE = 16 * 1024 * 1024;

/** The channel-wide budget every call's RetryBuffer draws from. */
export class RetryBufferPool {
  private inUse = 0;
  constructor(readonly capacity: number) {}

  /** Takes `bytes` from the budget; false, taking nothing, when they do not fit. */
  tryReserve(bytes: number): boolean {
    if (this.inUse + bytes > this.capacity) return false;
    this.inUse += bytes;
    return true;
  }

  release(bytes: number): void {
    this.inUse -= bytes;
  }

  /** Bytes held by calls now (for tests). */
  get bytesInUse(): number {
    return this.inUse;
  }
}

/**
 * One call's framed request messages, in order, and whether the request stream has ended. A
 * frame that does not fit (per call or channel-wide) is still kept, unaccounted, because the next
 * attempt needs it; `overflowed` then tells the call to commit, and `clear()` frees everything.
 */
export class RetryBuffer {
  /** Made on the first frame: a call that keeps nothing allocates no array. */
  private frames: Buffer[] | undefined;
  /** True once the caller half-closed the request stream. */
  ended = false;
  /** True once a frame did not fit: the call must commit (A6). */
  overflowed = false;
  private reserved = 0;

  constructor(
    private readonly pool: RetryBufferPool,
    private readonly perCallLimit: number,
  ) {}

  add(frame: Buffer): void {
    this.frames ??= [];
    this.frames.push(frame);
    if (this.overflowed) return;
    const bytes = frame.length;
    if (this.reserved + bytes > this.perCallLimit || !this.pool.tryReserve(bytes)) {
      this.overflowed = true;
      return;
    }
    this.reserved += bytes;
  }

  /** Frees the frames: the call committed to one attempt, or ended. */
  clear(): void {
    // Most calls end holding nothing: no pool call, no new array.
    if (this.frames === undefined || this.frames.length === 0) return;
    this.frames.length = 0;
    if (this.reserved === 0) return;
    this.pool.release(this.reserved);
    this.reserved = 0;
  }

  /** Gives a new attempt every buffered frame, and the end of the request if it came. */
  replayInto(attempt: Pick<CallHandle, 'write' | 'end'>): void {
    const frames = this.frames;
    if (frames === undefined || frames.length === 0) {
      if (this.ended) attempt.end();
      return;
    }
    if (this.ended && frames.length === 1) {
      // A unary or server-streaming request: one write with END_STREAM.
      attempt.end(frames[0]);
      return;
    }
    for (const frame of frames) attempt.write(frame);
    if (this.ended) attempt.end();
  }
}
