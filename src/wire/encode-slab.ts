// The slab encodeMessage and encodeFrame write into: one pass per message, no sizing pass, and no
// copy out (protobuf.dev "Encoding" leaves the buffering to the implementation).
//
// Messages are written one after another into a shared buffer (the slab), and each is handed out
// as a Buffer viewing its own bytes, as Buffer.allocUnsafe hands out pieces of Node's 8 KiB pool.
// A message that outgrows what is left of the slab moves, part written, into a buffer of its own
// (Writer.grow). Measured (docs/codec-performance.md): dropping the sizing pass alone took a
// User's encode from 644 to 619 ns; copying a finished message out of a scratch buffer instead of
// handing out a view would cost 7% of the 1,000-error MigrationReport's encode.
//
// What that means for a caller: the Buffer returned may share its ArrayBuffer with other encoded
// messages (never their bytes), exactly as a small Buffer.allocUnsafe does; a message kept for long
// keeps its slab alive: SLAB_BYTES, or for a large message a buffer of its own of up to twice its
// length.

import { Writer } from './writer.js';

/** A new slab's size: small messages share one; a larger message grows into a buffer of its own. */
const SLAB_BYTES = 16 * 1024;

/** A slab with less room than this left is retired before a message begins. */
const MIN_ROOM_BYTES = 512;

/** The slab's writer when no encode is using it; null while one is (an encode inside a codec). */
let idle: Writer | null = null;

/** The length of the last message that outgrew its slab: the next large one is likely as large. */
let lastLargeLength = 0;

/** A writer positioned at the start of a new message in the slab. */
export function beginMessage(): Writer {
  let writer = idle;
  idle = null;
  // Another encode running inside a codec's write (idle is null then) gets a slab of its own.
  if (writer === null || writer.buf.length - writer.pos < MIN_ROOM_BYTES) {
    writer = new Writer(Buffer.allocUnsafe(SLAB_BYTES), 0, true);
  }
  // A message that outgrows the slab moves at once into room for twice the last large one, so
  // that the same report encoded again moves once: growing in steps from 16 KiB to 80 KiB copied
  // the part written at every step.
  writer.minGrownBytes = 2 * lastLargeLength;
  writer.start = writer.pos;
  return writer;
}

/**
 * The message just written, as a view of the slab; the next message begins after it, on an
 * 8-byte boundary as in Node's pool. A buffer larger than a slab (grown for a large message) is
 * not shared with the messages that follow, so a small one never keeps it alive. A writer whose
 * codec threw is not returned here: it is dropped, with the part-written message, and the next
 * encode starts a new slab.
 */
export function endMessage(writer: Writer): Buffer {
  const message = writer.buf.subarray(writer.start, writer.pos);
  writer.pos = Math.min((writer.pos + 7) & ~7, writer.buf.length);
  if (writer.buf.length > SLAB_BYTES) {
    lastLargeLength = message.length;
    idle = null;
  } else {
    idle = writer;
  }
  return message;
}
