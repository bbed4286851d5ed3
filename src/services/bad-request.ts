// INVALID_ARGUMENT with a google.rpc.BadRequest detail (grpc's richer error model, AIP-193): one
// FieldViolation per bad field, so a client can show each next to its field.

import { GrpcError, packDetail } from '../transport/grpc-error.js';
import { Status } from '../transport/status.js';
import { BadRequestCodec, type FieldViolation } from '../wire/messages/google-rpc.js';

/** One bad field, named as in the .proto (`user_id`, `requests[2].email`). */
export function violation(field: string, description: string): FieldViolation {
  return { field, description, reason: '', localizedMessage: null };
}

/** INVALID_ARGUMENT with a BadRequest detail listing every violation. */
export function invalidArgument(violations: readonly FieldViolation[]): GrpcError {
  const summary = violations.map((v) => `${v.field} ${v.description}`).join('; ');
  return new GrpcError(Status.INVALID_ARGUMENT, `invalid request: ${summary}`, {
    details: [packDetail(BadRequestCodec, { fieldViolations: [...violations] })],
  });
}
