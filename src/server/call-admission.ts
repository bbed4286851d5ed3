// Checks a new HTTP/2 stream's request headers before a call starts (grpc PROTOCOL-HTTP2.md
// "Requests"): method POST, a gRPC content-type, a known path, a well-formed grpc-timeout and a
// supported grpc-encoding. A request that fails gets its answer here and no call is created.

import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import {
  ACCEPT_ENCODING_HEADER,
  isSupportedEncoding,
  selectResponseEncoding,
} from '../transport/compression.js';
import { GrpcError } from '../transport/grpc-error.js';
import { encodeGrpcMessage } from '../transport/grpc-message.js';
import { parseGrpcTimeout } from '../transport/grpc-timeout.js';
import { isGrpcContentType } from '../transport/headers.js';
import { Status } from '../transport/status.js';
import { trailersOnlyHeaders } from '../transport/trailers.js';
import type { RegisteredMethod } from './server-call.js';
import type { EarlyResponseHeaders } from './server-options.js';

/** What a request that passed every check starts its call with. */
export interface Admission {
  readonly method: RegisteredMethod;
  readonly timeoutMs: number | undefined;
  readonly requestEncoding: string;
  readonly responseEncoding: string;
}

/**
 * Returns the admission of a valid gRPC request, or answers the stream itself and returns
 * undefined. `compression` is the server's preferred response encoding.
 */
export function admitCall(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  methods: ReadonlyMap<string, RegisteredMethod>,
  compression: string,
  early: EarlyResponseHeaders | undefined,
): Admission | undefined {
  if (headers[':method'] !== 'POST') {
    respondHttpError(
      stream,
      early?.(headers),
      405,
      `gRPC requests use POST, not ${headers[':method']}`,
    );
    return undefined;
  }
  if (!isGrpcContentType(headers['content-type'])) {
    respondHttpError(
      stream,
      early?.(headers),
      415,
      `content-type "${headers['content-type'] ?? ''}" is not application/grpc: this is a gRPC server`,
    );
    return undefined;
  }
  const path = headers[':path'] ?? '';
  const method = methods.get(path);
  if (method === undefined) {
    respondStatus(stream, early?.(headers), unknownMethod(path, methods));
    return undefined;
  }

  let timeoutMs: number | undefined;
  const timeout = single(headers['grpc-timeout']);
  if (timeout !== undefined) {
    try {
      timeoutMs = parseGrpcTimeout(timeout);
    } catch (error) {
      respondStatus(
        stream,
        early?.(headers),
        new GrpcError(Status.INTERNAL, (error as Error).message),
      );
      return undefined;
    }
    if (timeoutMs <= 0) {
      respondStatus(
        stream,
        early?.(headers),
        new GrpcError(Status.DEADLINE_EXCEEDED, 'the deadline had passed on arrival'),
      );
      return undefined;
    }
  }

  const requestEncoding = (single(headers['grpc-encoding']) ?? 'identity').toLowerCase();
  if (!isSupportedEncoding(requestEncoding)) {
    respondStatus(
      stream,
      early?.(headers),
      new GrpcError(
        Status.UNIMPLEMENTED,
        `grpc-encoding "${requestEncoding}" is not supported; this server accepts ${ACCEPT_ENCODING_HEADER}`,
      ),
    );
    return undefined;
  }

  const responseEncoding = selectResponseEncoding(headers['grpc-accept-encoding'], compression);
  return { method, timeoutMs, requestEncoding, responseEncoding };
}

/** A header node:http2 may hand over as a list when it was sent more than once: the first. */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** UNIMPLEMENTED, saying whether the service or only the method is unknown (as grpc-go does). */
function unknownMethod(path: string, methods: ReadonlyMap<string, RegisteredMethod>): GrpcError {
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

/** A Trailers-Only response: HTTP 200 with the status in the only HEADERS frame, plus `extra`. */
export function respondStatus(
  stream: ServerHttp2Stream,
  extra: OutgoingHttpHeaders | undefined,
  error: GrpcError,
): void {
  if (stream.destroyed || stream.headersSent) return;
  // A GrpcError is an OutgoingStatus (code, message, details, metadata).
  const headers: OutgoingHttpHeaders = {
    'grpc-accept-encoding': ACCEPT_ENCODING_HEADER,
    ...extra,
    ...trailersOnlyHeaders(error),
  };
  stream.respond(headers, { endStream: true });
  // Whatever the client still sends is read and dropped, so its flow-control window never stalls.
  stream.resume();
}

/**
 * A non-gRPC answer for a request that is not gRPC at all, with a readable body for curl and
 * browsers, and grpc-status too so a gRPC client that got here by mistake still gets a status.
 */
function respondHttpError(
  stream: ServerHttp2Stream,
  extra: OutgoingHttpHeaders | undefined,
  httpStatus: number,
  message: string,
): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond({
    ...extra,
    ':status': httpStatus,
    'content-type': 'text/plain; charset=utf-8',
    'grpc-status': String(Status.INTERNAL),
    'grpc-message': encodeGrpcMessage(message),
  });
  stream.end(`${message}\n`);
  stream.resume();
}
