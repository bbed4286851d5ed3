// user.UserService (proto/user.proto) on the UserStore, with the behaviour of docs/contract.md §2:
// validation first (INVALID_ARGUMENT with a google.rpc.BadRequest naming each field), then lookups.

import type { ServiceImplementation } from '../../server/handlers.js';
import {
  ConflictError,
  type StoredUser,
  type UserField,
  UserNotFoundError,
  type UserStore,
} from '../../store/user-store.js';
import { GrpcError, packDetail } from '../../transport/grpc-error.js';
import { method } from '../../transport/service-definition.js';
import { Status } from '../../transport/status.js';
import { BadRequestCodec, type FieldViolation } from '../../wire/messages/google-rpc.js';
import {
  BatchCreateResponseCodec,
  CreateUserRequestCodec,
  DeleteUserRequestCodec,
  DeleteUserResponseCodec,
  GetUserRequestCodec,
  ListUsersRequestCodec,
  Role,
  type User,
  UserCodec,
  type UserUpdateRequest,
  UserUpdateRequestCodec,
  type UserUpdateResponse,
  UserUpdateResponseCodec,
} from '../../wire/messages/user.js';
import { invalidArgument, violation } from '../bad-request.js';
import {
  checkEmail,
  checkFullName,
  checkNewUser,
  checkUsername,
  roleByName,
} from './validation.js';

const SERVICE = 'user.UserService';

export const UserServiceDefinition = {
  name: SERVICE,
  methods: {
    CreateUser: method(SERVICE, 'CreateUser', 'unary', CreateUserRequestCodec, UserCodec),
    GetUser: method(SERVICE, 'GetUser', 'unary', GetUserRequestCodec, UserCodec),
    ListUsers: method(SERVICE, 'ListUsers', 'serverStreaming', ListUsersRequestCodec, UserCodec),
    BatchCreateUsers: method(
      SERVICE,
      'BatchCreateUsers',
      'clientStreaming',
      CreateUserRequestCodec,
      BatchCreateResponseCodec,
    ),
    StreamUserUpdates: method(
      SERVICE,
      'StreamUserUpdates',
      'bidiStreaming',
      UserUpdateRequestCodec,
      UserUpdateResponseCodec,
    ),
    DeleteUser: method(
      SERVICE,
      'DeleteUser',
      'unary',
      DeleteUserRequestCodec,
      DeleteUserResponseCodec,
    ),
  },
} as const;

export interface UserServiceOptions {
  /** Most requests one BatchCreateUsers stream may carry (they are held until it ends). */
  maxBatchSize?: number;
}

const toMessage = (user: StoredUser): User => ({ ...user });

export function createUserService(
  store: UserStore,
  options: UserServiceOptions = {},
): ServiceImplementation<typeof UserServiceDefinition> {
  const maxBatchSize = options.maxBatchSize ?? 100_000;
  return {
    async CreateUser(request) {
      const violations = checkNewUser(request);
      if (violations.length > 0) throw invalidArgument(violations);
      try {
        return toMessage(
          store.create({
            username: request.username,
            email: request.email,
            fullName: request.fullName,
            role: request.role === Role.ROLE_UNSPECIFIED ? Role.ROLE_USER : request.role,
          }),
        );
      } catch (error) {
        if (error instanceof ConflictError)
          throw new GrpcError(Status.ALREADY_EXISTS, error.message);
        throw error;
      }
    },

    async GetUser(request) {
      if (request.id === '') throw invalidArgument([violation('id', 'must not be empty')]);
      const user = store.get(request.id);
      if (user === undefined)
        throw new GrpcError(Status.NOT_FOUND, `no user has id "${request.id}"`);
      return toMessage(user);
    },

    async *ListUsers(request) {
      let role: number | undefined;
      if (request.roleFilter !== '') {
        role = roleByName(request.roleFilter);
        if (role === undefined) {
          throw invalidArgument([
            violation('role_filter', 'must be "", ROLE_USER, ROLE_ADMIN or ROLE_MODERATOR'),
          ]);
        }
      }
      if (request.limit < 0)
        throw invalidArgument([violation('limit', 'must be 0 (no limit) or more')]);
      // A snapshot: the stream shows the store as it was when the call began.
      for (const user of store.list({ role, limit: request.limit })) yield toMessage(user);
    },

    async BatchCreateUsers(requests) {
      const batch = [];
      for await (const request of requests) {
        if (batch.length === maxBatchSize) {
          throw new GrpcError(
            Status.RESOURCE_EXHAUSTED,
            `a batch may create at most ${maxBatchSize} users; split the upload`,
          );
        }
        batch.push(request);
      }
      const violations = batch.flatMap((request, i) => checkNewUser(request, `requests[${i}].`));
      if (violations.length > 0) throw invalidArgument(violations);
      try {
        const created = store.createMany(
          batch.map((request) => ({
            username: request.username,
            email: request.email,
            fullName: request.fullName,
            role: request.role === Role.ROLE_UNSPECIFIED ? Role.ROLE_USER : request.role,
          })),
        );
        return { createdCount: created.length, userIds: created.map((user) => user.id) };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const named = error.conflicts.map((c) =>
          violation(`requests[${c.index}].${c.field}`, `"${c.value}" is already taken`),
        );
        throw new GrpcError(Status.ALREADY_EXISTS, `nothing was created: ${error.message}`, {
          details: [packDetail(BadRequestCodec, { fieldViolations: named })],
        });
      }
    },

    async *StreamUserUpdates(requests) {
      for await (const request of requests) yield applyUpdate(store, request);
    },

    async DeleteUser(request) {
      if (request.id === '') throw invalidArgument([violation('id', 'must not be empty')]);
      if (store.delete(request.id) === undefined) {
        throw new GrpcError(Status.NOT_FOUND, `no user has id "${request.id}"`);
      }
      return { success: true };
    },
  };
}

/** One StreamUserUpdates request: failures are answered in band and the stream goes on. */
function applyUpdate(store: UserStore, request: UserUpdateRequest): UserUpdateResponse {
  const fail = (message: string): UserUpdateResponse => ({
    userId: request.userId,
    success: false,
    message,
  });
  if (request.userId === '') return fail('user_id must not be empty');
  let field: UserField;
  let value: string | number = request.value;
  let problems: FieldViolation[];
  switch (request.field) {
    case 'username':
      field = 'username';
      problems = checkUsername(request.value, 'value');
      break;
    case 'email':
      field = 'email';
      problems = checkEmail(request.value, 'value');
      break;
    case 'full_name':
      field = 'fullName';
      problems = checkFullName(request.value, 'value');
      break;
    case 'role': {
      field = 'role';
      const role = roleByName(request.value);
      problems =
        role === undefined
          ? [violation('value', 'must be ROLE_USER, ROLE_ADMIN or ROLE_MODERATOR')]
          : [];
      value = role ?? 0;
      break;
    }
    default:
      return fail(`field "${request.field}" is not one of username, email, full_name, role`);
  }
  if (problems.length > 0) return fail(`${request.field} ${problems[0]!.description}`);
  try {
    store.update(request.userId, field, value);
    return { userId: request.userId, success: true, message: `${request.field} updated` };
  } catch (error) {
    if (error instanceof UserNotFoundError || error instanceof ConflictError)
      return fail(error.message);
    throw error;
  }
}
