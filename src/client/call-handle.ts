// What a call shape (client.ts) drives, whichever policy runs the call: one attempt, retries or
// hedges (grpc PROTOCOL-HTTP2.md "Requests": Length-Prefixed-Messages, then END_STREAM).

import type { PausableCall } from './response-stream.js';

export interface CallHandle extends PausableCall {
  start(): void;
  /** Sends one framed request message; false when the caller should await `writable()`. */
  write(frame: Buffer): boolean;
  /** Resolves when more may be written, or the call is over. */
  writable(): Promise<void>;
  /** Half-closes the request, after `frame` if given. */
  end(frame?: Buffer): void;
}
