// Codecs for google/protobuf/any.proto and google/protobuf/duration.proto (well-known types).

import type { MessageCodec } from '../codec.js';
import { bytesSize, int32Size, int64Size, stringSize } from '../sizes.js';
import { WireType } from '../wire-types.js';

/** google.protobuf.Any: a message of any type, named by `typeUrl` (`type.googleapis.com/NAME`). */
export interface Any {
  typeUrl: string;
  value: Uint8Array;
}

export const AnyCodec: MessageCodec<Any> = {
  typeName: 'google.protobuf.Any',
  create: () => ({ typeUrl: '', value: new Uint8Array(0) }),
  size(m) {
    let size = 0;
    if (m.typeUrl !== '') size += 1 + stringSize(m.typeUrl);
    if (m.value.length > 0) size += 1 + bytesSize(m.value);
    return size;
  },
  write(m, w) {
    if (m.typeUrl !== '') w.tag(1, WireType.LengthDelimited).string(m.typeUrl);
    if (m.value.length > 0) w.tag(2, WireType.LengthDelimited).bytes(m.value);
  },
  read(r, into) {
    const m = into ?? AnyCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.typeUrl = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.value = r.bytes();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** The prefix of `Any.type_url` for messages packed by handwire, as every gRPC library writes it. */
export const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** google.protobuf.Duration: seconds and nanoseconds of the same sign. */
export interface Duration {
  seconds: number;
  nanos: number;
}

export const DurationCodec: MessageCodec<Duration> = {
  typeName: 'google.protobuf.Duration',
  create: () => ({ seconds: 0, nanos: 0 }),
  size(m) {
    let size = 0;
    if (m.seconds !== 0) size += 1 + int64Size(m.seconds);
    if (m.nanos !== 0) size += 1 + int32Size(m.nanos);
    return size;
  },
  write(m, w) {
    if (m.seconds !== 0) w.tag(1, WireType.Varint).int64(m.seconds);
    if (m.nanos !== 0) w.tag(2, WireType.Varint).int32(m.nanos);
  },
  read(r, into) {
    const m = into ?? DurationCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.Varint:
          m.seconds = r.int64();
          break;
        case (2 << 3) | WireType.Varint:
          m.nanos = r.int32();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};
