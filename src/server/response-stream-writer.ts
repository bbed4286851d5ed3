// Writing the responses of a server-streaming or bidi handler (grpc PROTOCOL-HTTP2.md "Responses":
// Length-Prefixed-Messages after the headers; docs/design.md "Backpressure is real"): each message
// framed as it is yielded, bursts corked into one writev, and no more read from the handler until
// the HTTP/2 stream drains.

import type { ServerHttp2Stream } from 'node:http2';
import { writeMessage } from '../transport/messages.js';
import type { MessageCodec } from '../wire/codec.js';

/** What the writer needs of the call it writes for (server-call.ts's Http2ServerCall). */
export interface StreamingCall {
  /** True once the call's status is decided: nothing more is written. */
  readonly finished: boolean;
  /** Sends the response headers if they have not gone yet. */
  sendHeaders(): void;
  /** The grpc-encoding of response message `index` (identity when it is not compressed). */
  encodingOf(index: number): string;
  /** Ends the call: OK once the handler's iterable is done. */
  finish(error: undefined): void;
  /** Ends the call with what the handler (or the codec) threw. */
  fail(error: unknown): void;
}

/** Writes each message the handler yields, waiting for 'drain' when Node's buffer is full. */
export async function writeResponseStream(
  call: StreamingCall,
  stream: ServerHttp2Stream,
  codec: MessageCodec<unknown>,
  responses: AsyncIterable<unknown>,
): Promise<void> {
  let index = 0;
  try {
    for await (const message of responses) {
      if (call.finished) return; // leaving the loop calls the iterator's return(): its finally runs
      call.sendHeaders();
      let frame = writeMessage(codec, message, call.encodingOf(index++));
      if (frame instanceof Promise) {
        frame = await frame;
        if (call.finished) return;
      }
      if (!stream.writableCorked) {
        // Messages a handler yields without waiting go out together: corked, Node gathers the
        // writes and hands them to HTTP/2 in one writev once this burst of microtasks is over
        // (or the buffer fills and we wait for 'drain'), instead of one write per message.
        stream.cork();
        process.nextTick(uncork, stream);
      }
      if (!stream.write(frame)) await drained(stream);
    }
    call.finish(undefined);
  } catch (error) {
    call.fail(error);
  }
}

/** Resolves on 'drain', or on 'close' (a stream that ends never drains). */
function drained(stream: ServerHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function uncork(stream: ServerHttp2Stream): void {
  stream.uncork();
}
