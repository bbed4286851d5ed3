// Responses, both halves (grpc PROTOCOL-HTTP2.md "Responses"): the server writes the response
// headers, the trailers or a Trailers-Only response; the client reads them back to one status.
//
//   Response         → (Response-Headers *Length-Prefixed-Message Trailers) / Trailers-Only
//   Response-Headers → HTTP-Status [Message-Encoding] [Message-Accept-Encoding] Content-Type
//                      *Custom-Metadata
//   Trailers         → Status [Status-Message] *Custom-Metadata
//   Trailers-Only    → HTTP-Status Content-Type Trailers

import { STATUS_CODES } from 'node:http';
import type {
  IncomingHttpHeaders,
  IncomingHttpStatusHeader,
  OutgoingHttpHeaders,
} from 'node:http2';
import type { Any } from '../wire/messages/google-protobuf.js';
import type { Status as RpcStatus } from '../wire/messages/google-rpc.js';
import { ACCEPT_ENCODING_HEADER } from './compression.js';
import { GrpcError } from './grpc-error.js';
import { decodeGrpcMessage, encodeGrpcMessage } from './grpc-message.js';
import {
  CONTENT_TYPE,
  firstHeaderValue,
  GRPC_ACCEPT_ENCODING,
  GRPC_CONTENT_TYPE,
  GRPC_ENCODING,
  GRPC_MESSAGE,
  GRPC_STATUS,
  GRPC_STATUS_DETAILS_BIN,
  isGrpcContentType,
  PSEUDO_STATUS,
} from './headers.js';
import { grpcStatusForHttpStatus } from './http-status.js';
import { type MalformedMetadataError, Metadata } from './metadata.js';
import { isStatusCode, parseStatusCode, Status, type StatusCode } from './status.js';
import { decodeStatusDetails, encodeStatusDetails } from './status-details.js';

/** A status to send: a GrpcError fits, and so does `{ code: Status.OK, message: '' }`. */
export interface OutgoingStatus {
  readonly code: number;
  readonly message: string;
  readonly details?: readonly Any[];
  readonly metadata?: Metadata;
}

/** A status received, with the trailing metadata that came with it. */
export interface ReceivedStatus {
  code: StatusCode;
  message: string;
  details: Any[];
  metadata: Metadata;
}

/** A status OK without trailing metadata, shared: only its code is read. */
export const OK_STATUS: ReceivedStatus = Object.freeze({
  code: Status.OK,
  message: '',
  details: [],
  metadata: new Metadata(),
}) as ReceivedStatus;

/**
 * The server's response headers, as grpc-go sends them: status 200, content-type,
 * grpc-accept-encoding (what the client may compress requests with, doc/compression.md, as
 * grpc-go and grpc-js send it on every response), grpc-encoding when responses are compressed,
 * then the custom metadata. Every header costs node:http2 work on every call: no more than these.
 */
export function responseHeaders(
  encoding: string,
  metadata: Metadata | undefined,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    [PSEUDO_STATUS]: 200,
    [CONTENT_TYPE]: GRPC_CONTENT_TYPE,
    [GRPC_ACCEPT_ENCODING]: ACCEPT_ENCODING_HEADER,
  };
  if (encoding !== 'identity') headers[GRPC_ENCODING] = encoding;
  if (metadata !== undefined && metadata.size > 0) metadata.toHttp2Headers(headers);
  return headers;
}

/** What the client makes of the response headers. */
export type ResponseHead =
  /** Response-Headers: messages follow, compressed with `encoding`, then Trailers. */
  | { readonly status: undefined; readonly error: undefined; readonly encoding: string }
  /** Trailers-Only: the status came in the headers; nothing follows. */
  | { readonly status: ReceivedStatus; readonly error: undefined }
  /** Not a gRPC response (another :status, another content-type): the call fails with `error`. */
  | { readonly status: undefined; readonly error: GrpcError };

/**
 * The client's half of the response headers. A :status other than 200 gets the status its
 * grpc-status gives, if any (our own 415 answer has one), else the one http-grpc-status-mapping.md
 * gives; a content-type that is not gRPC is UNKNOWN (the peer is not a gRPC server).
 */
export function readResponseHeaders(
  headers: IncomingHttpHeaders & IncomingHttpStatusHeader,
): ResponseHead {
  if (headers[PSEUDO_STATUS] !== 200) {
    return { status: undefined, error: statusError(readTrailers(headers)) };
  }
  const contentType = headers[CONTENT_TYPE];
  if (contentType !== GRPC_CONTENT_TYPE && !isGrpcContentType(contentType)) {
    return {
      status: undefined,
      error: new GrpcError(
        Status.UNKNOWN,
        `the response content-type is ${JSON.stringify(headers[CONTENT_TYPE])}, not application/grpc: the server is not a gRPC server`,
      ),
    };
  }
  if (headers[GRPC_STATUS] !== undefined)
    return { status: readTrailers(headers), error: undefined };
  const encoding = headers[GRPC_ENCODING];
  return {
    status: undefined,
    error: undefined,
    encoding: typeof encoding === 'string' ? encoding : 'identity',
  };
}

/** A received status that is not OK, as the error a call fails with. */
export function statusError(status: ReceivedStatus): GrpcError {
  return new GrpcError(status.code, status.message, {
    details: status.details,
    metadata: status.metadata,
  });
}

/**
 * The trailers that end a call: grpc-status; grpc-message, percent-encoded, when the message is
 * not empty; grpc-status-details-bin when there are details (a google.rpc.Status repeating the
 * code and message, as grpc-go builds it); then the custom metadata, which can never overwrite
 * these (Metadata refuses reserved keys). For node:http2's `stream.sendTrailers`.
 */
export function statusTrailers(status: OutgoingStatus): OutgoingHttpHeaders {
  const trailers: OutgoingHttpHeaders = { [GRPC_STATUS]: String(status.code) };
  if (status.message !== '') trailers[GRPC_MESSAGE] = encodeGrpcMessage(status.message);
  if (status.details !== undefined && status.details.length > 0) {
    trailers[GRPC_STATUS_DETAILS_BIN] = encodeStatusDetails({
      code: status.code,
      message: status.message,
      details: status.details.slice(),
    });
  }
  if (status.metadata !== undefined) status.metadata.toHttp2Headers(trailers);
  return trailers;
}

/** Trailers of a call that succeeded with no trailing metadata: built once, sent often. */
const OK_TRAILERS: OutgoingHttpHeaders = Object.freeze({ [GRPC_STATUS]: '0' });

/**
 * The trailers that end a call with `error`'s status (OK when undefined): the handler's
 * trailing metadata plus what the error carries.
 */
export function trailersFor(
  error: GrpcError | undefined,
  trailing: Metadata | undefined,
): OutgoingHttpHeaders {
  if (error === undefined && (trailing === undefined || trailing.size === 0)) return OK_TRAILERS;
  let metadata = trailing;
  if (error !== undefined && error.metadata.size > 0) {
    metadata = trailing === undefined ? error.metadata : trailing.clone().merge(error.metadata);
  }
  return statusTrailers({
    code: error?.code ?? Status.OK,
    message: error?.message ?? '',
    details: error?.details ?? [],
    metadata,
  });
}

/**
 * A Trailers-Only response, for a call that fails before any message: HTTP status 200, the
 * content-type, and the trailers, all in the one HEADERS frame that ends the stream
 * (`stream.respond(headers, { endStream: true })`).
 */
export function trailersOnlyHeaders(
  status: OutgoingStatus,
  contentType: string = GRPC_CONTENT_TYPE,
): OutgoingHttpHeaders {
  return { [PSEUDO_STATUS]: 200, [CONTENT_TYPE]: contentType, ...statusTrailers(status) };
}

/**
 * Reads the status from trailers, or from a Trailers-Only response's single header block.
 * Never throws; whatever is wrong becomes the status, as PROTOCOL-HTTP2.md asks clients to
 * "synthesize a Status":
 * - no grpc-status: the code http-grpc-status-mapping.md gives for `:status` when there is one,
 *   else UNKNOWN, with a message saying so;
 * - a grpc-status that is not a number, or not one of the 17 codes: UNKNOWN (statuscodes.md
 *   "Error parsing returned status"), the message naming the value;
 * - a grpc-status-details-bin that is not a google.rpc.Status: ignored, code and message kept
 *   (as grpc-go); one whose code differs from grpc-status: INTERNAL, as grpc-go reports it;
 * - a custom -bin trailer that is not base64: INTERNAL, as grpc-go reports it.
 */
export function readStatus(trailers: IncomingHttpHeaders): ReceivedStatus {
  let metadata: Metadata;
  try {
    metadata = Metadata.fromHttp2Headers(trailers);
  } catch (error) {
    // The one error fromHttp2Headers throws: a MalformedMetadataError, naming the header.
    const message = (error as MalformedMetadataError).message;
    return { code: Status.INTERNAL, message, details: [], metadata: new Metadata() };
  }

  const statusValue = firstHeaderValue(trailers[GRPC_STATUS]);
  const messageValue = firstHeaderValue(trailers[GRPC_MESSAGE]);
  const message = messageValue === undefined ? '' : decodeGrpcMessage(messageValue);
  const withMessage = (problem: string) => (message === '' ? problem : `${problem}: ${message}`);

  if (statusValue === undefined) {
    const httpStatus = Number(trailers[PSEUDO_STATUS]);
    if (Number.isInteger(httpStatus) && httpStatus !== 200) {
      const reason = STATUS_CODES[httpStatus] ?? 'unknown';
      return {
        code: grpcStatusForHttpStatus(httpStatus),
        message: withMessage(
          `the server answered HTTP ${httpStatus} (${reason}) without a grpc-status`,
        ),
        details: [],
        metadata,
      };
    }
    return {
      code: Status.UNKNOWN,
      message: withMessage('the response ended without a grpc-status'),
      details: [],
      metadata,
    };
  }

  if (!/^[0-9]+$/.test(statusValue)) {
    const problem = `grpc-status ${JSON.stringify(statusValue)} is malformed`;
    return { code: Status.UNKNOWN, message: withMessage(problem), details: [], metadata };
  }
  if (!isStatusCode(Number(statusValue))) {
    const problem = `grpc-status ${statusValue} is not a gRPC status code`;
    return { code: Status.UNKNOWN, message: withMessage(problem), details: [], metadata };
  }
  const code = parseStatusCode(statusValue);

  const detailsValue = firstHeaderValue(trailers[GRPC_STATUS_DETAILS_BIN]);
  if (detailsValue === undefined) return { code, message, details: [], metadata };
  let details: RpcStatus;
  try {
    details = decodeStatusDetails(detailsValue);
  } catch {
    // Whatever it is, it is not a google.rpc.Status: the status stands without details (grpc-go).
    return { code, message, details: [], metadata };
  }
  if (details.code !== code) {
    return {
      code: Status.INTERNAL,
      message: `grpc-status-details-bin mismatch: grpc-status is ${code} but the details say ${details.code} (${JSON.stringify(details.message)}); grpc-message: ${JSON.stringify(message)}`,
      details: [],
      metadata,
    };
  }
  // The codes agree: the details' own message is used, as grpc-go does (the two should be equal).
  return { code, message: details.message, details: details.details, metadata };
}

/** readStatus, with anything it might throw turned into the status too: what a client reads. */
export function readTrailers(trailers: IncomingHttpHeaders): ReceivedStatus {
  try {
    return readStatus(trailers);
  } catch (error) {
    const grpcError = GrpcError.from(error);
    return {
      code: grpcError.code,
      message: grpcError.message,
      details: [],
      metadata: new Metadata(),
    };
  }
}
