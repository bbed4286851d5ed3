// The tracer's unit of output: some bytes as they were on the wire, and a sentence saying what
// they are. Every annotator returns a list of these; the formatters print them.

export interface TraceLine {
  /** The bytes this line explains (may be empty for a line that only explains). */
  readonly bytes: Uint8Array;
  readonly text: string;
  /** Nesting: 0 for a frame's own fields, one more per message inside a message. */
  readonly depth: number;
}

export const line = (bytes: Uint8Array, text: string, depth = 0): TraceLine => ({
  bytes,
  text,
  depth,
});
