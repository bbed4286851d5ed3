// MessageCodec: the shape of every hand-written protobuf message codec (protobuf.dev "Encoding";
// proto3 semantics from protobuf.dev "Language Guide (proto3)", "Default Values" and "Unknown
// Fields").
//
// A codec is three functions over one message type: `size` adds up the encoded length, `write`
// emits exactly that many bytes into a Writer, `read` decodes fields until the Reader's `end`.
// Proto3 rules every codec follows: fields at their default (0, "", false, empty) are not written;
// unknown fields are skipped; a scalar seen twice keeps the last value; an unknown enum value is
// kept as its number; a field whose wire type does not match the schema is treated as unknown.

import { Reader } from './reader.js';
import { tagSize, varint32Size } from './sizes.js';
import { WireType } from './wire-types.js';
import { beginMessage, endMessage, type Writer } from './writer.js';

export interface MessageCodec<T> {
  /** The fully-qualified protobuf name, e.g. `user.User` (used in `Any.type_url` and reflection). */
  readonly typeName: string;
  /** A message with every field at its default. */
  create(): T;
  /** Encoded length in bytes. */
  size(message: T): number;
  /** Writes the fields; exactly `size(message)` bytes. */
  write(message: T, writer: Writer): void;
  /** Reads fields until `reader.end`; when `into` is given, merges into it (proto merge rules). */
  read(reader: Reader, into?: T): T;
}

/** Encodes a message in one pass, with no sizing pass (writer.ts, the slab says why and where). */
export function encodeMessage<T>(codec: MessageCodec<T>, message: T): Buffer {
  const writer = beginMessage();
  codec.write(message, writer);
  return endMessage(writer);
}

/** Decodes a whole buffer as one message; throws WireError on malformed input. */
export function decodeMessage<T>(codec: MessageCodec<T>, bytes: Uint8Array): T {
  return codec.read(new Reader(bytes));
}

/** Size of a nested-message field: key, length, body. */
export function messageFieldSize<T>(fieldNumber: number, codec: MessageCodec<T>, value: T): number {
  const body = codec.size(value);
  return tagSize(fieldNumber) + varint32Size(body) + body;
}

/**
 * Writes a nested-message field: key, length, body. The body is written first, one byte after
 * the key, and its length filled in after, so nothing is sized (a thousand nested messages would
 * otherwise be sized as well as written). Most bodies are under 128 bytes, so their length takes
 * the one byte left for it; a longer one is moved up by the extra bytes its length needs. The
 * writer may move to a larger buffer while the body is written, so where the length goes is held
 * as an offset from the message's start.
 */
export function writeMessageField<T>(
  writer: Writer,
  fieldNumber: number,
  codec: MessageCodec<T>,
  value: T,
): void {
  writer.tag(fieldNumber, WireType.LengthDelimited);
  writer.room(1);
  const lengthOffset = writer.pos - writer.start;
  writer.pos++;
  codec.write(value, writer);
  const length = writer.pos - (writer.start + lengthOffset) - 1;
  const lengthBytes = varint32Size(length);
  if (lengthBytes > 1) {
    writer.room(lengthBytes - 1);
    const bodyAt = writer.start + lengthOffset + 1;
    writer.buf.copyWithin(bodyAt + lengthBytes - 1, bodyAt, writer.pos);
  }
  // The length's bytes are there now: written in place, as Writer.uint32 would, without its room
  // check (which could move the buffer with the body beyond `pos` left behind).
  const buf = writer.buf;
  let at = writer.start + lengthOffset;
  let rest = length;
  while (rest > 0x7f) {
    buf[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buf[at++] = rest;
  writer.pos = at + length;
}

/** Reads a nested message (its key already read), merging into `into` when given. */
export function readMessageField<T>(reader: Reader, codec: MessageCodec<T>, into?: T): T {
  return reader.message((nested) => codec.read(nested, into));
}

/** A message with no fields (grpc.testing.Empty, HealthListRequest…): zero bytes on the wire. */
export type EmptyMessage = Record<string, never>;

/** The codec of a message with no fields: it writes nothing and skips any field it is sent. */
export function emptyMessageCodec(typeName: string): MessageCodec<EmptyMessage> {
  return {
    typeName,
    create: () => ({}),
    size: () => 0,
    write() {},
    read(reader, into) {
      while (reader.pos < reader.end) reader.skip(reader.tag());
      return into ?? {};
    },
  };
}
