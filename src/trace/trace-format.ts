// Prints traced frames as text: a title line per frame, then one line per field with the bytes
// in hex on the left and what they mean on the right, nested messages indented.

import type { Side, TracedFrame } from './connection-trace.js';
import type { TraceLine } from './trace-line.js';

/** Bytes shown in full on a line; longer runs end with "…" (the text says how many there are). */
const SHOWN_BYTES = 10;
const HEX_COLUMN = SHOWN_BYTES * 3 + 2;

const ARROW: Record<Side, string> = { client: 'client → server', server: 'server → client' };

export function hexOf(bytes: Uint8Array): string {
  const shown = [...bytes.subarray(0, SHOWN_BYTES)].map((b) => b.toString(16).padStart(2, '0'));
  return `${shown.join(' ')}${bytes.length > SHOWN_BYTES ? ' …' : ''}`;
}

export function formatLine(traceLine: TraceLine): string {
  const indent = '  '.repeat(traceLine.depth);
  return `  ${hexOf(traceLine.bytes).padEnd(HEX_COLUMN)}${indent}${traceLine.text}`.trimEnd();
}

/** A frame as text lines; `prefix` goes before the title (a connection number, say). */
export function formatFrame(traced: TracedFrame, prefix = ''): string[] {
  return [`${prefix}${ARROW[traced.from]}  ${traced.title}`, ...traced.lines.map(formatLine)];
}
