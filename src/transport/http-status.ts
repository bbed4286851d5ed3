// HTTP status → gRPC status when grpc-status is missing (grpc doc/http-grpc-status-mapping.md).
//
// Only a client uses this, and only when a response carries no grpc-status: a proxy or a server
// that is not gRPC answered. A server never picks an HTTP status from this table.

import { Status, type StatusCode } from './status.js';

/** The gRPC code a client reports for an HTTP status when the response has no grpc-status. */
export function grpcStatusForHttpStatus(httpStatus: number): StatusCode {
  switch (httpStatus) {
    case 400: // Bad Request
    case 431: // Request Header Fields Too Large
      return Status.INTERNAL;
    case 401: // Unauthorized
      return Status.UNAUTHENTICATED;
    case 403: // Forbidden
      return Status.PERMISSION_DENIED;
    case 404: // Not Found
      return Status.UNIMPLEMENTED;
    case 429: // Too Many Requests
    case 502: // Bad Gateway
    case 503: // Service Unavailable
    case 504: // Gateway Timeout
      return Status.UNAVAILABLE;
    default:
      // 200 too: a real OK would have carried grpc-status 0.
      return Status.UNKNOWN;
  }
}
