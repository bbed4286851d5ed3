// Skipping a field a codec does not know (protobuf.dev "Encoding", "Message Structure" and
// "Groups"): a parser must pass over unknown fields of every wire type, groups included, so that a
// newer peer's message still decodes. Kept out of reader.ts because a well-formed call of this
// contract never meets one: this is not on the road of one call.

import { WireError } from './wire-error.js';
import { MAX_DEPTH, WireType } from './wire-types.js';

/** What skipping needs of a Reader (declared here so that this file does not import reader.ts). */
export interface FieldSource {
  pos: number;
  readonly end: number;
  depth: number;
  tag(): number;
  uint32(): number;
  fixed32(): number;
  fixed64BigInt(): bigint;
  delimited(): number;
}

/**
 * Moves `reader` past the value that follows `key`, whatever its wire type. `keyAt` is where the
 * key began: the offset an end-group with no group open is reported at.
 */
export function skipField(reader: FieldSource, key: number, keyAt: number): void {
  switch (key & 7) {
    case WireType.Varint:
      // uint32 reads (and checks) a whole varint of up to 10 bytes, keeping only its low bits.
      reader.uint32();
      return;
    case WireType.Fixed64:
      reader.fixed64BigInt();
      return;
    case WireType.LengthDelimited:
      reader.delimited();
      return;
    case WireType.Fixed32:
      reader.fixed32();
      return;
    case WireType.StartGroup:
      skipGroup(reader, key >>> 3);
      return;
    default:
      throw new WireError(`unexpected end-group for field ${key >>> 3}`, keyAt);
  }
}

/** Skips fields until the end-group key of `fieldNumber`, counting nesting against MAX_DEPTH. */
function skipGroup(reader: FieldSource, fieldNumber: number): void {
  const start = reader.pos;
  if (++reader.depth > MAX_DEPTH) {
    throw new WireError(`groups nested deeper than ${MAX_DEPTH}`, start);
  }
  for (;;) {
    if (reader.pos >= reader.end) throw new WireError(`unterminated group ${fieldNumber}`, start);
    const keyAt = reader.pos;
    const key = reader.tag();
    if ((key & 7) === WireType.EndGroup) {
      if (key >>> 3 !== fieldNumber) {
        throw new WireError(`end-group for field ${key >>> 3} closes group ${fieldNumber}`, keyAt);
      }
      reader.depth--;
      return;
    }
    skipField(reader, key, keyAt);
  }
}
