// Codecs for grpc's interop test messages, proto/grpc/testing/empty.proto and messages.proto,
// package grpc.testing (protobuf.dev "Encoding"; proto3 semantics) — the subset TestService uses.
//
// One interface and one MessageCodec per message, written by hand, in the style of user.ts: fields
// at their default are not written, the last value of a scalar wins, unknown fields are skipped.
// Every field number here is below 16, so every key is one byte (`1 +` in a size).
// Left out on purpose: SimpleRequest fields 11 and 12 and StreamingOutputCallRequest field 8
// (TestOrcaReport, for xDS load reporting tests, which no case here runs): they are skipped as
// unknown fields when a peer sends them.

import {
  type EmptyMessage,
  emptyMessageCodec,
  type MessageCodec,
  messageFieldSize,
  readMessageField,
  writeMessageField,
} from '../codec.js';
import { bytesSize, int32Size, stringSize } from '../sizes.js';
import { WireType } from '../wire-types.js';

/** grpc.testing.PayloadType: COMPRESSABLE (0) is its only value. Fields of it are numbers. */
export const PayloadType = { COMPRESSABLE: 0 } as const;

/** grpc.testing.GrpclbRouteType, reported by grpclb test servers. */
export const GrpclbRouteType = {
  GRPCLB_ROUTE_TYPE_UNKNOWN: 0,
  GRPCLB_ROUTE_TYPE_FALLBACK: 1,
  GRPCLB_ROUTE_TYPE_BACKEND: 2,
} as const;

const LEN = WireType.LengthDelimited;
const VARINT = WireType.Varint;

/** grpc.testing.Empty: no fields; it encodes to zero bytes. */
export type Empty = EmptyMessage;

export const EmptyCodec = emptyMessageCodec('grpc.testing.Empty');

/**
 * grpc.testing.BoolValue: a bool that can be absent. The interop messages wrap the flags
 * `response_compressed` and `expect_compressed` in it so that a peer that does not know the
 * feature sends nothing rather than `false`.
 */
export interface BoolValue {
  value: boolean;
}

export const BoolValueCodec: MessageCodec<BoolValue> = {
  typeName: 'grpc.testing.BoolValue',
  create: () => ({ value: false }),
  size: (m) => (m.value ? 2 : 0),
  write(m, w) {
    if (m.value) w.tag(1, VARINT).bool(true);
  },
  read(r, into) {
    const m = into ?? BoolValueCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | VARINT)) m.value = r.bool();
      else r.skip(key);
    }
    return m;
  },
};

/** grpc.testing.Payload: a body of bytes the tests size to order. */
export interface Payload {
  /** A PayloadType value, or any other int32 received from a peer. */
  type: number;
  body: Uint8Array;
}

export const PayloadCodec: MessageCodec<Payload> = {
  typeName: 'grpc.testing.Payload',
  create: () => ({ type: 0, body: new Uint8Array(0) }),
  size(m) {
    let size = 0;
    if (m.type !== 0) size += 1 + int32Size(m.type);
    if (m.body.length !== 0) size += 1 + bytesSize(m.body);
    return size;
  },
  write(m, w) {
    if (m.type !== 0) w.tag(1, VARINT).int32(m.type);
    if (m.body.length !== 0) w.tag(2, LEN).bytes(m.body);
  },
  read(r, into) {
    const m = into ?? PayloadCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | VARINT:
          m.type = r.int32();
          break;
        case (2 << 3) | LEN:
          m.body = r.bytes();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** grpc.testing.EchoStatus: the status a test asks the server to end the call with. */
export interface EchoStatus {
  code: number;
  message: string;
}

export const EchoStatusCodec: MessageCodec<EchoStatus> = {
  typeName: 'grpc.testing.EchoStatus',
  create: () => ({ code: 0, message: '' }),
  size(m) {
    let size = 0;
    if (m.code !== 0) size += 1 + int32Size(m.code);
    if (m.message !== '') size += 1 + stringSize(m.message);
    return size;
  },
  write(m, w) {
    if (m.code !== 0) w.tag(1, VARINT).int32(m.code);
    if (m.message !== '') w.tag(2, LEN).string(m.message);
  },
  read(r, into) {
    const m = into ?? EchoStatusCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | VARINT:
          m.code = r.int32();
          break;
        case (2 << 3) | LEN:
          m.message = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** grpc.testing.SimpleRequest: the request of UnaryCall. Absent message fields are null. */
export interface SimpleRequest {
  /** A PayloadType value. */
  responseType: number;
  /** The size of the response payload body, in bytes. */
  responseSize: number;
  payload: Payload | null;
  fillUsername: boolean;
  fillOauthScope: boolean;
  /** Whether the response must be sent compressed (interop "CompressedResponse"). */
  responseCompressed: BoolValue | null;
  /** The status to end the call with (interop "Echo Status"). */
  responseStatus: EchoStatus | null;
  /** Whether this request must have arrived compressed (interop "CompressedRequest"). */
  expectCompressed: BoolValue | null;
  fillServerId: boolean;
  fillGrpclbRouteType: boolean;
}

export const SimpleRequestCodec: MessageCodec<SimpleRequest> = {
  typeName: 'grpc.testing.SimpleRequest',
  create: () => ({
    responseType: 0,
    responseSize: 0,
    payload: null,
    fillUsername: false,
    fillOauthScope: false,
    responseCompressed: null,
    responseStatus: null,
    expectCompressed: null,
    fillServerId: false,
    fillGrpclbRouteType: false,
  }),
  size(m) {
    let size = 0;
    if (m.responseType !== 0) size += 1 + int32Size(m.responseType);
    if (m.responseSize !== 0) size += 1 + int32Size(m.responseSize);
    if (m.payload !== null) size += messageFieldSize(3, PayloadCodec, m.payload);
    if (m.fillUsername) size += 2;
    if (m.fillOauthScope) size += 2;
    if (m.responseCompressed !== null) {
      size += messageFieldSize(6, BoolValueCodec, m.responseCompressed);
    }
    if (m.responseStatus !== null) size += messageFieldSize(7, EchoStatusCodec, m.responseStatus);
    if (m.expectCompressed !== null) {
      size += messageFieldSize(8, BoolValueCodec, m.expectCompressed);
    }
    if (m.fillServerId) size += 2;
    if (m.fillGrpclbRouteType) size += 2;
    return size;
  },
  write(m, w) {
    if (m.responseType !== 0) w.tag(1, VARINT).int32(m.responseType);
    if (m.responseSize !== 0) w.tag(2, VARINT).int32(m.responseSize);
    if (m.payload !== null) writeMessageField(w, 3, PayloadCodec, m.payload);
    if (m.fillUsername) w.tag(4, VARINT).bool(true);
    if (m.fillOauthScope) w.tag(5, VARINT).bool(true);
    if (m.responseCompressed !== null) {
      writeMessageField(w, 6, BoolValueCodec, m.responseCompressed);
    }
    if (m.responseStatus !== null) writeMessageField(w, 7, EchoStatusCodec, m.responseStatus);
    if (m.expectCompressed !== null) writeMessageField(w, 8, BoolValueCodec, m.expectCompressed);
    if (m.fillServerId) w.tag(9, VARINT).bool(true);
    if (m.fillGrpclbRouteType) w.tag(10, VARINT).bool(true);
  },
  read(r, into) {
    const m = into ?? SimpleRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      // A singular message field seen twice is merged into the first (proto3 merge rules).
      switch (key) {
        case (1 << 3) | VARINT:
          m.responseType = r.int32();
          break;
        case (2 << 3) | VARINT:
          m.responseSize = r.int32();
          break;
        case (3 << 3) | LEN:
          m.payload = readMessageField(r, PayloadCodec, m.payload ?? undefined);
          break;
        case (4 << 3) | VARINT:
          m.fillUsername = r.bool();
          break;
        case (5 << 3) | VARINT:
          m.fillOauthScope = r.bool();
          break;
        case (6 << 3) | LEN:
          m.responseCompressed = readMessageField(
            r,
            BoolValueCodec,
            m.responseCompressed ?? undefined,
          );
          break;
        case (7 << 3) | LEN:
          m.responseStatus = readMessageField(r, EchoStatusCodec, m.responseStatus ?? undefined);
          break;
        case (8 << 3) | LEN:
          m.expectCompressed = readMessageField(r, BoolValueCodec, m.expectCompressed ?? undefined);
          break;
        case (9 << 3) | VARINT:
          m.fillServerId = r.bool();
          break;
        case (10 << 3) | VARINT:
          m.fillGrpclbRouteType = r.bool();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** grpc.testing.SimpleResponse: the response of UnaryCall. */
export interface SimpleResponse {
  payload: Payload | null;
  username: string;
  oauthScope: string;
  serverId: string;
  /** A GrpclbRouteType value. */
  grpclbRouteType: number;
  hostname: string;
}

export const SimpleResponseCodec: MessageCodec<SimpleResponse> = {
  typeName: 'grpc.testing.SimpleResponse',
  create: () => ({
    payload: null,
    username: '',
    oauthScope: '',
    serverId: '',
    grpclbRouteType: 0,
    hostname: '',
  }),
  size(m) {
    let size = 0;
    if (m.payload !== null) size += messageFieldSize(1, PayloadCodec, m.payload);
    if (m.username !== '') size += 1 + stringSize(m.username);
    if (m.oauthScope !== '') size += 1 + stringSize(m.oauthScope);
    if (m.serverId !== '') size += 1 + stringSize(m.serverId);
    if (m.grpclbRouteType !== 0) size += 1 + int32Size(m.grpclbRouteType);
    if (m.hostname !== '') size += 1 + stringSize(m.hostname);
    return size;
  },
  write(m, w) {
    if (m.payload !== null) writeMessageField(w, 1, PayloadCodec, m.payload);
    if (m.username !== '') w.tag(2, LEN).string(m.username);
    if (m.oauthScope !== '') w.tag(3, LEN).string(m.oauthScope);
    if (m.serverId !== '') w.tag(4, LEN).string(m.serverId);
    if (m.grpclbRouteType !== 0) w.tag(5, VARINT).int32(m.grpclbRouteType);
    if (m.hostname !== '') w.tag(6, LEN).string(m.hostname);
  },
  read(r, into) {
    const m = into ?? SimpleResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | LEN:
          m.payload = readMessageField(r, PayloadCodec, m.payload ?? undefined);
          break;
        case (2 << 3) | LEN:
          m.username = r.string();
          break;
        case (3 << 3) | LEN:
          m.oauthScope = r.string();
          break;
        case (4 << 3) | LEN:
          m.serverId = r.string();
          break;
        case (5 << 3) | VARINT:
          m.grpclbRouteType = r.int32();
          break;
        case (6 << 3) | LEN:
          m.hostname = r.string();
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** grpc.testing.StreamingInputCallRequest: one message of StreamingInputCall's request stream. */
export interface StreamingInputCallRequest {
  payload: Payload | null;
  /** Whether this message must have arrived compressed (interop "CompressedRequest"). */
  expectCompressed: BoolValue | null;
}

export const StreamingInputCallRequestCodec: MessageCodec<StreamingInputCallRequest> = {
  typeName: 'grpc.testing.StreamingInputCallRequest',
  create: () => ({ payload: null, expectCompressed: null }),
  size(m) {
    let size = 0;
    if (m.payload !== null) size += messageFieldSize(1, PayloadCodec, m.payload);
    if (m.expectCompressed !== null) {
      size += messageFieldSize(2, BoolValueCodec, m.expectCompressed);
    }
    return size;
  },
  write(m, w) {
    if (m.payload !== null) writeMessageField(w, 1, PayloadCodec, m.payload);
    if (m.expectCompressed !== null) writeMessageField(w, 2, BoolValueCodec, m.expectCompressed);
  },
  read(r, into) {
    const m = into ?? StreamingInputCallRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | LEN:
          m.payload = readMessageField(r, PayloadCodec, m.payload ?? undefined);
          break;
        case (2 << 3) | LEN:
          m.expectCompressed = readMessageField(r, BoolValueCodec, m.expectCompressed ?? undefined);
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** grpc.testing.StreamingInputCallResponse: the sum of the payload sizes received. */
export interface StreamingInputCallResponse {
  aggregatedPayloadSize: number;
}

export const StreamingInputCallResponseCodec: MessageCodec<StreamingInputCallResponse> = {
  typeName: 'grpc.testing.StreamingInputCallResponse',
  create: () => ({ aggregatedPayloadSize: 0 }),
  size: (m) => (m.aggregatedPayloadSize !== 0 ? 1 + int32Size(m.aggregatedPayloadSize) : 0),
  write(m, w) {
    if (m.aggregatedPayloadSize !== 0) w.tag(1, VARINT).int32(m.aggregatedPayloadSize);
  },
  read(r, into) {
    const m = into ?? StreamingInputCallResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | VARINT)) m.aggregatedPayloadSize = r.int32();
      else r.skip(key);
    }
    return m;
  },
};

/** grpc.testing.ResponseParameters: the shape of one response message of a streaming call. */
export interface ResponseParameters {
  /** Payload body size, in bytes. */
  size: number;
  /** Microseconds to wait before sending this response, after the previous one. */
  intervalUs: number;
  /** Whether this response message must be compressed. */
  compressed: BoolValue | null;
}

export const ResponseParametersCodec: MessageCodec<ResponseParameters> = {
  typeName: 'grpc.testing.ResponseParameters',
  create: () => ({ size: 0, intervalUs: 0, compressed: null }),
  size(m) {
    let size = 0;
    if (m.size !== 0) size += 1 + int32Size(m.size);
    if (m.intervalUs !== 0) size += 1 + int32Size(m.intervalUs);
    if (m.compressed !== null) size += messageFieldSize(3, BoolValueCodec, m.compressed);
    return size;
  },
  write(m, w) {
    if (m.size !== 0) w.tag(1, VARINT).int32(m.size);
    if (m.intervalUs !== 0) w.tag(2, VARINT).int32(m.intervalUs);
    if (m.compressed !== null) writeMessageField(w, 3, BoolValueCodec, m.compressed);
  },
  read(r, into) {
    const m = into ?? ResponseParametersCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | VARINT:
          m.size = r.int32();
          break;
        case (2 << 3) | VARINT:
          m.intervalUs = r.int32();
          break;
        case (3 << 3) | LEN:
          m.compressed = readMessageField(r, BoolValueCodec, m.compressed ?? undefined);
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** grpc.testing.StreamingOutputCallRequest: the request of the three output-streaming methods. */
export interface StreamingOutputCallRequest {
  /** A PayloadType value. */
  responseType: number;
  /** One response message per element, in order. */
  responseParameters: ResponseParameters[];
  payload: Payload | null;
  /** The status to end the call with (interop "Echo Status"). */
  responseStatus: EchoStatus | null;
}

export const StreamingOutputCallRequestCodec: MessageCodec<StreamingOutputCallRequest> = {
  typeName: 'grpc.testing.StreamingOutputCallRequest',
  create: () => ({ responseType: 0, responseParameters: [], payload: null, responseStatus: null }),
  size(m) {
    let size = 0;
    if (m.responseType !== 0) size += 1 + int32Size(m.responseType);
    for (const p of m.responseParameters) size += messageFieldSize(2, ResponseParametersCodec, p);
    if (m.payload !== null) size += messageFieldSize(3, PayloadCodec, m.payload);
    if (m.responseStatus !== null) size += messageFieldSize(7, EchoStatusCodec, m.responseStatus);
    return size;
  },
  write(m, w) {
    if (m.responseType !== 0) w.tag(1, VARINT).int32(m.responseType);
    for (const p of m.responseParameters) writeMessageField(w, 2, ResponseParametersCodec, p);
    if (m.payload !== null) writeMessageField(w, 3, PayloadCodec, m.payload);
    if (m.responseStatus !== null) writeMessageField(w, 7, EchoStatusCodec, m.responseStatus);
  },
  read(r, into) {
    const m = into ?? StreamingOutputCallRequestCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      switch (key) {
        case (1 << 3) | VARINT:
          m.responseType = r.int32();
          break;
        case (2 << 3) | LEN:
          m.responseParameters.push(readMessageField(r, ResponseParametersCodec));
          break;
        case (3 << 3) | LEN:
          m.payload = readMessageField(r, PayloadCodec, m.payload ?? undefined);
          break;
        case (7 << 3) | LEN:
          m.responseStatus = readMessageField(r, EchoStatusCodec, m.responseStatus ?? undefined);
          break;
        default:
          r.skip(key);
      }
    }
    return m;
  },
};

/** grpc.testing.StreamingOutputCallResponse: one message of a response stream. */
export interface StreamingOutputCallResponse {
  payload: Payload | null;
}

export const StreamingOutputCallResponseCodec: MessageCodec<StreamingOutputCallResponse> = {
  typeName: 'grpc.testing.StreamingOutputCallResponse',
  create: () => ({ payload: null }),
  size: (m) => (m.payload !== null ? messageFieldSize(1, PayloadCodec, m.payload) : 0),
  write(m, w) {
    if (m.payload !== null) writeMessageField(w, 1, PayloadCodec, m.payload);
  },
  read(r, into) {
    const m = into ?? StreamingOutputCallResponseCodec.create();
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | LEN)) {
        m.payload = readMessageField(r, PayloadCodec, m.payload ?? undefined);
      } else {
        r.skip(key);
      }
    }
    return m;
  },
};
