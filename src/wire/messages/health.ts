// Codecs for proto/grpc/health/v1/health.proto, package grpc.health.v1 (grpc doc/health-checking.md;
// protobuf.dev "Encoding", section "Maps" for HealthListResponse.statuses).
//
// Written by hand like every codec in this folder: proto3 rules, a field at its default is
// not written, unknown fields are skipped, a field number arriving with another wire type is
// treated as unknown.

import {
  type EmptyMessage,
  emptyMessageCodec,
  type MessageCodec,
  messageFieldSize,
  readMessageField,
  writeMessageField,
} from '../codec.js';
import type { Reader } from '../reader.js';
import { int32Size, stringSize, varint32Size } from '../sizes.js';
import { WireType } from '../wire-types.js';
import type { Writer } from '../writer.js';

/**
 * grpc.health.v1.HealthCheckResponse.ServingStatus. A status field is a `number`: proto3 enums are
 * open, so a value a newer peer sends is kept as its number.
 */
export const ServingStatus = {
  UNKNOWN: 0,
  SERVING: 1,
  NOT_SERVING: 2,
  /** Used only by Watch: the service is not known (yet). */
  SERVICE_UNKNOWN: 3,
} as const;
export type ServingStatus = (typeof ServingStatus)[keyof typeof ServingStatus];

/** The name of a status value (`SERVING`), or the number itself for a value not listed. */
export function servingStatusName(status: number): string {
  for (const [name, value] of Object.entries(ServingStatus)) if (value === status) return name;
  return String(status);
}

/** grpc.health.v1.HealthCheckRequest: "" asks for the server as a whole. */
export interface HealthCheckRequest {
  service: string;
}

export const HealthCheckRequestCodec: MessageCodec<HealthCheckRequest> = {
  typeName: 'grpc.health.v1.HealthCheckRequest',
  create: () => ({ service: '' }),
  size(m) {
    return m.service === '' ? 0 : 1 + stringSize(m.service);
  },
  write(m, w) {
    if (m.service !== '') w.tag(1, WireType.LengthDelimited).string(m.service);
  },
  read(r, into) {
    const m = into ?? HealthCheckRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | WireType.LengthDelimited)) m.service = r.string();
      else r.skip(key);
    }
    return m;
  },
};

/** grpc.health.v1.HealthCheckResponse */
export interface HealthCheckResponse {
  /** A ServingStatus value, or any other int32 received from a peer. */
  status: number;
}

export const HealthCheckResponseCodec: MessageCodec<HealthCheckResponse> = {
  typeName: 'grpc.health.v1.HealthCheckResponse',
  create: () => ({ status: ServingStatus.UNKNOWN }),
  size(m) {
    return m.status === 0 ? 0 : 1 + int32Size(m.status);
  },
  write(m, w) {
    // Enums are int32 on the wire: a negative unknown value is sign-extended to 10 bytes.
    if (m.status !== 0) w.tag(1, WireType.Varint).int32(m.status);
  },
  read(r, into) {
    const m = into ?? HealthCheckResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | WireType.Varint)) m.status = r.int32();
      else r.skip(key);
    }
    return m;
  },
};

/** grpc.health.v1.HealthListRequest: no fields. */
export type HealthListRequest = EmptyMessage;

export const HealthListRequestCodec = emptyMessageCodec('grpc.health.v1.HealthListRequest');

/**
 * grpc.health.v1.HealthListResponse. `statuses` is a Map, not a plain object: its keys are service
 * names a peer chose, and a Map keeps insertion order, so the same Map encodes to the same bytes.
 */
export interface HealthListResponse {
  statuses: Map<string, HealthCheckResponse>;
}

/**
 * On the wire a `map<string, HealthCheckResponse>` is a repeated message
 * `{ string key = 1; HealthCheckResponse value = 2; }`. Both are written even when empty, as
 * protobuf C++ does; a reader takes a missing key as "" and a missing value as the default.
 */
function statusEntrySize(key: string, value: HealthCheckResponse): number {
  return 1 + stringSize(key) + messageFieldSize(2, HealthCheckResponseCodec, value);
}

function writeStatusEntry(w: Writer, key: string, value: HealthCheckResponse): void {
  w.tag(1, WireType.LengthDelimited).uint32(statusEntrySize(key, value));
  w.tag(1, WireType.LengthDelimited).string(key);
  writeMessageField(w, 2, HealthCheckResponseCodec, value);
}

/** Reads one entry (its key already read) into `map`; a key seen again replaces its value. */
function readStatusEntry(r: Reader, map: Map<string, HealthCheckResponse>): void {
  r.message((entry) => {
    let key = '';
    let value = HealthCheckResponseCodec.create();
    while (entry.pos < entry.end) {
      const entryKey = entry.tag();
      switch (entryKey) {
        case (1 << 3) | WireType.LengthDelimited:
          key = entry.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          value = readMessageField(entry, HealthCheckResponseCodec, value);
          break;
        default:
          entry.skip(entryKey);
      }
    }
    map.set(key, value);
  });
}

export const HealthListResponseCodec: MessageCodec<HealthListResponse> = {
  typeName: 'grpc.health.v1.HealthListResponse',
  create: () => ({ statuses: new Map() }),
  size(m) {
    let size = 0;
    for (const [key, value] of m.statuses) {
      const entry = statusEntrySize(key, value);
      size += 1 + varint32Size(entry) + entry;
    }
    return size;
  },
  write(m, w) {
    for (const [key, value] of m.statuses) writeStatusEntry(w, key, value);
  },
  read(r, into) {
    const m = into ?? HealthListResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | WireType.LengthDelimited)) readStatusEntry(r, m.statuses);
      else r.skip(key);
    }
    return m;
  },
};
