// ApiVersions (API key 18), versions 0-4, flexible from 3 (kafka.apache.org/protocol
// "ApiVersions API"; ApiVersionsRequest.json / ApiVersionsResponse.json; client software name and
// version: KIP-511; features: KIP-584).
//
// Its response always travels under response header v0, even when the body is flexible (KIP-511:
// a client that does not yet know the broker's versions must be able to read the correlation id),
// and a broker answers a version it does not support in the v0 body with UNSUPPORTED_VERSION and
// its key ranges, so the client can retry with one it does.

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface ApiVersionsRequest {
  /** v3+. */
  clientSoftwareName: string;
  /** v3+. */
  clientSoftwareVersion: string;
}

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  /** v1+. */
  throttleTimeMs?: number;
  /** v3+, tagged. */
  supportedFeatures?: { name: string; minVersion: number; maxVersion: number }[];
  /** v3+, tagged (default -1). */
  finalizedFeaturesEpoch?: number;
  /** v3+, tagged. */
  finalizedFeatures?: { name: string; maxVersionLevel: number; minVersionLevel: number }[];
  /** v3+, tagged. */
  zkMigrationReady?: boolean;
}

export const ApiVersionsApi = defineApi<ApiVersionsRequest, ApiVersionsResponse>(
  18,
  'ApiVersions',
  '0-4',
  '3+',
  [field('clientSoftwareName', 'string', '3+'), field('clientSoftwareVersion', 'string', '3+')],
  [
    field('errorCode', 'int16', '0+'),
    structs('apiKeys', '0+', [
      field('apiKey', 'int16', '0+'),
      field('minVersion', 'int16', '0+'),
      field('maxVersion', 'int16', '0+'),
    ]),
    field('throttleTimeMs', 'int32', '1+'),
    structs(
      'supportedFeatures',
      '3+',
      [
        field('name', 'string', '3+'),
        field('minVersion', 'int16', '3+'),
        field('maxVersion', 'int16', '3+'),
      ],
      { tag: 0, tagged: '3+' },
    ),
    field('finalizedFeaturesEpoch', 'int64', '3+', { default: -1, tag: 1, tagged: '3+' }),
    structs(
      'finalizedFeatures',
      '3+',
      [
        field('name', 'string', '3+'),
        field('maxVersionLevel', 'int16', '3+'),
        field('minVersionLevel', 'int16', '3+'),
      ],
      { tag: 2, tagged: '3+' },
    ),
    field('zkMigrationReady', 'bool', '3+', { default: false, tag: 3, tagged: '3+' }),
  ],
);

export function decodeApiVersionsRequest(r: KafkaReader, version: number): ApiVersionsRequest {
  return ApiVersionsApi.request.decode(r, version);
}

export function encodeApiVersionsRequest(
  w: KafkaWriter,
  version: number,
  request: ApiVersionsRequest,
) {
  ApiVersionsApi.request.encode(w, version, request);
}

export function decodeApiVersionsResponse(r: KafkaReader, version: number): ApiVersionsResponse {
  return ApiVersionsApi.response.decode(r, version);
}

export function encodeApiVersionsResponse(
  w: KafkaWriter,
  version: number,
  response: ApiVersionsResponse,
) {
  ApiVersionsApi.response.encode(w, version, response);
}
