// The responses of a server-streaming or bidi call as an AsyncIterable, with backpressure: past a
// few buffered messages the HTTP/2 stream is paused, so flow control stops the server
// (grpc PROTOCOL-HTTP2.md relies on HTTP/2 flow control; docs/design.md "Backpressure is real").

import { GrpcError } from '../transport/grpc-error.js';
import { Status } from '../transport/status.js';
import type { PausableCall, ResponseSink } from './call-handle.js';

/** Messages buffered before reading pauses, and the level at which it resumes. */
const HIGH_WATER_MARK = 32;
const LOW_WATER_MARK = 8;

export class ResponseStream<Res> implements ResponseSink<Res>, AsyncIterableIterator<Res> {
  call: PausableCall | undefined;
  private buffer: Res[] = [];
  private head = 0;
  private paused = false;
  private ended = false;
  private error: GrpcError | undefined;
  private waiting:
    | { resolve: (result: IteratorResult<Res>) => void; reject: (error: unknown) => void }
    | undefined;

  onMessage(message: Res): void {
    const waiting = this.waiting;
    if (waiting !== undefined) {
      this.waiting = undefined;
      waiting.resolve({ value: message, done: false });
      return;
    }
    this.buffer.push(message);
    if (!this.paused && this.buffer.length - this.head >= HIGH_WATER_MARK) {
      this.paused = true;
      this.call?.pause();
    }
  }

  onEnd(error: GrpcError | undefined): void {
    this.ended = true;
    this.error = error;
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    if (error === undefined) waiting.resolve({ value: undefined, done: true });
    else {
      this.error = undefined;
      waiting.reject(error);
    }
  }

  next(): Promise<IteratorResult<Res>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head]!;
      this.buffer[this.head] = undefined as Res;
      this.head++;
      if (this.head === this.buffer.length) {
        this.buffer = [];
        this.head = 0;
      }
      if (this.paused && this.buffer.length - this.head <= LOW_WATER_MARK) {
        this.paused = false;
        this.call?.resume();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      const error = this.error;
      if (error !== undefined) {
        // Reported once; the iterator is then finished.
        this.error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** The consumer stopped early (`break`): the call is cancelled. */
  return(): Promise<IteratorResult<Res>> {
    if (!this.ended) {
      this.call?.cancel(
        new GrpcError(Status.CANCELLED, 'the response stream was abandoned by its consumer'),
      );
    }
    this.ended = true;
    this.error = undefined;
    this.buffer = [];
    this.head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Res> {
    return this;
  }
}
