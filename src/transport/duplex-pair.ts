// Two connected Duplex streams, the in-memory stand-in for a TCP connection: what one end writes
// the other reads, in order, with backpressure, and closing one end is seen by the other as the
// peer closing the connection (node:stream "Implementing a duplex stream").
//
// node:stream has `duplexPair()` since Node 20.17, but its ends do not pass a destroy on: a
// server that destroys its socket would leave the client's end open forever, where TCP delivers
// the bytes already sent and then end-of-stream. These ends do that.

import { Duplex } from 'node:stream';

/** One end of the pair. Bytes written reach the other end in a later turn of the event loop. */
class PipeEnd extends Duplex {
  /** The other end; set once, right after both ends are made. */
  peer!: PipeEnd;
  /**
   * The callback of a write the peer had no room for: it is called when the peer reads again,
   * so a writer that outruns its reader waits, one chunk deep, as over a socket.
   */
  private heldWrite: (() => void) | undefined;
  /** True once end-of-stream was pushed: nothing may be pushed after it. */
  private receivedEnd = false;

  constructor() {
    // Half-open, as a TCP socket is: one end may finish writing and still read.
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    this.peer.releaseHeldWrite();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.send(Buffer.from(chunk), callback);
  }

  /** Several writes at once (node:http2 corks its socket): one chunk, as one TCP read. */
  override _writev(chunks: { chunk: Buffer }[], callback: () => void): void {
    this.send(Buffer.concat(chunks.map((entry) => entry.chunk)), callback);
  }

  override _final(callback: () => void): void {
    setImmediate(() => {
      this.peer.receiveEnd();
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    // The peer reads what was already sent, then end-of-stream (a closed TCP connection); a
    // write of the peer's that was waiting for this end to read is let go.
    this.releaseHeldWrite();
    this.peer.releaseHeldWrite();
    setImmediate(() => this.peer.receiveEnd());
    callback(error);
  }

  /**
   * Hands a copy to the peer (node:http2 passes views of memory it reuses once the write call
   * returns) in a later turn of the event loop, as a socket's reads arrive. Not on the next tick:
   * node:http2 emits a stream's 'response' on a tick, and a DATA frame delivered before that tick
   * would reach the stream before its headers, which no TCP read can do.
   */
  private send(copy: Buffer, callback: () => void): void {
    setImmediate(() => {
      if (this.peer.receive(copy)) callback();
      else this.heldWrite = callback;
    });
  }

  /** Takes a chunk from the peer; false when this end's buffer is full (the peer should wait). */
  private receive(chunk: Buffer): boolean {
    // Bytes sent to a closed connection are lost, as they are over TCP.
    if (this.receivedEnd || this.destroyed) return true;
    return this.push(chunk);
  }

  private receiveEnd(): void {
    if (this.receivedEnd || this.destroyed) return;
    this.receivedEnd = true;
    this.push(null);
  }

  private releaseHeldWrite(): void {
    const callback = this.heldWrite;
    this.heldWrite = undefined;
    callback?.();
  }
}

/** A pair of connected Duplex streams: `[client end, server end]`. */
export function connectedPair(): [Duplex, Duplex] {
  const client = new PipeEnd();
  const server = new PipeEnd();
  client.peer = server;
  server.peer = client;
  return [client, server];
}
