// Request headers, both halves (grpc PROTOCOL-HTTP2.md "Requests"): the client writes them, the
// server checks them before a call starts (method POST, a gRPC content-type, a known path, a
// well-formed grpc-timeout, a supported grpc-encoding).
//
//   Request-Headers → Call-Definition *Custom-Metadata
//   Call-Definition → Method Scheme Path TE [Authority] [Timeout] Content-Type [Message-Type]
//                     [Message-Encoding] [Message-Accept-Encoding] [User-Agent]

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import {
  ACCEPT_ENCODING_HEADER,
  isSupportedEncoding,
  selectResponseEncoding,
} from './compression.js';
import { GrpcError } from './grpc-error.js';
import { formatGrpcTimeout, parseGrpcTimeout } from './grpc-timeout.js';
import {
  CONTENT_TYPE,
  firstHeaderValue,
  GRPC_ACCEPT_ENCODING,
  GRPC_CONTENT_TYPE,
  GRPC_ENCODING,
  GRPC_TIMEOUT,
  isGrpcContentType,
  PSEUDO_AUTHORITY,
  PSEUDO_METHOD,
  PSEUDO_PATH,
  PSEUDO_SCHEME,
  TE,
  TE_TRAILERS,
  USER_AGENT,
} from './headers.js';
import type { Metadata } from './metadata.js';
import { Status } from './status.js';

const IDENTITY = 'identity';

/** What a client call puts in its request headers. */
export interface RequestHead {
  readonly path: string;
  readonly scheme: string;
  readonly authority: string;
  readonly userAgent: string;
  /** The request messages' grpc-encoding; identity or undefined sends none. */
  readonly encoding?: string | undefined;
  /** Milliseconds left before the deadline, sent as grpc-timeout; undefined for none. */
  readonly timeoutMs?: number | undefined;
  readonly metadata?: Metadata | undefined;
}

/** The client's half: the request headers of a call, for `session.request()`. */
export function requestHeaders(head: RequestHead): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    [PSEUDO_METHOD]: 'POST',
    [PSEUDO_SCHEME]: head.scheme,
    [PSEUDO_PATH]: head.path,
    [PSEUDO_AUTHORITY]: head.authority,
    [CONTENT_TYPE]: GRPC_CONTENT_TYPE,
    [TE]: TE_TRAILERS,
    [USER_AGENT]: head.userAgent,
    [GRPC_ACCEPT_ENCODING]: ACCEPT_ENCODING_HEADER,
  };
  const encoding = head.encoding;
  if (encoding !== undefined && encoding !== 'identity') headers[GRPC_ENCODING] = encoding;
  if (head.timeoutMs !== undefined) headers[GRPC_TIMEOUT] = formatGrpcTimeout(head.timeoutMs);
  head.metadata?.toHttp2Headers(headers);
  return headers;
}

/** A request the server accepts: the call starts with these. `M` is the server's method entry. */
export interface Admission<M> {
  readonly method: M;
  readonly timeoutMs: number | undefined;
  readonly requestEncoding: string;
  readonly responseEncoding: string;
}

/**
 * A request the server refuses: a gRPC status for a gRPC request that cannot run, or, with
 * `httpStatus`, an answer to a request that is not gRPC at all (405, 415).
 */
export interface Refusal {
  readonly refused: GrpcError;
  readonly httpStatus?: number;
}

/**
 * The server's half: checks a new stream's request headers. `methods` maps a `:path` to the
 * server's entry for it; `compression` is the server's preferred response encoding.
 */
export function checkRequestHeaders<M>(
  headers: IncomingHttpHeaders,
  methods: ReadonlyMap<string, M>,
  compression: string,
): Admission<M> | Refusal {
  if (headers[PSEUDO_METHOD] !== 'POST') {
    return httpRefusal(405, `gRPC requests use POST, not ${headers[PSEUDO_METHOD]}`);
  }
  const contentType = headers[CONTENT_TYPE];
  if (contentType !== GRPC_CONTENT_TYPE && !isGrpcContentType(contentType)) {
    return httpRefusal(
      415,
      `content-type "${headers[CONTENT_TYPE] ?? ''}" is not application/grpc: this is a gRPC server`,
    );
  }
  const path = headers[PSEUDO_PATH] ?? '';
  const method = methods.get(path);
  if (method === undefined) return { refused: unknownMethod(path, methods) };

  let timeoutMs: number | undefined;
  const timeoutHeader = headers[GRPC_TIMEOUT];
  const timeout = timeoutHeader === undefined ? undefined : firstHeaderValue(timeoutHeader);
  if (timeout !== undefined) {
    try {
      timeoutMs = parseGrpcTimeout(timeout);
    } catch (error) {
      return { refused: new GrpcError(Status.INTERNAL, (error as Error).message) };
    }
    if (timeoutMs <= 0) {
      return {
        refused: new GrpcError(Status.DEADLINE_EXCEEDED, 'the deadline had passed on arrival'),
      };
    }
  }

  const encoding = headers[GRPC_ENCODING];
  const requestEncoding =
    encoding === undefined ? IDENTITY : (firstHeaderValue(encoding) ?? IDENTITY).toLowerCase();
  if (requestEncoding !== IDENTITY && !isSupportedEncoding(requestEncoding)) {
    return {
      refused: new GrpcError(
        Status.UNIMPLEMENTED,
        `grpc-encoding "${requestEncoding}" is not supported; this server accepts ${ACCEPT_ENCODING_HEADER}`,
      ),
    };
  }

  const responseEncoding =
    compression === IDENTITY
      ? IDENTITY
      : selectResponseEncoding(headers[GRPC_ACCEPT_ENCODING], compression);
  return { method, timeoutMs, requestEncoding, responseEncoding };
}

function httpRefusal(httpStatus: number, message: string): Refusal {
  return { refused: new GrpcError(Status.INTERNAL, message), httpStatus };
}

/** UNIMPLEMENTED, saying whether the service or only the method is unknown (as grpc-go does). */
function unknownMethod(path: string, methods: ReadonlyMap<string, unknown>): GrpcError {
  const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
  if (match === null) return new GrpcError(Status.UNIMPLEMENTED, `malformed method name "${path}"`);
  const service = match[1]!;
  const prefix = `/${service}/`;
  for (const known of methods.keys()) {
    if (known.startsWith(prefix)) {
      return new GrpcError(
        Status.UNIMPLEMENTED,
        `unknown method ${match[2]} for service ${service}`,
      );
    }
  }
  return new GrpcError(Status.UNIMPLEMENTED, `unknown service ${service}`);
}
