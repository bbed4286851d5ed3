// Protobuf wire types and tag layout (protobuf.dev "Encoding", section "Message Structure").

/** The six wire types a tag's low three bits can name; 6 and 7 are invalid. */
export const WireType = {
  /** int32, int64, uint32, uint64, sint32, sint64, bool, enum */
  Varint: 0,
  /** fixed64, sfixed64, double */
  Fixed64: 1,
  /** string, bytes, embedded messages, packed repeated fields */
  LengthDelimited: 2,
  /** group start (deprecated, still skipped correctly) */
  StartGroup: 3,
  /** group end (deprecated) */
  EndGroup: 4,
  /** fixed32, sfixed32, float */
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** How deeply messages and groups may nest before decoding gives up, as in protobuf C++. */
export const MAX_DEPTH = 100;

/** The largest field number protobuf allows: 2^29 - 1. */
export const MAX_FIELD_NUMBER = 0x1fffffff;

/** A tag is `(field_number << 3) | wire_type`, written as a varint. */
export function makeTag(fieldNumber: number, wireType: WireType): number {
  return ((fieldNumber << 3) | wireType) >>> 0;
}
