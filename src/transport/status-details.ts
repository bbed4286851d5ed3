// grpc-status-details-bin: a google.rpc.Status in base64 (gRPC "richer error model").

import { decodeMessage, encodeMessage } from '../wire/codec.js';
import { type Status as RpcStatus, StatusCodec } from '../wire/messages/google-rpc.js';
import { WireError } from '../wire/wire-error.js';
import { decodeBase64, encodeBase64 } from './base64.js';

/** Encodes a google.rpc.Status as the value of grpc-status-details-bin (unpadded base64). */
export function encodeStatusDetails(status: RpcStatus): string {
  return encodeBase64(encodeMessage(StatusCodec, status));
}

/**
 * Decodes a grpc-status-details-bin value, padded or unpadded base64. Throws a WireError when the
 * text is not base64 or the bytes are not a google.rpc.Status.
 */
export function decodeStatusDetails(value: string): RpcStatus {
  const bytes = decodeBase64(value);
  if (bytes === null) throw new WireError('grpc-status-details-bin is not valid base64', 0);
  return decodeMessage(StatusCodec, bytes);
}
