// Codecs for google/rpc/status.proto and the error details of google/rpc/error_details.proto that
// handwire sends and reads: BadRequest, ErrorInfo, RetryInfo, LocalizedMessage (gRPC "richer error
// model"; map fields as protobuf.dev "Encoding", section "Maps").

import {
  type MessageCodec,
  messageFieldSize,
  readMessageField,
  writeMessageField,
} from '../codec.js';
import type { Reader } from '../reader.js';
import { int32Size, stringSize, varint32Size } from '../sizes.js';
import { WireType } from '../wire-types.js';
import type { Writer } from '../writer.js';
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

/** google.rpc.LocalizedMessage: an error message safe to show to a user, in a given locale. */
export interface LocalizedMessage {
  /** A BCP 47 tag such as "en-US". */
  locale: string;
  message: string;
}

export const LocalizedMessageCodec: MessageCodec<LocalizedMessage> = {
  typeName: 'google.rpc.LocalizedMessage',
  create: () => ({ locale: '', message: '' }),
  size(m) {
    let size = 0;
    if (m.locale !== '') size += 1 + stringSize(m.locale);
    if (m.message !== '') size += 1 + stringSize(m.message);
    return size;
  },
  write(m, w) {
    if (m.locale !== '') w.tag(1, WireType.LengthDelimited).string(m.locale);
    if (m.message !== '') w.tag(2, WireType.LengthDelimited).string(m.message);
  },
  read(r, into) {
    const m = into ?? LocalizedMessageCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.locale = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.message = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** google.rpc.BadRequest.FieldViolation: one field of a request that failed validation. */
export interface FieldViolation {
  /** Path to the field, e.g. "user.email" or "field_violations[2].field". */
  field: string;
  description: string;
  /** A constant in UPPER_SNAKE_CASE naming the cause, unique within the error's domain. */
  reason: string;
  /** Absent when null, as a singular message field may be. */
  localizedMessage: LocalizedMessage | null;
}

export const FieldViolationCodec: MessageCodec<FieldViolation> = {
  typeName: 'google.rpc.BadRequest.FieldViolation',
  create: () => ({ field: '', description: '', reason: '', localizedMessage: null }),
  size(m) {
    let size = 0;
    if (m.field !== '') size += 1 + stringSize(m.field);
    if (m.description !== '') size += 1 + stringSize(m.description);
    if (m.reason !== '') size += 1 + stringSize(m.reason);
    if (m.localizedMessage !== null) {
      size += messageFieldSize(4, LocalizedMessageCodec, m.localizedMessage);
    }
    return size;
  },
  write(m, w) {
    if (m.field !== '') w.tag(1, WireType.LengthDelimited).string(m.field);
    if (m.description !== '') w.tag(2, WireType.LengthDelimited).string(m.description);
    if (m.reason !== '') w.tag(3, WireType.LengthDelimited).string(m.reason);
    if (m.localizedMessage !== null) {
      writeMessageField(w, 4, LocalizedMessageCodec, m.localizedMessage);
    }
  },
  read(r, into) {
    const m = into ?? FieldViolationCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.field = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.description = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.reason = r.string();
          break;
        case (4 << 3) | WireType.LengthDelimited:
          // A singular message seen twice is merged into the first, field by field.
          m.localizedMessage = readMessageField(
            r,
            LocalizedMessageCodec,
            m.localizedMessage ?? undefined,
          );
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** google.rpc.BadRequest: every field of a request that failed validation. */
export interface BadRequest {
  fieldViolations: FieldViolation[];
}

export const BadRequestCodec: MessageCodec<BadRequest> = {
  typeName: 'google.rpc.BadRequest',
  create: () => ({ fieldViolations: [] }),
  size(m) {
    let size = 0;
    for (const violation of m.fieldViolations) {
      size += messageFieldSize(1, FieldViolationCodec, violation);
    }
    return size;
  },
  write(m, w) {
    for (const violation of m.fieldViolations)
      writeMessageField(w, 1, FieldViolationCodec, violation);
  },
  read(r, into) {
    const m = into ?? BadRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.fieldViolations.push(readMessageField(r, FieldViolationCodec));
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/**
 * google.rpc.ErrorInfo: the cause of an error as a machine-readable reason within a domain.
 *
 * `metadata` is a `Map`, not a plain object: its keys come from the peer, and a key such as
 * "__proto__" or "constructor" would be a trap in an object literal but is an ordinary key in a
 * Map. A Map also keeps insertion order, so the same Map always encodes to the same bytes.
 */
export interface ErrorInfo {
  /** UPPER_SNAKE_CASE constant naming the proximate cause, unique within `domain`. */
  reason: string;
  /** Who defines `reason`, usually a service name such as "pubsub.googleapis.com". */
  domain: string;
  metadata: Map<string, string>;
}

/**
 * A `map<string, string>` is, on the wire, a repeated message `{ string key = 1; string value = 2; }`.
 * Key and value are written even when empty, as protobuf C++ and protobufjs do, so the bytes
 * match theirs; a reader takes a missing one as "".
 */
function stringMapEntrySize(key: string, value: string): number {
  return 1 + stringSize(key) + 1 + stringSize(value);
}

function writeStringMapEntry(w: Writer, fieldNumber: number, key: string, value: string): void {
  w.tag(fieldNumber, WireType.LengthDelimited).uint32(stringMapEntrySize(key, value));
  w.tag(1, WireType.LengthDelimited).string(key);
  w.tag(2, WireType.LengthDelimited).string(value);
}

/** Reads one entry (its key already read) into `map`; a key seen again replaces its value. */
function readStringMapEntry(r: Reader, map: Map<string, string>): void {
  r.message((entry) => {
    let key = '';
    let value = '';
    while (entry.pos < entry.end) {
      const entryKey = entry.tag();
      switch (entryKey) {
        case (1 << 3) | WireType.LengthDelimited:
          key = entry.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          value = entry.string();
          break;
        default:
          entry.skip(entryKey);
      }
    }
    map.set(key, value);
  });
}

export const ErrorInfoCodec: MessageCodec<ErrorInfo> = {
  typeName: 'google.rpc.ErrorInfo',
  create: () => ({ reason: '', domain: '', metadata: new Map() }),
  size(m) {
    let size = 0;
    if (m.reason !== '') size += 1 + stringSize(m.reason);
    if (m.domain !== '') size += 1 + stringSize(m.domain);
    for (const [key, value] of m.metadata) {
      const entry = stringMapEntrySize(key, value);
      size += 1 + varint32Size(entry) + entry;
    }
    return size;
  },
  write(m, w) {
    if (m.reason !== '') w.tag(1, WireType.LengthDelimited).string(m.reason);
    if (m.domain !== '') w.tag(2, WireType.LengthDelimited).string(m.domain);
    for (const [key, value] of m.metadata) writeStringMapEntry(w, 3, key, value);
  },
  read(r, into) {
    const m = into ?? ErrorInfoCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.reason = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.domain = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          readStringMapEntry(r, m.metadata);
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};
