// Codecs for google/rpc/status.proto and the error details of google/rpc/error_details.proto that
// handwire sends and reads: BadRequest, ErrorInfo, RetryInfo (gRPC "richer error model").

import {
  type MessageCodec,
  messageFieldSize,
  readMessageField,
  writeMessageField,
} from '../codec.js';
import { int32Size, stringSize } from '../sizes.js';
import { WireType } from '../wire-types.js';
import { type Any, AnyCodec, type Duration, DurationCodec } from './google-protobuf.js';

/** google.rpc.Status: what `grpc-status-details-bin` carries. */
export interface Status {
  code: number;
  message: string;
  details: Any[];
}

export const StatusCodec: MessageCodec<Status> = {
  typeName: 'google.rpc.Status',
  create: () => ({ code: 0, message: '', details: [] }),
  size(m) {
    let size = 0;
    if (m.code !== 0) size += 1 + int32Size(m.code);
    if (m.message !== '') size += 1 + stringSize(m.message);
    for (const detail of m.details) size += messageFieldSize(3, AnyCodec, detail);
    return size;
  },
  write(m, w) {
    if (m.code !== 0) w.tag(1, WireType.Varint).int32(m.code);
    if (m.message !== '') w.tag(2, WireType.LengthDelimited).string(m.message);
    for (const detail of m.details) writeMessageField(w, 3, AnyCodec, detail);
  },
  read(r, into) {
    const m = into ?? StatusCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.Varint:
          m.code = r.int32();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.message = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.details.push(readMessageField(r, AnyCodec));
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** google.rpc.RetryInfo: how long the client should wait before retrying. */
export interface RetryInfo {
  /** Absent when null, as a singular message field may be. */
  retryDelay: Duration | null;
}

export const RetryInfoCodec: MessageCodec<RetryInfo> = {
  typeName: 'google.rpc.RetryInfo',
  create: () => ({ retryDelay: null }),
  size(m) {
    return m.retryDelay === null ? 0 : messageFieldSize(1, DurationCodec, m.retryDelay);
  },
  write(m, w) {
    if (m.retryDelay !== null) writeMessageField(w, 1, DurationCodec, m.retryDelay);
  },
  read(r, into) {
    const m = into ?? RetryInfoCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | WireType.LengthDelimited)) {
        // A singular message seen twice is merged, not replaced (proto "last one wins" per field).
        m.retryDelay = readMessageField(r, DurationCodec, m.retryDelay ?? undefined);
      } else {
        r.skip(key);
      }
    }
    return m;
  },
};
