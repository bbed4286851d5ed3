// Every hand-written message codec in one list (protobuf.dev "Encoding"), for code that must
// treat them all alike: fuzzers, the property tests against protobufjs, reflection. Health and
// server reflection (v1; v1alpha's codecs are the same code under another package) are in it.

import type { MessageCodec } from '../codec.js';
import { AnyCodec, DurationCodec } from './google-protobuf.js';
import {
  BadRequestCodec,
  ErrorInfoCodec,
  FieldViolationCodec,
  LocalizedMessageCodec,
  RetryInfoCodec,
  StatusCodec,
} from './google-rpc.js';
import {
  BoolValueCodec,
  EchoStatusCodec,
  EmptyCodec,
  PayloadCodec,
  ResponseParametersCodec,
  SimpleRequestCodec,
  SimpleResponseCodec,
  StreamingInputCallRequestCodec,
  StreamingInputCallResponseCodec,
  StreamingOutputCallRequestCodec,
  StreamingOutputCallResponseCodec,
} from './grpc-testing.js';
import {
  HealthCheckRequestCodec,
  HealthCheckResponseCodec,
  HealthListRequestCodec,
  HealthListResponseCodec,
} from './health.js';
import {
  GetUserOfferRequestCodec,
  MigrationReportCodec,
  MigrationRowCodec,
  OfferEventCodec,
  RowErrorCodec,
  SetUserOfferRequestCodec,
  UserOfferCodec,
  WatchOfferEventsRequestCodec,
} from './offers.js';
import {
  ErrorResponseCodec,
  ExtensionNumberResponseCodec,
  ExtensionRequestCodec,
  FileDescriptorResponseCodec,
  ListServiceResponseCodec,
  ServerReflectionRequestCodec,
  ServerReflectionResponseCodec,
  ServiceResponseCodec,
} from './reflection.js';
import {
  BatchCreateResponseCodec,
  CreateUserRequestCodec,
  DeleteUserRequestCodec,
  DeleteUserResponseCodec,
  GetUserRequestCodec,
  ListUsersRequestCodec,
  UserCodec,
  UserUpdateRequestCodec,
  UserUpdateResponseCodec,
} from './user.js';

export * from './google-protobuf.js';
export * from './google-rpc.js';
export * from './grpc-testing.js';
export * from './health.js';
export * from './offers.js';
export * from './reflection.js';
export * from './user.js';

/** Each codec once; `typeName`s are unique. Add a codec here when you add a message. */
// biome-ignore lint/suspicious/noExplicitAny: the list holds codecs of different message types.
export const allCodecs: readonly MessageCodec<any>[] = [
  AnyCodec,
  DurationCodec,
  StatusCodec,
  RetryInfoCodec,
  LocalizedMessageCodec,
  FieldViolationCodec,
  BadRequestCodec,
  ErrorInfoCodec,
  UserCodec,
  CreateUserRequestCodec,
  GetUserRequestCodec,
  ListUsersRequestCodec,
  BatchCreateResponseCodec,
  UserUpdateRequestCodec,
  UserUpdateResponseCodec,
  DeleteUserRequestCodec,
  DeleteUserResponseCodec,
  UserOfferCodec,
  SetUserOfferRequestCodec,
  GetUserOfferRequestCodec,
  MigrationRowCodec,
  RowErrorCodec,
  MigrationReportCodec,
  WatchOfferEventsRequestCodec,
  OfferEventCodec,
  EmptyCodec,
  BoolValueCodec,
  PayloadCodec,
  EchoStatusCodec,
  SimpleRequestCodec,
  SimpleResponseCodec,
  StreamingInputCallRequestCodec,
  StreamingInputCallResponseCodec,
  ResponseParametersCodec,
  StreamingOutputCallRequestCodec,
  StreamingOutputCallResponseCodec,
  HealthCheckRequestCodec,
  HealthCheckResponseCodec,
  HealthListRequestCodec,
  HealthListResponseCodec,
  ExtensionRequestCodec,
  ServerReflectionRequestCodec,
  FileDescriptorResponseCodec,
  ExtensionNumberResponseCodec,
  ServiceResponseCodec,
  ListServiceResponseCodec,
  ErrorResponseCodec,
  ServerReflectionResponseCodec,
];
