// Renders recorded steps as markdown: what the client sent, then what the server sent, each as a
// text block of annotated frames, with the values that change from run to run masked so the
// generated page is the same every time.

import type { TracedFrame } from '../../src/trace/connection-trace.js';
import { formatFrame } from '../../src/trace/trace-format.js';
import { line, type TraceLine } from '../../src/trace/trace-line.js';
import type { RecordedStep } from './trace-recorder.js';

/** A text that changes from run to run, and what the page shows instead. */
export interface Mask {
  readonly find: string;
  readonly show: string;
}

/** Bytes kept of a masked line: the representation's prefix, before the changing part. */
const KEPT_BYTES = 8;

function maskLine(traceLine: TraceLine, masks: readonly Mask[]): TraceLine {
  const hit = masks.filter((mask) => traceLine.text.includes(mask.find));
  if (hit.length === 0) return traceLine;
  const text = hit.reduce((text, mask) => text.replaceAll(mask.find, mask.show), traceLine.text);
  if (traceLine.bytes.length <= KEPT_BYTES) return line(traceLine.bytes, text, traceLine.depth);
  const note = ` (bytes after the ${KEPT_BYTES}th left out: they change from run to run)`;
  return line(traceLine.bytes.subarray(0, KEPT_BYTES), `${text}${note}`, traceLine.depth);
}

function maskFrame(traced: TracedFrame, masks: readonly Mask[]): TracedFrame {
  return { ...traced, lines: traced.lines.map((l) => maskLine(l, masks)) };
}

function block(frames: readonly TracedFrame[], masks: readonly Mask[]): string {
  const text = frames.map((f) => formatFrame(maskFrame(f, masks)).join('\n')).join('\n\n');
  return `\`\`\`text\n${text}\n\`\`\``;
}

/** The two sides of a step, each in the order it was sent (TCP keeps each direction's order). */
export function stepMarkdown(step: RecordedStep, masks: readonly Mask[]): string {
  const parts: string[] = [];
  const client = step.frames.filter((f) => f.from === 'client');
  const server = step.frames.filter((f) => f.from === 'server');
  if (client.length > 0) parts.push(`The client sent:\n\n${block(client, masks)}`);
  if (server.length > 0) parts.push(`The server sent:\n\n${block(server, masks)}`);
  if (parts.length === 0) parts.push('Nothing went over the connection.');
  return parts.join('\n\n');
}
