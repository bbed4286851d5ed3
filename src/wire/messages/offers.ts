// Codecs for proto/offers.proto, package offers.v1 (protobuf.dev "Encoding"; proto3 semantics).
//
// One interface and one MessageCodec per message, written by hand. Fields follow the .proto's
// order and numbers; names are the camelCase of the .proto names. Proto3 rules (codec.ts): a field
// at its default is not written, a scalar seen twice keeps the last value, an unknown field or a
// known field number arriving with another wire type is skipped.

import {
  type MessageCodec,
  messageFieldSize,
  readMessageField,
  writeMessageField,
} from '../codec.js';
import { int32Size, int64Size, stringSize } from '../sizes.js';
import { WireType } from '../wire-types.js';

// Every field of these messages has a number below 16, so each key is one byte: `1 +` in a size.

/** offers.v1.UserOffer */
export interface UserOffer {
  userId: string;
  offerCode: string;
  /** Increases by one on every change of this user's offer. */
  version: number;
  /** Unix time, milliseconds. */
  updatedAt: number;
}

export const UserOfferCodec: MessageCodec<UserOffer> = {
  typeName: 'offers.v1.UserOffer',
  create: () => ({ userId: '', offerCode: '', version: 0, updatedAt: 0 }),
  size(m) {
    let size = 0;
    if (m.userId !== '') size += 1 + stringSize(m.userId);
    if (m.offerCode !== '') size += 1 + stringSize(m.offerCode);
    if (m.version !== 0) size += 1 + int64Size(m.version);
    if (m.updatedAt !== 0) size += 1 + int64Size(m.updatedAt);
    return size;
  },
  write(m, w) {
    if (m.userId !== '') w.tag(1, WireType.LengthDelimited).string(m.userId);
    if (m.offerCode !== '') w.tag(2, WireType.LengthDelimited).string(m.offerCode);
    if (m.version !== 0) w.tag(3, WireType.Varint).int64(m.version);
    if (m.updatedAt !== 0) w.tag(4, WireType.Varint).int64(m.updatedAt);
  },
  read(r, into) {
    const m = into ?? UserOfferCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.offerCode = r.string();
          break;
        case (3 << 3) | WireType.Varint:
          m.version = r.int64();
          break;
        case (4 << 3) | WireType.Varint:
          m.updatedAt = r.int64();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** offers.v1.SetUserOfferRequest */
export interface SetUserOfferRequest {
  userId: string;
  offerCode: string;
}

export const SetUserOfferRequestCodec: MessageCodec<SetUserOfferRequest> = {
  typeName: 'offers.v1.SetUserOfferRequest',
  create: () => ({ userId: '', offerCode: '' }),
  size(m) {
    let size = 0;
    if (m.userId !== '') size += 1 + stringSize(m.userId);
    if (m.offerCode !== '') size += 1 + stringSize(m.offerCode);
    return size;
  },
  write(m, w) {
    if (m.userId !== '') w.tag(1, WireType.LengthDelimited).string(m.userId);
    if (m.offerCode !== '') w.tag(2, WireType.LengthDelimited).string(m.offerCode);
  },
  read(r, into) {
    const m = into ?? SetUserOfferRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.offerCode = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** offers.v1.GetUserOfferRequest */
export interface GetUserOfferRequest {
  userId: string;
}

export const GetUserOfferRequestCodec: MessageCodec<GetUserOfferRequest> = {
  typeName: 'offers.v1.GetUserOfferRequest',
  create: () => ({ userId: '' }),
  size(m) {
    return m.userId !== '' ? 1 + stringSize(m.userId) : 0;
  },
  write(m, w) {
    if (m.userId !== '') w.tag(1, WireType.LengthDelimited).string(m.userId);
  },
  read(r, into) {
    const m = into ?? GetUserOfferRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** offers.v1.MigrationRow: one row of a CSV upload. */
export interface MigrationRow {
  userId: string;
  currentOffer: string;
  targetOffer: string;
}

export const MigrationRowCodec: MessageCodec<MigrationRow> = {
  typeName: 'offers.v1.MigrationRow',
  create: () => ({ userId: '', currentOffer: '', targetOffer: '' }),
  size(m) {
    let size = 0;
    if (m.userId !== '') size += 1 + stringSize(m.userId);
    if (m.currentOffer !== '') size += 1 + stringSize(m.currentOffer);
    if (m.targetOffer !== '') size += 1 + stringSize(m.targetOffer);
    return size;
  },
  write(m, w) {
    if (m.userId !== '') w.tag(1, WireType.LengthDelimited).string(m.userId);
    if (m.currentOffer !== '') w.tag(2, WireType.LengthDelimited).string(m.currentOffer);
    if (m.targetOffer !== '') w.tag(3, WireType.LengthDelimited).string(m.targetOffer);
  },
  read(r, into) {
    const m = into ?? MigrationRowCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.currentOffer = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.targetOffer = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** offers.v1.RowError: why one row of an upload was not migrated. */
export interface RowError {
  /** 1-based position of the row in the upload. */
  row: number;
  userId: string;
  reason: string;
}

export const RowErrorCodec: MessageCodec<RowError> = {
  typeName: 'offers.v1.RowError',
  create: () => ({ row: 0, userId: '', reason: '' }),
  size(m) {
    let size = 0;
    if (m.row !== 0) size += 1 + int32Size(m.row);
    if (m.userId !== '') size += 1 + stringSize(m.userId);
    if (m.reason !== '') size += 1 + stringSize(m.reason);
    return size;
  },
  write(m, w) {
    if (m.row !== 0) w.tag(1, WireType.Varint).int32(m.row);
    if (m.userId !== '') w.tag(2, WireType.LengthDelimited).string(m.userId);
    if (m.reason !== '') w.tag(3, WireType.LengthDelimited).string(m.reason);
  },
  read(r, into) {
    const m = into ?? RowErrorCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.Varint:
          m.row = r.int32();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.reason = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** offers.v1.MigrationReport: the outcome of one upload. */
export interface MigrationReport {
  migrationId: string;
  /** Rows received. */
  rows: number;
  /** Current offer matched and was changed to the target. */
  migrated: number;
  /** Already on the target offer. */
  skipped: number;
  /** Unknown user, offer mismatch, or invalid row. */
  failed: number;
  errors: RowError[];
}

export const MigrationReportCodec: MessageCodec<MigrationReport> = {
  typeName: 'offers.v1.MigrationReport',
  create: () => ({ migrationId: '', rows: 0, migrated: 0, skipped: 0, failed: 0, errors: [] }),
  size(m) {
    let size = 0;
    if (m.migrationId !== '') size += 1 + stringSize(m.migrationId);
    if (m.rows !== 0) size += 1 + int32Size(m.rows);
    if (m.migrated !== 0) size += 1 + int32Size(m.migrated);
    if (m.skipped !== 0) size += 1 + int32Size(m.skipped);
    if (m.failed !== 0) size += 1 + int32Size(m.failed);
    // A repeated message writes every element, an empty one too (as key and a zero length).
    for (const error of m.errors) size += messageFieldSize(6, RowErrorCodec, error);
    return size;
  },
  write(m, w) {
    if (m.migrationId !== '') w.tag(1, WireType.LengthDelimited).string(m.migrationId);
    if (m.rows !== 0) w.tag(2, WireType.Varint).int32(m.rows);
    if (m.migrated !== 0) w.tag(3, WireType.Varint).int32(m.migrated);
    if (m.skipped !== 0) w.tag(4, WireType.Varint).int32(m.skipped);
    if (m.failed !== 0) w.tag(5, WireType.Varint).int32(m.failed);
    for (const error of m.errors) writeMessageField(w, 6, RowErrorCodec, error);
  },
  read(r, into) {
    const m = into ?? MigrationReportCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.migrationId = r.string();
          break;
        case (2 << 3) | WireType.Varint:
          m.rows = r.int32();
          break;
        case (3 << 3) | WireType.Varint:
          m.migrated = r.int32();
          break;
        case (4 << 3) | WireType.Varint:
          m.skipped = r.int32();
          break;
        case (5 << 3) | WireType.Varint:
          m.failed = r.int32();
          break;
        case (6 << 3) | WireType.LengthDelimited:
          m.errors.push(readMessageField(r, RowErrorCodec));
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** offers.v1.WatchOfferEventsRequest */
export interface WatchOfferEventsRequest {
  /** First event offset to deliver; events before it are skipped. */
  fromOffset: number;
  /** "" for all users. */
  userId: string;
}

export const WatchOfferEventsRequestCodec: MessageCodec<WatchOfferEventsRequest> = {
  typeName: 'offers.v1.WatchOfferEventsRequest',
  create: () => ({ fromOffset: 0, userId: '' }),
  size(m) {
    let size = 0;
    if (m.fromOffset !== 0) size += 1 + int64Size(m.fromOffset);
    if (m.userId !== '') size += 1 + stringSize(m.userId);
    return size;
  },
  write(m, w) {
    if (m.fromOffset !== 0) w.tag(1, WireType.Varint).int64(m.fromOffset);
    if (m.userId !== '') w.tag(2, WireType.LengthDelimited).string(m.userId);
  },
  read(r, into) {
    const m = into ?? WatchOfferEventsRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.Varint:
          m.fromOffset = r.int64();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** offers.v1.OfferEvent: one change of a user's offer, as published on "user-offers". */
export interface OfferEvent {
  eventId: string;
  /** Position in the "user-offers" log, dense from 0. */
  offset: number;
  userId: string;
  fromOffer: string;
  toOffer: string;
  /** "" for a single SetUserOffer. */
  migrationId: string;
  /** Unix time, milliseconds. */
  occurredAt: number;
}

export const OfferEventCodec: MessageCodec<OfferEvent> = {
  typeName: 'offers.v1.OfferEvent',
  create: () => ({
    eventId: '',
    offset: 0,
    userId: '',
    fromOffer: '',
    toOffer: '',
    migrationId: '',
    occurredAt: 0,
  }),
  size(m) {
    let size = 0;
    if (m.eventId !== '') size += 1 + stringSize(m.eventId);
    if (m.offset !== 0) size += 1 + int64Size(m.offset);
    if (m.userId !== '') size += 1 + stringSize(m.userId);
    if (m.fromOffer !== '') size += 1 + stringSize(m.fromOffer);
    if (m.toOffer !== '') size += 1 + stringSize(m.toOffer);
    if (m.migrationId !== '') size += 1 + stringSize(m.migrationId);
    if (m.occurredAt !== 0) size += 1 + int64Size(m.occurredAt);
    return size;
  },
  write(m, w) {
    if (m.eventId !== '') w.tag(1, WireType.LengthDelimited).string(m.eventId);
    if (m.offset !== 0) w.tag(2, WireType.Varint).int64(m.offset);
    if (m.userId !== '') w.tag(3, WireType.LengthDelimited).string(m.userId);
    if (m.fromOffer !== '') w.tag(4, WireType.LengthDelimited).string(m.fromOffer);
    if (m.toOffer !== '') w.tag(5, WireType.LengthDelimited).string(m.toOffer);
    if (m.migrationId !== '') w.tag(6, WireType.LengthDelimited).string(m.migrationId);
    if (m.occurredAt !== 0) w.tag(7, WireType.Varint).int64(m.occurredAt);
  },
  read(r, into) {
    const m = into ?? OfferEventCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.eventId = r.string();
          break;
        case (2 << 3) | WireType.Varint:
          m.offset = r.int64();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        case (4 << 3) | WireType.LengthDelimited:
          m.fromOffer = r.string();
          break;
        case (5 << 3) | WireType.LengthDelimited:
          m.toOffer = r.string();
          break;
        case (6 << 3) | WireType.LengthDelimited:
          m.migrationId = r.string();
          break;
        case (7 << 3) | WireType.Varint:
          m.occurredAt = r.int64();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};
