// Explains protobuf bytes field by field (protobuf.dev "Encoding"): each key as field number and
// wire type, varints as their 7-bit groups, lengths, strings, and nested messages opened up when
// the schema names their type. Without a schema it still shows every field by number.

import protobuf from 'protobufjs';
import { line, type TraceLine } from './trace-line.js';

/** protobuf.dev "Message Structure": the wire types and their names. */
const WIRE_TYPES = ['VARINT', 'I64', 'LEN', 'SGROUP', 'EGROUP', 'I32'];

/** Longest string or bytes value shown in full; longer ones are cut with "…". */
const SHOWN_TEXT = 60;

/** A varint at `at`: its value (exact as a bigint) and where it ends. */
export function readVarint(bytes: Uint8Array, at: number): { value: bigint; next: number } {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= bytes.length) throw new Error('a varint runs past the end of the message');
    const byte = bytes[at + i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw new Error('a varint longer than 10 bytes');
}

/** "10010110 00000001" style: each byte's 7 payload bits, low group first, as the reader sees them. */
function varintGroups(bytes: Uint8Array): string {
  if (bytes.length === 1) return '';
  const groups = [...bytes].map((b) => (b & 0x7f).toString(2).padStart(7, '0'));
  return `7-bit groups, low first: ${groups.join(' ')} → `;
}

const quote = (text: string): string =>
  JSON.stringify(text.length > SHOWN_TEXT ? `${text.slice(0, SHOWN_TEXT)}…` : text);

/** Finds a message type by full name: how a `google.protobuf.Any`'s value gets opened. */
export type TypeLookup = (fullName: string) => protobuf.Type | undefined;

/** Annotates a whole message; `type` names its fields, and opens nested messages. */
export function annotateMessage(
  bytes: Uint8Array,
  type: protobuf.Type | undefined,
  depth = 0,
  lookup?: TypeLookup,
): TraceLine[] {
  const lines: TraceLine[] = [];
  const anyValueType =
    type?.fullName === '.google.protobuf.Any' ? anyType(bytes, type, lookup) : undefined;
  let at = 0;
  while (at < bytes.length) {
    const key = readVarint(bytes, at);
    const fieldNumber = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    const field = type?.fieldsById[fieldNumber];
    const named = field === undefined ? '(not in the schema)' : `${field.name} (${field.type})`;
    lines.push(
      line(
        bytes.subarray(at, key.next),
        `field ${fieldNumber} ${named}, wire type ${wireType} ${WIRE_TYPES[wireType] ?? '?'}: key = ${fieldNumber} << 3 | ${wireType}`,
        depth,
      ),
    );
    const opened = anyValueType !== undefined && fieldNumber === 2 ? anyValueType : undefined;
    at = annotateValue(bytes, key.next, wireType, { field, opened, lookup }, depth, lines);
  }
  return lines;
}

/** What is known of a field: its schema, and the type its bytes hold when they are an Any's value. */
interface FieldContext {
  readonly field: protobuf.Field | undefined;
  readonly opened: protobuf.Type | undefined;
  readonly lookup: TypeLookup | undefined;
}

/** An Any's value type, from its `type_url` (`type.googleapis.com/<full name>`). */
function anyType(
  bytes: Uint8Array,
  any: protobuf.Type,
  lookup: TypeLookup | undefined,
): protobuf.Type | undefined {
  const typeUrl = (any.decode(bytes) as unknown as { type_url: string }).type_url;
  return lookup?.(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
}

/** One field's value; returns where the next key starts. */
function annotateValue(
  bytes: Uint8Array,
  at: number,
  wireType: number,
  context: FieldContext,
  depth: number,
  lines: TraceLine[],
): number {
  const { field } = context;
  switch (wireType) {
    case 0: {
      const varint = readVarint(bytes, at);
      const raw = bytes.subarray(at, varint.next);
      lines.push(line(raw, `${varintGroups(raw)}${varintMeaning(varint.value, field)}`, depth));
      return varint.next;
    }
    case 1:
    case 5: {
      const size = wireType === 1 ? 8 : 4;
      const raw = Buffer.from(bytes.subarray(at, at + size));
      if (raw.length < size) throw new Error('a fixed-size field runs past the end of the message');
      lines.push(line(raw, fixedMeaning(raw, field), depth));
      return at + size;
    }
    case 2: {
      const length = readVarint(bytes, at);
      const end = length.next + Number(length.value);
      if (end > bytes.length) throw new Error('a length-delimited field runs past the message');
      lines.push(line(bytes.subarray(at, length.next), `length ${length.value}`, depth));
      annotateLengthDelimited(bytes.subarray(length.next, end), context, depth, lines);
      return end;
    }
    default:
      throw new Error(`wire type ${wireType} is not one a proto3 message uses`);
  }
}

function varintMeaning(value: bigint, field: protobuf.Field | undefined): string {
  if (field?.resolvedType instanceof protobuf.Enum) {
    const name = field.resolvedType.valuesById[Number(value)];
    return `${value} = ${name ?? 'a value the enum does not define'}`;
  }
  if (field?.type === 'bool') return `${value} = ${value !== 0n}`;
  if (field?.type === 'sint32' || field?.type === 'sint64') {
    const decoded = (value >> 1n) ^ -(value & 1n);
    return `${value}, ZigZag-decoded ${decoded}`;
  }
  if ((field?.type === 'int32' || field?.type === 'int64') && value >= 1n << 63n)
    return `${value - (1n << 64n)} (negative: two's complement, 10 bytes)`;
  return `${value}`;
}

function fixedMeaning(raw: Buffer, field: protobuf.Field | undefined): string {
  if (raw.length === 8) {
    if (field?.type === 'double') return `${raw.readDoubleLE(0)} (little-endian double)`;
    if (field?.type === 'sfixed64') return `${raw.readBigInt64LE(0)} (little-endian)`;
    return `${raw.readBigUInt64LE(0)} (little-endian)`;
  }
  if (field?.type === 'float') return `${raw.readFloatLE(0)} (little-endian float)`;
  if (field?.type === 'sfixed32') return `${raw.readInt32LE(0)} (little-endian)`;
  return `${raw.readUInt32LE(0)} (little-endian)`;
}

/** Bytes below 0x20 other than tab, newline and carriage return: not text a person wrote. */
const hasControlBytes = (content: Uint8Array): boolean =>
  content.some((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);

function annotateLengthDelimited(
  content: Uint8Array,
  { field, opened, lookup }: FieldContext,
  depth: number,
  lines: TraceLine[],
): void {
  const nested =
    opened ?? (field?.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined);
  if (nested !== undefined) {
    lines.push(line(new Uint8Array(), `a ${nested.fullName.slice(1)} message:`, depth));
    lines.push(...annotateMessage(content, nested, depth + 1, lookup));
    return;
  }
  const text = Buffer.from(content).toString('utf8');
  const looksLikeText = Buffer.from(text, 'utf8').equals(content) && !hasControlBytes(content);
  if (field?.type === 'string' || (field === undefined && looksLikeText)) {
    lines.push(line(content, `UTF-8 ${quote(text)}`, depth));
  } else if (field?.type === 'bytes' || field === undefined) {
    lines.push(line(content, `${content.length} bytes`, depth));
  } else {
    lines.push(line(content, `packed repeated ${field.type}`, depth));
  }
}
