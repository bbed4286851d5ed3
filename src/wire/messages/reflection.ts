// Codecs for grpc/reflection/v1/reflection.proto and its v1alpha twin (grpc doc/server-reflection.md;
// oneof fields as protobuf.dev "Encoding", section "Oneofs").
//
// The two versions differ only in their package: every message has the same fields under the same
// numbers. So the codecs are written once, and `reflectionCodecs(packageName)` gives each version
// the same codecs under its own type names.
//
// A oneof is a discriminated union here, `{ case, value }`, undefined when no member is set. Unlike
// a plain proto3 field, a oneof member is written even at its default: `list_services = ""` is a
// request (the field's presence is the request), so it must reach the wire as a key and a zero
// length. A member seen twice keeps the last one; a message member seen twice in a row is merged.

import {
  type MessageCodec,
  messageFieldSize,
  readMessageField,
  writeMessageField,
} from '../codec.js';
import { bytesSize, int32Size, stringSize, varint32Size } from '../sizes.js';
import { WireType } from '../wire-types.js';

/** The two packages reflection is served under; ghz and grpcurl try v1 first, then v1alpha. */
export type ReflectionPackage = 'grpc.reflection.v1' | 'grpc.reflection.v1alpha';

// --- requests ---------------------------------------------------------------------------------

/** ExtensionRequest: the extension `extension_number` of the message type `containing_type`. */
export interface ExtensionRequest {
  /** Fully-qualified, `<package>.<type>`, without a leading dot. */
  containingType: string;
  extensionNumber: number;
}

export const ExtensionRequestCodec: MessageCodec<ExtensionRequest> = {
  typeName: 'grpc.reflection.v1.ExtensionRequest',
  create: () => ({ containingType: '', extensionNumber: 0 }),
  size(m) {
    let size = 0;
    if (m.containingType !== '') size += 1 + stringSize(m.containingType);
    if (m.extensionNumber !== 0) size += 1 + int32Size(m.extensionNumber);
    return size;
  },
  write(m, w) {
    if (m.containingType !== '') w.tag(1, WireType.LengthDelimited).string(m.containingType);
    if (m.extensionNumber !== 0) w.tag(2, WireType.Varint).int32(m.extensionNumber);
  },
  read(r, into) {
    const m = into ?? ExtensionRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.containingType = r.string();
          break;
        case (2 << 3) | WireType.Varint:
          m.extensionNumber = r.int32();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** The oneof `message_request`: what the client asks. */
export type MessageRequest =
  /** 3: the file of this name, e.g. `user.proto`. */
  | { case: 'fileByFilename'; value: string }
  /** 4: the file declaring this symbol: `pkg.Service`, `pkg.Service.Method`, `pkg.Message`… */
  | { case: 'fileContainingSymbol'; value: string }
  /** 5: the file declaring this extension. */
  | { case: 'fileContainingExtension'; value: ExtensionRequest }
  /** 6: the field numbers of every known extension of this message type. */
  | { case: 'allExtensionNumbersOfType'; value: string }
  /** 7: the names of the services served; the string's content is not checked. */
  | { case: 'listServices'; value: string };

/** ServerReflectionRequest */
export interface ServerReflectionRequest {
  host: string;
  /** Undefined when the client set none of the members this file knows. */
  messageRequest: MessageRequest | undefined;
}

/** Field numbers of the string members of `message_request`. */
const REQUEST_STRING_FIELDS = {
  fileByFilename: 3,
  fileContainingSymbol: 4,
  allExtensionNumbersOfType: 6,
  listServices: 7,
} as const;

function messageRequestSize(request: MessageRequest): number {
  if (request.case === 'fileContainingExtension') {
    return messageFieldSize(5, ExtensionRequestCodec, request.value);
  }
  return 1 + stringSize(request.value);
}

export const ServerReflectionRequestCodec: MessageCodec<ServerReflectionRequest> = {
  typeName: 'grpc.reflection.v1.ServerReflectionRequest',
  create: () => ({ host: '', messageRequest: undefined }),
  size(m) {
    let size = 0;
    if (m.host !== '') size += 1 + stringSize(m.host);
    if (m.messageRequest !== undefined) size += messageRequestSize(m.messageRequest);
    return size;
  },
  write(m, w) {
    if (m.host !== '') w.tag(1, WireType.LengthDelimited).string(m.host);
    const request = m.messageRequest;
    if (request === undefined) return;
    if (request.case === 'fileContainingExtension') {
      writeMessageField(w, 5, ExtensionRequestCodec, request.value);
    } else {
      w.tag(REQUEST_STRING_FIELDS[request.case], WireType.LengthDelimited).string(request.value);
    }
  },
  read(r, into) {
    const m = into ?? ServerReflectionRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.host = r.string();
          break;
        case (3 << 3) | WireType.LengthDelimited:
          m.messageRequest = { case: 'fileByFilename', value: r.string() };
          break;
        case (4 << 3) | WireType.LengthDelimited:
          m.messageRequest = { case: 'fileContainingSymbol', value: r.string() };
          break;
        case (5 << 3) | WireType.LengthDelimited: {
          const previous = m.messageRequest;
          const merged = previous?.case === 'fileContainingExtension' ? previous.value : undefined;
          m.messageRequest = {
            case: 'fileContainingExtension',
            value: readMessageField(r, ExtensionRequestCodec, merged),
          };
          break;
        }
        case (6 << 3) | WireType.LengthDelimited:
          m.messageRequest = { case: 'allExtensionNumbersOfType', value: r.string() };
          break;
        case (7 << 3) | WireType.LengthDelimited:
          m.messageRequest = { case: 'listServices', value: r.string() };
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

// --- responses --------------------------------------------------------------------------------

/** FileDescriptorResponse: serialized google.protobuf.FileDescriptorProto messages. */
export interface FileDescriptorResponse {
  fileDescriptorProto: Uint8Array[];
}

export const FileDescriptorResponseCodec: MessageCodec<FileDescriptorResponse> = {
  typeName: 'grpc.reflection.v1.FileDescriptorResponse',
  create: () => ({ fileDescriptorProto: [] }),
  size(m) {
    let size = 0;
    for (const file of m.fileDescriptorProto) size += 1 + bytesSize(file);
    return size;
  },
  write(m, w) {
    // Repeated bytes are never packed: one key per element.
    for (const file of m.fileDescriptorProto) w.tag(1, WireType.LengthDelimited).bytes(file);
  },
  read(r, into) {
    const m = into ?? FileDescriptorResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | WireType.LengthDelimited)) m.fileDescriptorProto.push(r.bytes());
      else r.skip(key);
    }
    return m;
  },
};

/** ExtensionNumberResponse: the extension numbers of `base_type_name`. */
export interface ExtensionNumberResponse {
  baseTypeName: string;
  extensionNumber: number[];
}

function packedInt32Length(values: readonly number[]): number {
  let length = 0;
  for (const value of values) length += int32Size(value);
  return length;
}

export const ExtensionNumberResponseCodec: MessageCodec<ExtensionNumberResponse> = {
  typeName: 'grpc.reflection.v1.ExtensionNumberResponse',
  create: () => ({ baseTypeName: '', extensionNumber: [] }),
  size(m) {
    let size = 0;
    if (m.baseTypeName !== '') size += 1 + stringSize(m.baseTypeName);
    if (m.extensionNumber.length > 0) {
      const length = packedInt32Length(m.extensionNumber);
      size += 1 + varint32Size(length) + length;
    }
    return size;
  },
  write(m, w) {
    if (m.baseTypeName !== '') w.tag(1, WireType.LengthDelimited).string(m.baseTypeName);
    if (m.extensionNumber.length > 0) {
      // proto3 packs repeated scalars by default: one key, one length, the varints.
      w.tag(2, WireType.LengthDelimited).uint32(packedInt32Length(m.extensionNumber));
      for (const value of m.extensionNumber) w.int32(value);
    }
  },
  read(r, into) {
    const m = into ?? ExtensionNumberResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.baseTypeName = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
        case (2 << 3) | WireType.Varint:
          // A parser takes a repeated scalar packed or not, whatever the sender chose.
          r.repeatedScalar(key, (reader) => reader.int32(), m.extensionNumber);
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** ServiceResponse: one service, by its full name `<package>.<service>`. */
export interface ServiceResponse {
  name: string;
}

export const ServiceResponseCodec: MessageCodec<ServiceResponse> = {
  typeName: 'grpc.reflection.v1.ServiceResponse',
  create: () => ({ name: '' }),
  size(m) {
    return m.name === '' ? 0 : 1 + stringSize(m.name);
  },
  write(m, w) {
    if (m.name !== '') w.tag(1, WireType.LengthDelimited).string(m.name);
  },
  read(r, into) {
    const m = into ?? ServiceResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | WireType.LengthDelimited)) m.name = r.string();
      else r.skip(key);
    }
    return m;
  },
};

/** ListServiceResponse */
export interface ListServiceResponse {
  service: ServiceResponse[];
}

export const ListServiceResponseCodec: MessageCodec<ListServiceResponse> = {
  typeName: 'grpc.reflection.v1.ListServiceResponse',
  create: () => ({ service: [] }),
  size(m) {
    let size = 0;
    for (const service of m.service) size += messageFieldSize(1, ServiceResponseCodec, service);
    return size;
  },
  write(m, w) {
    for (const service of m.service) writeMessageField(w, 1, ServiceResponseCodec, service);
  },
  read(r, into) {
    const m = into ?? ListServiceResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | WireType.LengthDelimited)) {
        m.service.push(readMessageField(r, ServiceResponseCodec));
      } else {
        r.skip(key);
      }
    }
    return m;
  },
};

/** ErrorResponse: a grpc status code and a message, for one request of the stream. */
export interface ErrorResponse {
  errorCode: number;
  errorMessage: string;
}

export const ErrorResponseCodec: MessageCodec<ErrorResponse> = {
  typeName: 'grpc.reflection.v1.ErrorResponse',
  create: () => ({ errorCode: 0, errorMessage: '' }),
  size(m) {
    let size = 0;
    if (m.errorCode !== 0) size += 1 + int32Size(m.errorCode);
    if (m.errorMessage !== '') size += 1 + stringSize(m.errorMessage);
    return size;
  },
  write(m, w) {
    if (m.errorCode !== 0) w.tag(1, WireType.Varint).int32(m.errorCode);
    if (m.errorMessage !== '') w.tag(2, WireType.LengthDelimited).string(m.errorMessage);
  },
  read(r, into) {
    const m = into ?? ErrorResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | WireType.Varint:
          m.errorCode = r.int32();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.errorMessage = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** The oneof `message_response`: the answer, of the kind the request asked for, or an error. */
export type MessageResponse =
  | { case: 'fileDescriptorResponse'; value: FileDescriptorResponse }
  | { case: 'allExtensionNumbersResponse'; value: ExtensionNumberResponse }
  | { case: 'listServicesResponse'; value: ListServiceResponse }
  | { case: 'errorResponse'; value: ErrorResponse };

/** ServerReflectionResponse */
export interface ServerReflectionResponse {
  validHost: string;
  /** The request this answers, echoed. */
  originalRequest: ServerReflectionRequest | undefined;
  messageResponse: MessageResponse | undefined;
}

/** Each response member: its field number and codec. */
const RESPONSE_MEMBERS = {
  fileDescriptorResponse: [4, FileDescriptorResponseCodec],
  allExtensionNumbersResponse: [5, ExtensionNumberResponseCodec],
  listServicesResponse: [6, ListServiceResponseCodec],
  errorResponse: [7, ErrorResponseCodec],
} as const;

// biome-ignore lint/suspicious/noExplicitAny: indexed by the union's own case, so the pair matches.
function memberOf(response: MessageResponse): [number, MessageCodec<any>] {
  const [fieldNumber, codec] = RESPONSE_MEMBERS[response.case];
  return [fieldNumber, codec];
}

export const ServerReflectionResponseCodec: MessageCodec<ServerReflectionResponse> = {
  typeName: 'grpc.reflection.v1.ServerReflectionResponse',
  create: () => ({ validHost: '', originalRequest: undefined, messageResponse: undefined }),
  size(m) {
    let size = 0;
    if (m.validHost !== '') size += 1 + stringSize(m.validHost);
    if (m.originalRequest !== undefined) {
      size += messageFieldSize(2, ServerReflectionRequestCodec, m.originalRequest);
    }
    if (m.messageResponse !== undefined) {
      const [fieldNumber, codec] = memberOf(m.messageResponse);
      size += messageFieldSize(fieldNumber, codec, m.messageResponse.value);
    }
    return size;
  },
  write(m, w) {
    if (m.validHost !== '') w.tag(1, WireType.LengthDelimited).string(m.validHost);
    if (m.originalRequest !== undefined) {
      writeMessageField(w, 2, ServerReflectionRequestCodec, m.originalRequest);
    }
    if (m.messageResponse !== undefined) {
      const [fieldNumber, codec] = memberOf(m.messageResponse);
      writeMessageField(w, fieldNumber, codec, m.messageResponse.value);
    }
  },
  read(r, into) {
    const m = into ?? ServerReflectionResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      const previous = m.messageResponse;
      switch (key) {
        case (1 << 3) | WireType.LengthDelimited:
          m.validHost = r.string();
          break;
        case (2 << 3) | WireType.LengthDelimited:
          m.originalRequest = readMessageField(r, ServerReflectionRequestCodec, m.originalRequest);
          break;
        case (4 << 3) | WireType.LengthDelimited:
          m.messageResponse = {
            case: 'fileDescriptorResponse',
            value: readMessageField(
              r,
              FileDescriptorResponseCodec,
              previous?.case === 'fileDescriptorResponse' ? previous.value : undefined,
            ),
          };
          break;
        case (5 << 3) | WireType.LengthDelimited:
          m.messageResponse = {
            case: 'allExtensionNumbersResponse',
            value: readMessageField(
              r,
              ExtensionNumberResponseCodec,
              previous?.case === 'allExtensionNumbersResponse' ? previous.value : undefined,
            ),
          };
          break;
        case (6 << 3) | WireType.LengthDelimited:
          m.messageResponse = {
            case: 'listServicesResponse',
            value: readMessageField(
              r,
              ListServiceResponseCodec,
              previous?.case === 'listServicesResponse' ? previous.value : undefined,
            ),
          };
          break;
        case (7 << 3) | WireType.LengthDelimited:
          m.messageResponse = {
            case: 'errorResponse',
            value: readMessageField(
              r,
              ErrorResponseCodec,
              previous?.case === 'errorResponse' ? previous.value : undefined,
            ),
          };
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

// --- one codec set, two packages --------------------------------------------------------------

export interface ReflectionCodecs {
  readonly request: MessageCodec<ServerReflectionRequest>;
  readonly response: MessageCodec<ServerReflectionResponse>;
}

/** The request and response codecs under the type names of `packageName`. */
export function reflectionCodecs(packageName: ReflectionPackage): ReflectionCodecs {
  return {
    request: {
      ...ServerReflectionRequestCodec,
      typeName: `${packageName}.ServerReflectionRequest`,
    },
    response: {
      ...ServerReflectionResponseCodec,
      typeName: `${packageName}.ServerReflectionResponse`,
    },
  };
}
