// Codecs for proto/user.proto, package user (protobuf.dev "Encoding"; proto3 semantics).
//
// One interface and one MessageCodec per message, written by hand. Fields follow the .proto's
// order and numbers; names are the camelCase of the .proto names. Proto3 rules (codec.ts): a field
// at its default is not written, a scalar seen twice keeps the last value, an unknown field or a
// known field number arriving with another wire type is skipped.

import type { MessageCodec } from '../codec.js';
import { int32Size, int64Size, stringSize } from '../sizes.js';
import { WireType } from '../wire-types.js';

/**
 * user.Role. A field of this type is a `number`, not `Role`: proto3 enums are open, so a value
 * this file does not list (sent by a newer peer) is kept as its number and written back unchanged.
 */
export const Role = {
  ROLE_UNSPECIFIED: 0,
  ROLE_USER: 1,
  ROLE_ADMIN: 2,
  ROLE_MODERATOR: 3,
} as const;
export type Role = (typeof Role)[keyof typeof Role];

// Every field of these messages has a number below 16, so each key is one byte: `1 +` in a size.

/** user.User */
export interface User {
  id: string;
  username: string;
  email: string;
  fullName: string;
  /** A Role value, or any other int32 received from a peer. */
  role: number;
  /** Unix time, milliseconds. */
  createdAt: number;
  /** Unix time, milliseconds. */
  updatedAt: number;
}

export const UserCodec: MessageCodec<User> = {
  typeName: 'user.User',
  create: () => ({
    id: '',
    username: '',
    email: '',
    fullName: '',
    role: 0,
    createdAt: 0,
    updatedAt: 0,
  }),
  size(m) {
    let size = 0;
    if (m.id !== '') size += 1 + stringSize(m.id);
    if (m.username !== '') size += 1 + stringSize(m.username);
    if (m.email !== '') size += 1 + stringSize(m.email);
    if (m.fullName !== '') size += 1 + stringSize(m.fullName);
    if (m.role !== 0) size += 1 + int32Size(m.role);
    if (m.createdAt !== 0) size += 1 + int64Size(m.createdAt);
    if (m.updatedAt !== 0) size += 1 + int64Size(m.updatedAt);
    return size;
  },
  write(m, w) {
    if (m.id !== '') w.tag(1, WireType.LengthDelimited).string(m.id);
    if (m.username !== '') w.tag(2, WireType.LengthDelimited).string(m.username);
    if (m.email !== '') w.tag(3, WireType.LengthDelimited).string(m.email);
    if (m.fullName !== '') w.tag(4, WireType.LengthDelimited).string(m.fullName);
    // Enums are int32 on the wire: a negative unknown value is sign-extended to 10 bytes.
    if (m.role !== 0) w.tag(5, WireType.Varint).int32(m.role);
    if (m.createdAt !== 0) w.tag(6, WireType.Varint).int64(m.createdAt);
    if (m.updatedAt !== 0) w.tag(7, WireType.Varint).int64(m.updatedAt);
  },
  read(r, into) {
    const m = into ?? UserCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.id = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.username = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.email = r.string();
          break;
        case (4 << 3) | WireType.LengthDelimited:
          m.fullName = r.string();
          break;
        case (5 << 3) | WireType.Varint:
          m.role = r.int32();
          break;
        case (6 << 3) | WireType.Varint:
          m.createdAt = r.int64();
          break;
        case (7 << 3) | WireType.Varint:
          m.updatedAt = r.int64();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** user.CreateUserRequest */
export interface CreateUserRequest {
  username: string;
  email: string;
  fullName: string;
  /** A Role value, or any other int32 received from a peer. */
  role: number;
}

export const CreateUserRequestCodec: MessageCodec<CreateUserRequest> = {
  typeName: 'user.CreateUserRequest',
  create: () => ({ username: '', email: '', fullName: '', role: 0 }),
  size(m) {
    let size = 0;
    if (m.username !== '') size += 1 + stringSize(m.username);
    if (m.email !== '') size += 1 + stringSize(m.email);
    if (m.fullName !== '') size += 1 + stringSize(m.fullName);
    if (m.role !== 0) size += 1 + int32Size(m.role);
    return size;
  },
  write(m, w) {
    if (m.username !== '') w.tag(1, WireType.LengthDelimited).string(m.username);
    if (m.email !== '') w.tag(2, WireType.LengthDelimited).string(m.email);
    if (m.fullName !== '') w.tag(3, WireType.LengthDelimited).string(m.fullName);
    if (m.role !== 0) w.tag(4, WireType.Varint).int32(m.role);
  },
  read(r, into) {
    const m = into ?? CreateUserRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.username = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.email = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.fullName = r.string();
          break;
        case (4 << 3) | WireType.Varint:
          m.role = r.int32();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** user.GetUserRequest */
export interface GetUserRequest {
  id: string;
}

export const GetUserRequestCodec: MessageCodec<GetUserRequest> = {
  typeName: 'user.GetUserRequest',
  create: () => ({ id: '' }),
  size(m) {
    return m.id !== '' ? 1 + stringSize(m.id) : 0;
  },
  write(m, w) {
    if (m.id !== '') w.tag(1, WireType.LengthDelimited).string(m.id);
  },
  read(r, into) {
    const m = into ?? GetUserRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.id = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** user.ListUsersRequest */
export interface ListUsersRequest {
  /** "" for all roles, else a Role name such as "ROLE_ADMIN". */
  roleFilter: string;
  /** 0 for no limit. */
  limit: number;
}

export const ListUsersRequestCodec: MessageCodec<ListUsersRequest> = {
  typeName: 'user.ListUsersRequest',
  create: () => ({ roleFilter: '', limit: 0 }),
  size(m) {
    let size = 0;
    if (m.roleFilter !== '') size += 1 + stringSize(m.roleFilter);
    if (m.limit !== 0) size += 1 + int32Size(m.limit);
    return size;
  },
  write(m, w) {
    if (m.roleFilter !== '') w.tag(1, WireType.LengthDelimited).string(m.roleFilter);
    if (m.limit !== 0) w.tag(2, WireType.Varint).int32(m.limit);
  },
  read(r, into) {
    const m = into ?? ListUsersRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.roleFilter = r.string();
          break;
        case (2 << 3) | WireType.Varint:
          m.limit = r.int32();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** user.BatchCreateResponse */
export interface BatchCreateResponse {
  createdCount: number;
  userIds: string[];
}

export const BatchCreateResponseCodec: MessageCodec<BatchCreateResponse> = {
  typeName: 'user.BatchCreateResponse',
  create: () => ({ createdCount: 0, userIds: [] }),
  size(m) {
    let size = 0;
    if (m.createdCount !== 0) size += 1 + int32Size(m.createdCount);
    // Repeated strings are never packed: one key per element, and "" elements are written too.
    for (const id of m.userIds) size += 1 + stringSize(id);
    return size;
  },
  write(m, w) {
    if (m.createdCount !== 0) w.tag(1, WireType.Varint).int32(m.createdCount);
    for (const id of m.userIds) w.tag(2, WireType.LengthDelimited).string(id);
  },
  read(r, into) {
    const m = into ?? BatchCreateResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.Varint:
          m.createdCount = r.int32();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.userIds.push(r.string());
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** user.UserUpdateRequest */
export interface UserUpdateRequest {
  userId: string;
  /** "username" | "email" | "full_name" | "role" */
  field: string;
  value: string;
}

export const UserUpdateRequestCodec: MessageCodec<UserUpdateRequest> = {
  typeName: 'user.UserUpdateRequest',
  create: () => ({ userId: '', field: '', value: '' }),
  size(m) {
    let size = 0;
    if (m.userId !== '') size += 1 + stringSize(m.userId);
    if (m.field !== '') size += 1 + stringSize(m.field);
    if (m.value !== '') size += 1 + stringSize(m.value);
    return size;
  },
  write(m, w) {
    if (m.userId !== '') w.tag(1, WireType.LengthDelimited).string(m.userId);
    if (m.field !== '') w.tag(2, WireType.LengthDelimited).string(m.field);
    if (m.value !== '') w.tag(3, WireType.LengthDelimited).string(m.value);
  },
  read(r, into) {
    const m = into ?? UserUpdateRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.field = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.value = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** user.UserUpdateResponse */
export interface UserUpdateResponse {
  userId: string;
  success: boolean;
  message: string;
}

export const UserUpdateResponseCodec: MessageCodec<UserUpdateResponse> = {
  typeName: 'user.UserUpdateResponse',
  create: () => ({ userId: '', success: false, message: '' }),
  size(m) {
    let size = 0;
    if (m.userId !== '') size += 1 + stringSize(m.userId);
    if (m.success) size += 2;
    if (m.message !== '') size += 1 + stringSize(m.message);
    return size;
  },
  write(m, w) {
    if (m.userId !== '') w.tag(1, WireType.LengthDelimited).string(m.userId);
    if (m.success) w.tag(2, WireType.Varint).bool(true);
    if (m.message !== '') w.tag(3, WireType.LengthDelimited).string(m.message);
  },
  read(r, into) {
    const m = into ?? UserUpdateResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.userId = r.string();
          break;
        case (2 << 3) | WireType.Varint:
          m.success = r.bool();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.message = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** user.DeleteUserRequest */
export interface DeleteUserRequest {
  id: string;
}

export const DeleteUserRequestCodec: MessageCodec<DeleteUserRequest> = {
  typeName: 'user.DeleteUserRequest',
  create: () => ({ id: '' }),
  size(m) {
    return m.id !== '' ? 1 + stringSize(m.id) : 0;
  },
  write(m, w) {
    if (m.id !== '') w.tag(1, WireType.LengthDelimited).string(m.id);
  },
  read(r, into) {
    const m = into ?? DeleteUserRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.id = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** user.DeleteUserResponse */
export interface DeleteUserResponse {
  success: boolean;
}

export const DeleteUserResponseCodec: MessageCodec<DeleteUserResponse> = {
  typeName: 'user.DeleteUserResponse',
  create: () => ({ success: false }),
  size(m) {
    return m.success ? 2 : 0;
  },
  write(m, w) {
    if (m.success) w.tag(1, WireType.Varint).bool(true);
  },
  read(r, into) {
    const m = into ?? DeleteUserResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.Varint:
          m.success = r.bool();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};
