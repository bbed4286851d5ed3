// A change feed with a bounded buffer per subscriber: writers publish synchronously and never wait;
// a subscriber that falls `capacity` changes behind is cut off with FeedLaggedError instead of
// slowing writers down or growing memory without bound (the "lagged receiver" rule of broadcast
// channels, as in tokio::sync::broadcast).

/** Ends a subscription whose reader fell too far behind; it must resubscribe (and resync). */
export class FeedLaggedError extends Error {
  override readonly name = 'FeedLaggedError';
  constructor(readonly capacity: number) {
    super(`the subscriber fell more than ${capacity} changes behind and was dropped`);
  }
}

export class ChangeFeed<T> {
  private readonly subscribers = new Set<Subscription<T>>();

  /** `capacity`: changes a subscriber may have unread before it is dropped. */
  constructor(readonly capacity = 1024) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `a change feed's capacity must be a whole number above 0, got ${capacity}`,
      );
    }
  }

  /** Number of live subscriptions. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Hands `change` to every subscriber; O(subscribers), never waits. */
  publish(change: T): void {
    for (const subscriber of this.subscribers) subscriber.offer(change);
  }

  /** A subscription receiving every change published from now on, until closed or lagged. */
  subscribe(): Subscription<T> {
    const subscription = new Subscription<T>(this.capacity, () =>
      this.subscribers.delete(subscription),
    );
    this.subscribers.add(subscription);
    return subscription;
  }
}

export class Subscription<T> implements AsyncIterable<T>, AsyncIterator<T> {
  private readonly buffer: T[] = [];
  private head = 0;
  private waiter:
    | { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }
    | undefined;
  private failure: FeedLaggedError | undefined;
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly detach: () => void,
  ) {}

  /** Called by the feed: queue the change, or drop this subscriber if it is full. */
  offer(change: T): void {
    if (this.closed) return;
    if (this.waiter !== undefined) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: change, done: false });
      return;
    }
    if (this.buffer.length - this.head >= this.capacity) {
      this.failure = new FeedLaggedError(this.capacity);
      this.buffer.length = 0;
      this.head = 0;
      this.close();
      return;
    }
    this.buffer.push(change);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head++]!;
      if (this.head === this.buffer.length) {
        this.buffer.length = 0;
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Stops the subscription; a pending `next()` resolves as done. */
  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Stops the subscription and frees it from the feed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) {
      if (this.failure !== undefined) waiter.reject(this.failure);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
