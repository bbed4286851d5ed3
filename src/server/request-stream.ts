// The request stream of a client-streaming or bidi call as an AsyncIterable, read only as fast as
// the handler consumes it (docs/design.md "Backpressure is real").
//
// Messages are queued as they are decoded. When the queue holds `highWaterMark` messages the
// HTTP/2 stream is paused: Node then stops acknowledging DATA (no WINDOW_UPDATE), so the client's
// flow-control window closes and memory stays bounded however fast the client sends. The default
// is one message: a handler that stops reading then holds the messages of the chunk being decoded
// and the stream's window, not sixteen messages of up to 4 MiB each (64 MiB a stream, a thousand
// streams a connection: the CVE-2019-9517 "Internal Data Buffering" shape).

export interface Pausable {
  pause(): void;
  resume(): void;
}

export class RequestStream<T> implements AsyncIterable<T> {
  private readonly queue: T[] = [];
  /** Index of the next message to hand out (shifting an array is O(n); this is O(1)). */
  private head = 0;
  private waiter: ((result: IteratorResult<T>) => void) | undefined;
  private failWaiter: ((error: unknown) => void) | undefined;
  private ended = false;
  private error: unknown;
  private paused = false;
  private iterating = false;

  constructor(
    private readonly source: Pausable,
    private readonly highWaterMark = 1,
  ) {}

  /** A decoded message arrived. */
  push(message: T): void {
    if (this.waiter !== undefined) {
      const resolve = this.waiter;
      this.clearWaiter();
      resolve({ value: message, done: false });
      return;
    }
    this.queue.push(message);
    if (this.queue.length - this.head >= this.highWaterMark && !this.paused) {
      this.paused = true;
      this.source.pause();
    }
  }

  /** The client half-closed: no more messages after those queued. */
  end(): void {
    this.ended = true;
    if (this.waiter !== undefined && this.head === this.queue.length) {
      const resolve = this.waiter;
      this.clearWaiter();
      resolve({ value: undefined, done: true });
    }
  }

  /** The call failed (bad message, cancellation): the handler's next read throws `error`. */
  fail(error: unknown): void {
    if (this.ended || this.error !== undefined) return;
    this.error = error;
    if (this.failWaiter !== undefined) {
      const reject = this.failWaiter;
      this.clearWaiter();
      reject(error);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterating) throw new TypeError('a request stream can be iterated only once');
    this.iterating = true;
    return {
      next: () => this.next(),
      return: async () => {
        // The handler stopped reading early: drop what is queued and let the client's data flow
        // into the void rather than stall its window.
        this.queue.length = 0;
        this.head = 0;
        this.ended = true;
        if (this.paused) this.source.resume();
        return { value: undefined, done: true };
      },
    };
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head]!;
      this.head++;
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
      if (this.paused && this.queue.length - this.head < this.highWaterMark / 2) {
        this.paused = false;
        this.source.resume();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  private clearWaiter(): void {
    this.waiter = undefined;
    this.failWaiter = undefined;
  }
}
