// A protobufjs message type as a handwire MessageCodec (wire/codec.ts), so a message known only
// from a .proto file can be served and called without a hand-written codec. protobufjs encodes and
// decodes (protobuf.dev "Encoding"); this file only fits its API to the codec's three functions.
//
// Messages are plain objects with the .proto's field names in lowerCamelCase, as protobufjs's
// `toObject` gives them: every field present (defaults included), int64 fields as decimal strings
// (exact over the whole range, as in proto3's JSON mapping), enums as numbers, bytes as
// Uint8Array. The conversion can be changed with protobufjs's IConversionOptions.

import type protobuf from 'protobufjs';
import type { MessageCodec } from '../wire/codec.js';
import type { Reader } from '../wire/reader.js';
import { WireError } from '../wire/wire-error.js';
import type { Writer } from '../wire/writer.js';

/** A message of a .proto type, as a plain object: field name (lowerCamelCase) → value. */
// biome-ignore lint/suspicious/noExplicitAny: fields are known only at run time, from the .proto.
export type ProtobufjsMessage = { [field: string]: any };

/** How decoded messages look; protobufjs's toObject options (see the file comment). */
export const DEFAULT_CONVERSION: Readonly<protobuf.IConversionOptions> = Object.freeze({
  longs: String,
  enums: Number,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
});

/**
 * The codec of one protobufjs message type. `size` encodes the message with protobufjs and keeps
 * the bytes for the `write` that follows it (handwire sizes a message, then writes it); a message
 * that is not protobufjs's own is converted with `fromObject` first, so an enum given by name, an
 * int64 as a string or bytes as base64 are accepted as in proto3's JSON mapping.
 */
export function protobufjsCodec(
  type: protobuf.Type,
  conversion: protobuf.IConversionOptions = DEFAULT_CONVERSION,
): MessageCodec<ProtobufjsMessage> {
  /** The last message sized and its bytes: `write` of that same object copies them. */
  let sizedMessage: ProtobufjsMessage | undefined;
  let sizedBytes: Uint8Array = new Uint8Array(0);
  const encode = (message: ProtobufjsMessage): Uint8Array => {
    const native = message instanceof type.ctor ? message : fromObject(type, message);
    return type.encode(native).finish();
  };
  return {
    typeName: type.fullName.slice(1),
    create: () => type.toObject(type.create(), conversion),
    size(message) {
      sizedBytes = encode(message);
      sizedMessage = message;
      return sizedBytes.length;
    },
    write(message: ProtobufjsMessage, writer: Writer) {
      const bytes = message === sizedMessage ? sizedBytes : encode(message);
      sizedMessage = undefined;
      writer.raw(bytes);
    },
    read(reader: Reader, into?: ProtobufjsMessage) {
      const bytes = reader.buf.subarray(reader.pos, reader.end);
      let decoded: protobuf.Message;
      try {
        decoded = type.decode(bytes);
      } catch (error) {
        throw new WireError(`${type.fullName.slice(1)}: ${(error as Error).message}`, reader.pos);
      }
      reader.pos = reader.end;
      const message = type.toObject(decoded, conversion);
      // protobufjs's API cannot decode onto an existing message, so `into` gets every field of
      // the decoded one (absent fields at their defaults): not proto's merge of nested fields.
      return into === undefined ? message : Object.assign(into, message);
    },
  };
}

/** protobufjs's fromObject, with its TypeError turned into a sentence that names the type. */
function fromObject(type: protobuf.Type, object: ProtobufjsMessage): protobuf.Message {
  try {
    return type.fromObject(object);
  } catch (error) {
    throw new TypeError(
      `a ${type.fullName.slice(1)} message could not be encoded: ${(error as Error).message}`,
    );
  }
}
