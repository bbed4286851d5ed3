// ApiVersions (KIP-35, KIP-511): the versions this broker answers, from 0 for every API (old
// librdkafka enables features only when old versions are in range); no GetTelemetrySubscriptions.

import {
  ADVERTISED_API_VERSIONS,
  type ApiVersionsResponse,
  ErrorCode,
} from '../../protocol/index.js';

/** The highest version of ApiVersions itself this broker answers in its own format. */
export const MAX_API_VERSIONS_VERSION =
  ADVERTISED_API_VERSIONS.find((api) => api.apiKey === 18)?.maxVersion ?? 3;

/** The advertised maximum version of an API, or undefined when the broker does not serve it. */
export function advertisedMaxVersion(apiKey: number): number | undefined {
  return ADVERTISED_API_VERSIONS.find((api) => api.apiKey === apiKey)?.maxVersion;
}

/**
 * The ApiVersions answer. `supported` false: the client asked in a version above ours; Kafka then
 * answers in v0's format with UNSUPPORTED_VERSION and the list, and the client retries lower.
 */
export function apiVersionsResponse(supported: boolean): ApiVersionsResponse {
  return {
    errorCode: supported ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: ADVERTISED_API_VERSIONS.map(({ apiKey, maxVersion }) => ({
      apiKey,
      minVersion: 0,
      maxVersion,
    })),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}
