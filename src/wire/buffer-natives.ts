// Buffer's native string methods that @types/node leaves undeclared. `utf8Slice`, `latin1Slice`
// and `utf8Write` are what `toString(…)` and `write(…)` call after checking their arguments; the
// codecs call them directly on the hot path (protobufjs does the same) with offsets already checked.

declare global {
  interface Buffer {
    /** Decodes [start, end) as UTF-8; invalid sequences become U+FFFD. */
    utf8Slice(start: number, end: number): string;
    /** Decodes [start, end) one byte to one character (exact for ASCII). */
    latin1Slice(start: number, end: number): string;
    /** Encodes `text` as UTF-8 at `offset`, at most `length` bytes; returns the bytes written. */
    utf8Write(text: string, offset: number, length: number): number;
  }
}

export {};
