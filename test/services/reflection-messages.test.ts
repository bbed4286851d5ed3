// The grpc.reflection codecs against protobufjs reading proto/grpc/reflection/v1/reflection.proto
// (grpc doc/server-reflection.md; oneofs as protobuf.dev "Encoding", section "Oneofs").

import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js';
import {
  type ExtensionRequest,
  type MessageRequest,
  type MessageResponse,
  reflectionCodecs,
  type ServerReflectionRequest,
  ServerReflectionRequestCodec,
  type ServerReflectionResponse,
  ServerReflectionResponseCodec,
} from '../../src/wire/messages/reflection.js';
import {
  protoBytes,
  protoInt32,
  protoRepeated,
  protoString,
} from '../helpers/codec-arbitraries.js';
import { checkAgainstProtobufjs } from './protobufjs-properties.js';

const root = protobuf.loadSync(
  fileURLToPath(new URL('../../proto/grpc/reflection/v1/reflection.proto', import.meta.url)),
);
root.resolveAll();
const type = (name: string) => root.lookupType(`grpc.reflection.v1.${name}`);

type PlainObject = Record<string, any>;

const extensionRequest: fc.Arbitrary<ExtensionRequest> = fc.record({
  containingType: protoString,
  extensionNumber: protoInt32,
});

const messageRequest: fc.Arbitrary<MessageRequest | undefined> = fc.option(
  fc.oneof(
    protoString.map((value) => ({ case: 'fileByFilename' as const, value })),
    protoString.map((value) => ({ case: 'fileContainingSymbol' as const, value })),
    extensionRequest.map((value) => ({ case: 'fileContainingExtension' as const, value })),
    protoString.map((value) => ({ case: 'allExtensionNumbersOfType' as const, value })),
    protoString.map((value) => ({ case: 'listServices' as const, value })),
  ),
  { nil: undefined },
);

const request: fc.Arbitrary<ServerReflectionRequest> = fc.record({
  host: protoString,
  messageRequest,
});

const messageResponse: fc.Arbitrary<MessageResponse | undefined> = fc.option(
  fc.oneof(
    fc
      .record({ fileDescriptorProto: protoRepeated(protoBytes, 60) })
      .map((value) => ({ case: 'fileDescriptorResponse' as const, value })),
    fc
      .record({ baseTypeName: protoString, extensionNumber: protoRepeated(protoInt32) })
      .map((value) => ({ case: 'allExtensionNumbersResponse' as const, value })),
    fc
      .record({ service: protoRepeated(fc.record({ name: protoString }), 50) })
      .map((value) => ({ case: 'listServicesResponse' as const, value })),
    fc
      .record({ errorCode: protoInt32, errorMessage: protoString })
      .map((value) => ({ case: 'errorResponse' as const, value })),
  ),
  { nil: undefined },
);

const response: fc.Arbitrary<ServerReflectionResponse> = fc.record({
  validHost: protoString,
  originalRequest: fc.option(request, { nil: undefined }),
  messageResponse,
});

/** A oneof as protobufjs holds it: the member set under its own name. */
function requestToReference(message: ServerReflectionRequest): PlainObject {
  const reference: PlainObject = { host: message.host };
  if (message.messageRequest !== undefined) {
    reference[message.messageRequest.case] = message.messageRequest.value;
  }
  return reference;
}

function requestFromReference(object: PlainObject): ServerReflectionRequest {
  const which = object.messageRequest as MessageRequest['case'] | undefined;
  return {
    host: object.host,
    messageRequest:
      which === undefined ? undefined : ({ case: which, value: object[which] } as MessageRequest),
  };
}

function responseToReference(message: ServerReflectionResponse): PlainObject {
  const reference: PlainObject = { validHost: message.validHost };
  if (message.originalRequest !== undefined) {
    reference.originalRequest = requestToReference(message.originalRequest);
  }
  if (message.messageResponse !== undefined) {
    reference[message.messageResponse.case] = message.messageResponse.value;
  }
  return reference;
}

function responseFromReference(object: PlainObject): ServerReflectionResponse {
  const which = object.messageResponse as MessageResponse['case'] | undefined;
  return {
    validHost: object.validHost,
    originalRequest:
      object.originalRequest === null ? undefined : requestFromReference(object.originalRequest),
    messageResponse:
      which === undefined ? undefined : ({ case: which, value: object[which] } as MessageResponse),
  };
}

t.test('ServerReflectionRequest', async (t) => {
  checkAgainstProtobufjs(t, {
    codec: ServerReflectionRequestCodec,
    type: type('ServerReflectionRequest'),
    arbitrary: request,
    toReference: requestToReference,
    fromReference: requestFromReference,
  });
});

t.test('ServerReflectionResponse', async (t) => {
  checkAgainstProtobufjs(t, {
    codec: ServerReflectionResponseCodec,
    type: type('ServerReflectionResponse'),
    arbitrary: response,
    toReference: responseToReference,
    fromReference: responseFromReference,
  });
});

t.test('a oneof member at its default is still a request', async (t) => {
  // list_services = "": the field's presence is the request, so it reaches the wire.
  const bytes = encodeMessage(ServerReflectionRequestCodec, {
    host: '',
    messageRequest: { case: 'listServices', value: '' },
  });
  t.same([...bytes], [(7 << 3) | 2, 0]);
  t.same(decodeMessage(ServerReflectionRequestCodec, bytes).messageRequest, {
    case: 'listServices',
    value: '',
  });
});

t.test('the last member wins; a message member seen twice in a row is merged', async (t) => {
  const request = Buffer.from([
    ...[(3 << 3) | 2, 1, 0x61], // file_by_filename "a"
    ...[(5 << 3) | 2, 3, 0x0a, 1, 0x62], // file_containing_extension { containing_type "b" }
    ...[(5 << 3) | 2, 2, 0x10, 7], // file_containing_extension { extension_number 7 }
  ]);
  t.same(decodeMessage(ServerReflectionRequestCodec, request).messageRequest, {
    case: 'fileContainingExtension',
    value: { containingType: 'b', extensionNumber: 7 },
  });
  // Numbers arriving unpacked are read too, and the two halves merge.
  const unpacked = Buffer.from([(5 << 3) | 2, 4, 0x10, 1, 0x10, 2]);
  t.same(decodeMessage(ServerReflectionResponseCodec, Buffer.concat([unpacked, unpacked])), {
    validHost: '',
    originalRequest: undefined,
    messageResponse: {
      case: 'allExtensionNumbersResponse',
      value: { baseTypeName: '', extensionNumber: [1, 2, 1, 2] },
    },
  });
  for (const [field, kind] of [
    [4, 'fileDescriptorResponse'],
    [6, 'listServicesResponse'],
    [7, 'errorResponse'],
  ] as const) {
    const twice = Buffer.from([(field << 3) | 2, 0, (field << 3) | 2, 0]);
    t.equal(decodeMessage(ServerReflectionResponseCodec, twice).messageResponse?.case, kind);
  }
  // original_request seen twice merges as well.
  const echoed = Buffer.from([
    ...[(2 << 3) | 2, 3, 0x0a, 1, 0x68], // original_request { host "h" }
    ...[(2 << 3) | 2, 2, 0x3a, 0], // original_request { list_services "" }
  ]);
  t.same(decodeMessage(ServerReflectionResponseCodec, echoed).originalRequest, {
    host: 'h',
    messageRequest: { case: 'listServices', value: '' },
  });
});

t.test('one codec set, two packages', async (t) => {
  const v1 = reflectionCodecs('grpc.reflection.v1');
  const v1alpha = reflectionCodecs('grpc.reflection.v1alpha');
  t.equal(v1.request.typeName, 'grpc.reflection.v1.ServerReflectionRequest');
  t.equal(v1.response.typeName, 'grpc.reflection.v1.ServerReflectionResponse');
  t.equal(v1alpha.request.typeName, 'grpc.reflection.v1alpha.ServerReflectionRequest');
  t.equal(v1alpha.response.typeName, 'grpc.reflection.v1alpha.ServerReflectionResponse');
  const message: ServerReflectionRequest = {
    host: 'x',
    messageRequest: { case: 'fileByFilename', value: 'user.proto' },
  };
  t.same(encodeMessage(v1alpha.request, message), encodeMessage(v1.request, message));
});
