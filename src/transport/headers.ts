// Header names of gRPC over HTTP/2, and which are not metadata (grpc PROTOCOL-HTTP2.md "Requests").

// Pseudo-headers (RFC 9113 §8.3), written by node:http2 callers on every request and response.
export const PSEUDO_METHOD = ':method';
export const PSEUDO_SCHEME = ':scheme';
export const PSEUDO_PATH = ':path';
export const PSEUDO_AUTHORITY = ':authority';
export const PSEUDO_STATUS = ':status';

// Call-Definition and response headers.
export const CONTENT_TYPE = 'content-type';
export const TE = 'te';
export const USER_AGENT = 'user-agent';
export const GRPC_TIMEOUT = 'grpc-timeout';
export const GRPC_ENCODING = 'grpc-encoding';
export const GRPC_ACCEPT_ENCODING = 'grpc-accept-encoding';
export const GRPC_MESSAGE_TYPE = 'grpc-message-type';

// Trailers.
export const GRPC_STATUS = 'grpc-status';
export const GRPC_MESSAGE = 'grpc-message';
export const GRPC_STATUS_DETAILS_BIN = 'grpc-status-details-bin';

// grpc-* names that gRPC itself sends as ordinary metadata (retry design A6, tracing).
export const GRPC_RETRY_PUSHBACK_MS = 'grpc-retry-pushback-ms';
export const GRPC_PREVIOUS_RPC_ATTEMPTS = 'grpc-previous-rpc-attempts';

/** The only value `te` may have on a gRPC request: it tells proxies the client reads trailers. */
export const TE_TRAILERS = 'trailers';
/** The content-type handwire sends; the `+proto` subtype is implied. */
export const GRPC_CONTENT_TYPE = 'application/grpc';

/**
 * Names that are never custom metadata: the Call-Definition, response and trailer headers above,
 * and the HTTP/1 connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2) or frames itself
 * (content-length). Metadata refuses to hold them, so metadata received can always be sent back.
 */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  CONTENT_TYPE,
  TE,
  GRPC_TIMEOUT,
  GRPC_ENCODING,
  GRPC_ACCEPT_ENCODING,
  GRPC_MESSAGE_TYPE,
  GRPC_STATUS,
  GRPC_MESSAGE,
  GRPC_STATUS_DETAILS_BIN,
  'connection',
  'content-length',
  'host',
  'http2-settings',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/**
 * grpc-* names applications may use. PROTOCOL-HTTP2.md reserves every other `grpc-` name "for
 * future GRPC use"; these are the ones gRPC defines as travelling in metadata (as grpc-go lets
 * them through: retry pushback and attempts, and the binary trace and stats contexts).
 */
const GRPC_METADATA_HEADERS: ReadonlySet<string> = new Set([
  GRPC_RETRY_PUSHBACK_MS,
  GRPC_PREVIOUS_RPC_ATTEMPTS,
  'grpc-trace-bin',
  'grpc-tags-bin',
]);

/**
 * True for a (lowercase) header name that is not custom metadata: a pseudo-header, a gRPC
 * protocol header, any other `grpc-` name gRPC has not opened to applications, or a
 * connection-specific header. `user-agent` and `authorization` are metadata.
 */
export function isReservedHeader(name: string): boolean {
  if (name.charCodeAt(0) === 0x3a /* ':' */) return true;
  if (RESERVED_HEADERS.has(name)) return true;
  return name.startsWith('grpc-') && !GRPC_METADATA_HEADERS.has(name);
}

/** A gRPC content-type taken apart: `application/grpc+json; charset=utf-8` → `json`. */
export interface GrpcContentType {
  /** The lowercase message format after `+`; `proto` when none is named (`application/grpc`). */
  readonly subtype: string;
}

/**
 * Parses a content-type as PROTOCOL-HTTP2.md defines it: `application/grpc`, optionally followed
 * by `+subtype` and/or `;parameters`, case-insensitive (media types are, RFC 9110 §8.3.1).
 * Returns null for anything else, `application/grpc-web` included: the server answers that with
 * HTTP 415. A `+json` or other subtype is gRPC too, but another message codec than protobuf.
 */
export function parseGrpcContentType(value: string | undefined): GrpcContentType | null {
  if (value === undefined) return null;
  const type = value.trim().toLowerCase();
  if (!type.startsWith(GRPC_CONTENT_TYPE)) return null;
  const rest = type.slice(GRPC_CONTENT_TYPE.length);
  if (rest === '' || rest[0] === ';') return PROTO;
  if (rest[0] !== '+') return null;
  const end = rest.indexOf(';');
  const subtype = (end === -1 ? rest.slice(1) : rest.slice(1, end)).trim();
  // `application/grpc+` names no subtype; grpc-go accepts it as the default, and so does this.
  return subtype === '' || subtype === 'proto' ? PROTO : { subtype };
}

const PROTO: GrpcContentType = Object.freeze({ subtype: 'proto' });

/** True when the content-type is a gRPC one, whatever its subtype (see parseGrpcContentType). */
export function isGrpcContentType(value: string | undefined): boolean {
  return parseGrpcContentType(value) !== null;
}

/** The first value of a header node:http2 gives as a list when it was sent more than once. */
export function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
