// Decoding a protobuf string field's bytes (protobuf.dev "Encoding", "Strings": a string must be
// valid UTF-8, so invalid UTF-8 is a WireError here, never U+FFFD).
//
// Short ASCII strings (ids, names, emails: the common case) are cut out of `text`, one latin1 copy
// of up to TEXT_WINDOW_BYTES of the input, in which each ASCII byte is its own character: such a
// string costs a JavaScript check of its bytes and a substring, where one native utf8Slice per
// string cost a call into C++ each time. Decode of a User and of the 1,000-error MigrationReport
// went from 1.00× and 1.03× protobufjs to 1.40× and 1.50× (docs/codec-performance.md).
// Anything else goes to V8's own decoder, then the strict check.

import { isUtf8 } from 'node:buffer';
import './buffer-natives.js';
import { WireError } from './wire-error.js';

/** Strings up to this long are checked for ASCII in JavaScript; longer ones go to V8's decoder. */
const SHORT_TEXT_BYTES = 64;

/**
 * How much of the input one latin1 copy covers. A string cut from it keeps the copy alive (V8
 * shares the characters of a substring of 13 or more), so this bounds what one string can keep.
 */
const TEXT_WINDOW_BYTES = 1024;

/** What readString needs of a Reader (declared here so that this file does not import reader.ts). */
export interface TextSource {
  readonly buf: Buffer;
  /** One past the last byte the reader may read: no window reaches beyond it. */
  readonly limit: number;
  /** The latin1 window, and where in `buf` it begins; updated here. */
  text: string;
  textAt: number;
}

/** The string in bytes [start, end) of `source.buf` (not empty); a WireError if not UTF-8. */
export function readString(source: TextSource, start: number, end: number): string {
  const buf = source.buf;
  if (end - start <= SHORT_TEXT_BYTES) {
    let i = start;
    while (i < end && buf[i]! < 0x80) i++;
    if (i === end) {
      if (start < source.textAt || end > source.textAt + source.text.length) {
        source.textAt = start;
        source.text = buf.latin1Slice(start, Math.min(start + TEXT_WINDOW_BYTES, source.limit));
      }
      return source.text.substring(start - source.textAt, end - source.textAt);
    }
  }
  // Invalid UTF-8 always decodes to U+FFFD, so only a string holding U+FFFD needs the slower
  // validity check (a valid one may contain U+FFFD legitimately).
  const text = buf.utf8Slice(start, end);
  if (text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) {
    throw new WireError('invalid UTF-8 in a string field', start);
  }
  return text;
}
