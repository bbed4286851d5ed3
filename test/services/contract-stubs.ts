// Small stand-ins for user.UserService (its definition and a one-user implementation, on the
// hand-written codecs of src/wire/messages/) and for an offers.v1.OfferService implementation
// that answers UNIMPLEMENTED: enough for reflection tests to list both services and for a client
// built from reflection alone to make one real call (GetUser).

import type { ServiceImplementation } from '../../src/server/handlers.js';
import type { OfferServiceDefinition } from '../../src/services/offers/offer-service-definition.js';
import { GrpcError } from '../../src/transport/grpc-error.js';
import { method } from '../../src/transport/service-definition.js';
import { Status } from '../../src/transport/status.js';
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
  UserUpdateRequestCodec,
  UserUpdateResponseCodec,
} from '../../src/wire/messages/user.js';

const USER = 'user.UserService';

export const UserServiceStub = {
  name: USER,
  methods: {
    CreateUser: method(USER, 'CreateUser', 'unary', CreateUserRequestCodec, UserCodec),
    GetUser: method(USER, 'GetUser', 'unary', GetUserRequestCodec, UserCodec),
    ListUsers: method(USER, 'ListUsers', 'serverStreaming', ListUsersRequestCodec, UserCodec),
    BatchCreateUsers: method(
      USER,
      'BatchCreateUsers',
      'clientStreaming',
      CreateUserRequestCodec,
      BatchCreateResponseCodec,
    ),
    StreamUserUpdates: method(
      USER,
      'StreamUserUpdates',
      'bidiStreaming',
      UserUpdateRequestCodec,
      UserUpdateResponseCodec,
    ),
    DeleteUser: method(
      USER,
      'DeleteUser',
      'unary',
      DeleteUserRequestCodec,
      DeleteUserResponseCodec,
    ),
  },
} as const;

/** The one user the stub knows. */
export const USER_42: User = {
  id: '42',
  username: 'ada',
  email: 'ada@example.com',
  fullName: 'Ada Lovelace',
  role: Role.ROLE_ADMIN,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_123,
};

function notHere(): never {
  throw new GrpcError(Status.UNIMPLEMENTED, 'this stub serves GetUser and ListUsers only');
}

export const userStubImplementation: ServiceImplementation<typeof UserServiceStub> = {
  CreateUser: notHere,
  async GetUser(request) {
    if (request.id !== USER_42.id) {
      throw new GrpcError(Status.NOT_FOUND, `user ${JSON.stringify(request.id)} not found`);
    }
    return USER_42;
  },
  async *ListUsers() {
    yield USER_42;
  },
  BatchCreateUsers: notHere,
  StreamUserUpdates: notHere,
  DeleteUser: notHere,
};

export const offerStubImplementation: ServiceImplementation<typeof OfferServiceDefinition> = {
  SetUserOffer: notHere,
  GetUserOffer: notHere,
  MigrateOffers: notHere,
  WatchOfferEvents: notHere,
};
