// An HPACK decoder that reports how each header field was sent (RFC 7541 §5, §6): the integer
// and string primitives, the four representations and the size update, against the static table
// and this direction's dynamic table. One decoder per direction of a connection (§2.2).

import { DynamicTable } from './hpack-dynamic-table.js';
import { huffmanDecode } from './hpack-huffman.js';
import { type HeaderField, STATIC_TABLE_SIZE, staticEntry } from './hpack-static-table.js';

/** §6: the ways a field can be represented in a header block. */
export type Representation =
  | 'indexed' // §6.1: one index names field and value
  | 'incremental' // §6.2.1: literal, and added to the dynamic table
  | 'without-indexing' // §6.2.2: literal, not added
  | 'never-indexed' // §6.2.3: literal that intermediaries must never index either
  | 'size-update'; // §6.3: a new maximum size for the dynamic table

/** A string literal as it was sent (§5.2). */
export interface SentString {
  readonly text: string;
  readonly huffman: boolean;
  /** Octets on the wire, after the length prefix. */
  readonly length: number;
}

/** One representation out of a header block, with the bytes that carried it. */
export interface DecodedField {
  readonly representation: Representation;
  readonly bytes: Buffer;
  /** The field (absent for a size update). */
  readonly field?: HeaderField;
  /** The index used for the whole field (indexed) or for its name (a literal with indexed name). */
  readonly index?: number;
  readonly table?: 'static' | 'dynamic';
  /** Literal name and value, as sent; `name` is absent when the name came from a table. */
  readonly name?: SentString;
  readonly value?: SentString;
  /** For a size update, the new maximum. */
  readonly newMaxSize?: number;
}

/** §5.1: an integer with an N-bit prefix, then 7 bits per continuation byte, low bits first. */
export function decodeInteger(
  block: Uint8Array,
  at: number,
  prefixBits: number,
): { value: number; next: number } {
  const max = (1 << prefixBits) - 1;
  let value = block[at]! & max;
  let next = at + 1;
  if (value < max) return { value, next };
  let shift = 0;
  for (;;) {
    if (next >= block.length) throw new Error('an HPACK integer runs past the block (§5.1)');
    const byte = block[next++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next };
    if (shift > 28) throw new Error('an HPACK integer is longer than handwire accepts (§5.1)');
  }
}

/** §5.2: H bit, length with a 7-bit prefix, then the octets (Huffman-coded if H). */
function decodeString(block: Uint8Array, at: number): { string: SentString; next: number } {
  const huffman = (block[at]! & 0x80) !== 0;
  const { value: length, next: start } = decodeInteger(block, at, 7);
  const end = start + length;
  if (end > block.length) throw new Error('an HPACK string runs past the block (§5.2)');
  const octets = block.subarray(start, end);
  const text = (huffman ? huffmanDecode(octets) : Buffer.from(octets)).toString('latin1');
  return { string: { text, huffman, length }, next: end };
}

export class HpackDecoder {
  readonly table = new DynamicTable();

  /** Decodes one complete header block (HEADERS or PUSH_PROMISE plus its CONTINUATIONs). */
  decode(block: Uint8Array): DecodedField[] {
    const fields: DecodedField[] = [];
    let at = 0;
    while (at < block.length) {
      const decoded = this.decodeOne(block, at);
      fields.push({ ...decoded.field, bytes: Buffer.from(block.subarray(at, decoded.next)) });
      at = decoded.next;
    }
    return fields;
  }

  private decodeOne(
    block: Uint8Array,
    at: number,
  ): { field: Omit<DecodedField, 'bytes'>; next: number } {
    const first = block[at]!;
    if (first & 0x80) {
      const { value: index, next } = decodeInteger(block, at, 7);
      const field = this.lookup(index);
      return { field: { representation: 'indexed', field, index, table: tableOf(index) }, next };
    }
    if ((first & 0xc0) === 0x40) return this.literal(block, at, 6, 'incremental');
    if ((first & 0xe0) === 0x20) {
      const { value: newMaxSize, next } = decodeInteger(block, at, 5);
      this.table.resize(newMaxSize);
      return { field: { representation: 'size-update', newMaxSize }, next };
    }
    if ((first & 0xf0) === 0x10) return this.literal(block, at, 4, 'never-indexed');
    return this.literal(block, at, 4, 'without-indexing');
  }

  /** §6.2: a name index (0: the name follows as a string), then the value as a string. */
  private literal(
    block: Uint8Array,
    at: number,
    prefixBits: number,
    representation: Representation,
  ): { field: Omit<DecodedField, 'bytes'>; next: number } {
    const { value: index, next: afterIndex } = decodeInteger(block, at, prefixBits);
    let next = afterIndex;
    let name: SentString | undefined;
    let nameText: string;
    if (index === 0) {
      const decoded = decodeString(block, next);
      name = decoded.string;
      nameText = name.text;
      next = decoded.next;
    } else {
      nameText = this.lookup(index).name;
    }
    const decodedValue = decodeString(block, next);
    const field = { name: nameText, value: decodedValue.string.text };
    if (representation === 'incremental') this.table.add(field);
    const named = index === 0 ? { name } : { index, table: tableOf(index) };
    return {
      field: { representation, field, ...named, value: decodedValue.string },
      next: decodedValue.next,
    };
  }

  /** §2.3.3: 1-61 the static table, 62 and up the dynamic table, newest first. */
  private lookup(index: number): HeaderField {
    const field =
      index <= STATIC_TABLE_SIZE
        ? staticEntry(index)
        : this.table.at(index - STATIC_TABLE_SIZE - 1);
    if (index === 0 || field === undefined)
      throw new Error(`HPACK index ${index} is in neither table (RFC 7541 §2.3.3)`);
    return field;
  }
}

function tableOf(index: number): 'static' | 'dynamic' {
  return index <= STATIC_TABLE_SIZE ? 'static' : 'dynamic';
}
