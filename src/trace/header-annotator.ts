// Explains a decoded header block field by field: how HPACK sent each one (RFC 7541 §6: indexed,
// literal with or without indexing, never indexed; Huffman or raw), and what gRPC's own headers
// carry (PROTOCOL-HTTP2.md: -bin values are base64, grpc-message is percent-encoded,
// grpc-status-details-bin is a google.rpc.Status).

import type { DecodedField, SentString } from './hpack-decoder.js';
import { STATIC_TABLE_SIZE } from './hpack-static-table.js';
import { annotateMessage, type TypeLookup } from './protobuf-annotator.js';
import { line, type TraceLine } from './trace-line.js';

const HOW: Record<DecodedField['representation'], string> = {
  indexed: 'indexed',
  incremental: 'literal with incremental indexing',
  'without-indexing': 'literal without indexing',
  'never-indexed': 'literal never indexed',
  'size-update': 'dynamic table size update',
};

const sent = (string: SentString): string =>
  `${string.huffman ? 'Huffman' : 'raw'}, ${string.length} octets`;

const tableEntry = (field: DecodedField): string =>
  field.table === 'static'
    ? `static table ${field.index}`
    : `dynamic table ${field.index} (${newest(field.index! - STATIC_TABLE_SIZE)})`;

/** Dynamic entries count from the newest: 62 is the last one added. */
const newest = (n: number): string =>
  n === 1 ? 'the newest' : `the ${n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`} newest`;

/** One sentence on how a field was represented. */
export function describeField(field: DecodedField): string {
  if (field.representation === 'size-update')
    return `dynamic table size update: at most ${field.newMaxSize} octets from now on`;
  const { name, value } = field.field!;
  const shown = `${name}: ${value.length > 72 ? `${value.slice(0, 72)}…` : value}`;
  if (field.representation === 'indexed') return `${shown} — indexed, ${tableEntry(field)}`;
  const nameFrom =
    field.name === undefined ? `name ${tableEntry(field)}` : `name ${sent(field.name)}`;
  const added = field.representation === 'incremental' ? ', added as dynamic 62' : '';
  return `${shown} — ${HOW[field.representation]}${added}; ${nameFrom}; value ${sent(field.value!)}`;
}

/** The lines of one header block: one per field, plus what a gRPC header's value decodes to. */
export function annotateHeaderBlock(
  fields: readonly DecodedField[],
  lookup?: TypeLookup,
): TraceLine[] {
  const lines: TraceLine[] = [];
  for (const field of fields) {
    lines.push(line(field.bytes, describeField(field)));
    if (field.field !== undefined)
      lines.push(...grpcMeaning(field.field.name, field.field.value, lookup));
  }
  return lines;
}

/** What gRPC reads in a header's value, when it is more than the text itself. */
function grpcMeaning(name: string, value: string, lookup?: TypeLookup): TraceLine[] {
  const none = new Uint8Array();
  if (name === 'grpc-status-details-bin') {
    const status = Buffer.from(value, 'base64');
    const type = lookup?.('google.rpc.Status');
    return [
      line(none, `base64 of ${status.length} bytes, a google.rpc.Status:`, 1),
      ...annotateMessage(status, type, 2, lookup),
    ];
  }
  if (name.endsWith('-bin'))
    return [line(none, `base64 of ${Buffer.from(value, 'base64').length} bytes`, 1)];
  if (name === 'grpc-message' && value.includes('%'))
    return [line(none, `percent-decoded: ${percentDecoded(value)}`, 1)];
  if (name === 'grpc-timeout') return [line(none, timeoutMeaning(value), 1)];
  return [];
}

function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return `${value} (not valid percent-encoding of UTF-8)`;
  }
}

const TIMEOUT_UNITS: Record<string, string> = {
  H: 'hours',
  M: 'minutes',
  S: 'seconds',
  m: 'milliseconds',
  u: 'microseconds',
  n: 'nanoseconds',
};

function timeoutMeaning(value: string): string {
  const unit = TIMEOUT_UNITS[value.slice(-1)];
  return unit === undefined
    ? 'not a grpc-timeout PROTOCOL-HTTP2.md accepts'
    : `${value.slice(0, -1)} ${unit} left before the deadline`;
}
