// handwire/wire: everything needed to write a protobuf message codec by hand (protobuf.dev
// "Encoding"), and the codecs of the messages every gRPC user meets — the well-known Any and
// Duration, google.rpc.Status and the error details of google/rpc/error_details.proto.
//
// A codec is a MessageCodec: `size` adds up the bytes with the size helpers below, `write` emits
// them with a Writer, `read` decodes with a Reader until its end. test/fixtures/echo-codecs.ts and
// src/wire/messages/ are worked examples; docs in each file say which protobuf rule they follow.

export {
  decodeMessage,
  type EmptyMessage,
  emptyMessageCodec,
  encodeMessage,
  type MessageCodec,
  messageFieldSize,
  readMessageField,
  writeMessageField,
} from './codec.js';
export {
  type Any,
  AnyCodec,
  type Duration,
  DurationCodec,
  TYPE_URL_PREFIX,
} from './messages/google-protobuf.js';
export {
  type BadRequest,
  BadRequestCodec,
  type ErrorInfo,
  ErrorInfoCodec,
  type FieldViolation,
  FieldViolationCodec,
  type LocalizedMessage,
  LocalizedMessageCodec,
  type RetryInfo,
  RetryInfoCodec,
  type Status as RpcStatus,
  StatusCodec as RpcStatusCodec,
} from './messages/google-rpc.js';
export { MAX_DEPTH, Reader } from './reader.js';
export {
  bytesSize,
  int32Size,
  int64Size,
  sint32Size,
  sint64Size,
  stringSize,
  tagSize,
  uint64Size,
  utf8Length,
  varint32Size,
  varint64SizeSplit,
} from './sizes.js';
export { WireError } from './wire-error.js';
export { MAX_FIELD_NUMBER, makeTag, WireType } from './wire-types.js';
export { Writer } from './writer.js';
