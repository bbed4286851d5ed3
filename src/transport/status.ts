// gRPC status codes and grpc-status values (grpc doc/statuscodes.md; PROTOCOL-HTTP2.md "Responses").

/** The 17 status codes of gRPC, by name. The numbers are the wire values of `grpc-status`. */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type StatusCode = (typeof Status)[keyof typeof Status];

/** Names indexed by code: the codes are 0..16 without gaps. */
const NAMES = Object.keys(Status) as (keyof typeof Status)[];

/** True for an integer that is one of the 17 codes gRPC defines. */
export function isStatusCode(value: unknown): value is StatusCode {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < NAMES.length;
}

/**
 * The code's name as grpc spells it (`NOT_FOUND`). A number outside the 17 codes is shown as
 * `Code(17)`, the way grpc-go's `codes.Code.String()` shows it, so a log never hides the value.
 */
export function statusName(code: number): string {
  return isStatusCode(code) ? NAMES[code]! : `Code(${code})`;
}

/**
 * Reads a `grpc-status` header value. statuscodes.md: "Error parsing returned status → UNKNOWN";
 * so a missing or non-numeric value is UNKNOWN (as in grpc-go), and so is a number beyond the 17
 * codes (grpc-go would pass it through; UNKNOWN keeps `StatusCode` a closed set, as grpc-java does).
 * Leading zeros are accepted, as grpc-go's `strconv.ParseInt` accepts them.
 */
export function parseStatusCode(value: string | undefined): StatusCode {
  if (value === undefined || !/^[0-9]{1,10}$/.test(value)) return Status.UNKNOWN;
  const code = Number(value);
  return isStatusCode(code) ? code : Status.UNKNOWN;
}
