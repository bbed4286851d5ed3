// Writers waiting for one moment, woken together: a stream that drained, an attempt that now
// exists, a call that ended (client-side backpressure, grpc PROTOCOL-HTTP2.md "Requests").

/** Promises that resolve together on `wake()`; the array is made only when someone waits. */
export class Waiters {
  private resolvers: (() => void)[] | undefined;

  /** True while nobody waits. */
  get empty(): boolean {
    return this.resolvers === undefined;
  }

  /** A promise that resolves on the next `wake()`. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.resolvers ??= [];
      this.resolvers.push(resolve);
    });
  }

  /** Resolves every promise handed out since the last wake. */
  wake(): void {
    const resolvers = this.resolvers;
    if (resolvers === undefined) return;
    this.resolvers = undefined;
    for (const resolve of resolvers) resolve();
  }
}
