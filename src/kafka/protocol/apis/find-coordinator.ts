// FindCoordinator (API key 10), versions 0-6, flexible from 3; several keys per request from 4
// (kafka.apache.org/protocol "FindCoordinator API"; FindCoordinatorRequest.json /
// FindCoordinatorResponse.json; batching: KIP-699). Key type 0 = group, 1 = transaction.

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { arrayOf, field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface FindCoordinatorRequest {
  /** v0-3. */
  key: string;
  /** v1+ (default 0 = group). */
  keyType: number;
  /** v4+. */
  coordinatorKeys: string[];
}

export interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface FindCoordinatorResponse {
  /** v1+. */
  throttleTimeMs?: number;
  /** v0-3. */
  errorCode?: number;
  /** v1-3. */
  errorMessage?: string | null;
  /** v0-3. */
  nodeId?: number;
  /** v0-3. */
  host?: string;
  /** v0-3. */
  port?: number;
  /** v4+. */
  coordinators?: Coordinator[];
}

export const FindCoordinatorApi = defineApi<FindCoordinatorRequest, FindCoordinatorResponse>(
  10,
  'FindCoordinator',
  '0-6',
  '3+',
  [
    field('key', 'string', '0-3'),
    field('keyType', 'int8', '1+', { default: 0 }),
    arrayOf('coordinatorKeys', 'string', '4+'),
  ],
  [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0-3'),
    field('errorMessage', 'string', '1-3', { nullable: '1-3' }),
    field('nodeId', 'int32', '0-3'),
    field('host', 'string', '0-3'),
    field('port', 'int32', '0-3'),
    structs('coordinators', '4+', [
      field('key', 'string', '4+'),
      field('nodeId', 'int32', '4+'),
      field('host', 'string', '4+'),
      field('port', 'int32', '4+'),
      field('errorCode', 'int16', '4+'),
      field('errorMessage', 'string', '4+', { nullable: '4+' }),
    ]),
  ],
);

export function decodeFindCoordinatorRequest(
  r: KafkaReader,
  version: number,
): FindCoordinatorRequest {
  return FindCoordinatorApi.request.decode(r, version);
}

export function encodeFindCoordinatorRequest(
  w: KafkaWriter,
  version: number,
  request: FindCoordinatorRequest,
) {
  FindCoordinatorApi.request.encode(w, version, request);
}

export function decodeFindCoordinatorResponse(
  r: KafkaReader,
  version: number,
): FindCoordinatorResponse {
  return FindCoordinatorApi.response.decode(r, version);
}

export function encodeFindCoordinatorResponse(
  w: KafkaWriter,
  version: number,
  response: FindCoordinatorResponse,
) {
  FindCoordinatorApi.response.encode(w, version, response);
}
