// grpc.testing.TestService and grpc.testing.UnimplementedService (proto/grpc/testing/test.proto):
// the methods of grpc's interop test service and their codecs, shared by the interop server and
// the interop client (grpc doc/interop-test-descriptions.md).

import { method } from '../../transport/service-definition.js';
import {
  EmptyCodec,
  SimpleRequestCodec,
  SimpleResponseCodec,
  StreamingInputCallRequestCodec,
  StreamingInputCallResponseCodec,
  StreamingOutputCallRequestCodec,
  StreamingOutputCallResponseCodec,
} from '../../wire/messages/grpc-testing.js';

const SERVICE = 'grpc.testing.TestService';

/**
 * TestService without CacheableUnaryCall, which needs a caching HTTP proxy in front of the server
 * and a GET request (the `cacheable_unary` case, not one this project runs).
 */
export const TestServiceDefinition = {
  name: SERVICE,
  methods: {
    EmptyCall: method(SERVICE, 'EmptyCall', 'unary', EmptyCodec, EmptyCodec),
    UnaryCall: method(SERVICE, 'UnaryCall', 'unary', SimpleRequestCodec, SimpleResponseCodec),
    StreamingOutputCall: method(
      SERVICE,
      'StreamingOutputCall',
      'serverStreaming',
      StreamingOutputCallRequestCodec,
      StreamingOutputCallResponseCodec,
    ),
    StreamingInputCall: method(
      SERVICE,
      'StreamingInputCall',
      'clientStreaming',
      StreamingInputCallRequestCodec,
      StreamingInputCallResponseCodec,
    ),
    FullDuplexCall: method(
      SERVICE,
      'FullDuplexCall',
      'bidiStreaming',
      StreamingOutputCallRequestCodec,
      StreamingOutputCallResponseCodec,
    ),
    HalfDuplexCall: method(
      SERVICE,
      'HalfDuplexCall',
      'bidiStreaming',
      StreamingOutputCallRequestCodec,
      StreamingOutputCallResponseCodec,
    ),
    // Declared in test.proto but implemented by no interop server: the `unimplemented_method`
    // case calls it and expects UNIMPLEMENTED. The server never registers a handler for it.
    UnimplementedCall: method(SERVICE, 'UnimplementedCall', 'unary', EmptyCodec, EmptyCodec),
  },
} as const;

const UNIMPLEMENTED_SERVICE = 'grpc.testing.UnimplementedService';

/** A service no interop server serves: the `unimplemented_service` case expects UNIMPLEMENTED. */
export const UnimplementedServiceDefinition = {
  name: UNIMPLEMENTED_SERVICE,
  methods: {
    UnimplementedCall: method(
      UNIMPLEMENTED_SERVICE,
      'UnimplementedCall',
      'unary',
      EmptyCodec,
      EmptyCodec,
    ),
  },
} as const;
