// The messages of a call, both directions (grpc PROTOCOL-HTTP2.md "Length-Prefixed-Message";
// doc/compression.md): the writer encodes → compresses → frames, the reader takes DATA chunks →
// frames → in-order decompression → decoded messages. Client and server use the same two.

import { encodeMessage, type MessageCodec } from '../wire/codec.js';
import { encodeFrame, FrameDecoder, frameBytes } from '../wire/framing.js';
import { Reader } from '../wire/reader.js';
import { WireError } from '../wire/wire-error.js';
import { compress, decompress, UnsupportedEncodingError } from './compression.js';
import { GrpcError } from './grpc-error.js';
import { Status } from './status.js';

const IDENTITY = 'identity';

/**
 * One message as a Length-Prefixed-Message: plain (a Buffer, at once) when `encoding` is
 * identity, else compressed with Compressed-Flag 1 (a Promise: zlib works off the thread).
 */
export function writeMessage<T>(
  codec: MessageCodec<T>,
  message: T,
  encoding: string,
): Buffer | Promise<Buffer> {
  if (encoding === IDENTITY) return encodeFrame(codec, message);
  const body = encodeMessage(codec, message);
  return compress(encoding, body).then((compressed) => frameBytes(compressed, true));
}

/** Where a MessageReader delivers messages, in the order they were sent. */
export interface MessageSink<T> {
  /** `compressed` is the message's Compressed-Flag. */
  onMessage(message: T, compressed: boolean): void;
}

/** Who hears that the bytes broke a rule (framing, size, compression, the codec). */
export interface MessageFailure {
  onMessageError(error: GrpcError): void;
}

/**
 * Reads the messages of one direction of a call. An uncompressed message is decoded straight
 * from the DATA chunk (the hot path); a compressed one is inflated asynchronously, and every
 * message after it waits its turn, so messages reach the sink in the order they were sent.
 */
export class MessageReader<T> {
  private readonly decoder: FrameDecoder;
  /** Inflations still running, chained; undefined when none is. */
  private pending: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly codec: MessageCodec<T>,
    /** The call's grpc-encoding: what a compressed message was compressed with. */
    private readonly encoding: string,
    maxMessageBytes: number,
    /** Which side's messages these are, for error messages: 'request' or 'response'. */
    private readonly side: 'request' | 'response',
    private readonly sink: MessageSink<T>,
    private readonly failure: MessageFailure,
  ) {
    this.decoder = new FrameDecoder(maxMessageBytes);
  }

  /** Takes one DATA chunk. */
  push(chunk: Buffer): void {
    if (this.stopped) return;
    try {
      this.decoder.push(chunk, this.onFrame);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Nothing more is delivered (the call ended). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * The stream's END_STREAM came: runs `then` once every message received so far has been
   * delivered (at once if none waits), with an INTERNAL error when the bytes ended in the middle
   * of a message (PROTOCOL-HTTP2.md: a stream ends between Length-Prefixed-Messages).
   */
  end(then: (truncated: GrpcError | undefined) => void): void {
    if (this.pending !== undefined) {
      // Inflations still running: look again once they are done (nothing follows END_STREAM).
      const again = (): void => this.end(then);
      this.pending.then(again, again);
      return;
    }
    if (!this.decoder.partial) then(undefined);
    else {
      then(
        new GrpcError(
          Status.INTERNAL,
          `the ${this.side} ended in the middle of a length-prefixed message`,
        ),
      );
    }
  }

  private readonly onFrame = (body: Buffer, compressed: boolean): void => {
    if (this.stopped) return;
    if (!compressed && this.pending === undefined) {
      this.deliver(body, false);
      return;
    }
    if (compressed && this.encoding === IDENTITY) {
      // PROTOCOL-HTTP2.md: "If the Message-Encoding header is omitted then the Compressed-Flag
      // must be 0".
      this.fail(
        new GrpcError(
          Status.INTERNAL,
          `a ${this.side} message has the compressed flag set but the call has no grpc-encoding`,
        ),
      );
      return;
    }
    // The body may be a view into the chunk; a copy survives the asynchronous wait.
    const own = Buffer.from(body);
    const previous = this.pending ?? Promise.resolve();
    const current = previous
      .then(async () => {
        if (this.stopped) return;
        const plain = compressed
          ? await decompress(this.encoding, own, this.decoder.maxMessageBytes)
          : own;
        if (!this.stopped) this.deliver(plain, compressed);
      })
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        if (this.pending === current) this.pending = undefined;
      });
    this.pending = current;
  };

  private deliver(body: Buffer, compressed: boolean): void {
    let message: T;
    try {
      message = this.codec.read(new Reader(body));
    } catch (error) {
      this.fail(error);
      return;
    }
    this.sink.onMessage(message, compressed);
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.failure.onMessageError(messageError(error, this.side));
  }
}

/** Bytes that broke a rule, as the status the call ends with (statuscodes.md: INTERNAL). */
function messageError(error: unknown, side: 'request' | 'response'): GrpcError {
  // A WireError only describes bytes the peer sent, so its message may travel back.
  if (error instanceof WireError) return GrpcError.fromWireError(error, side);
  if (error instanceof UnsupportedEncodingError) {
    return new GrpcError(Status.INTERNAL, error.message, { cause: error });
  }
  return GrpcError.from(error);
}
