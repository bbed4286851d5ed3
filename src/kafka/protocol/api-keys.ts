// Kafka API keys (kafka.apache.org/protocol "Api Keys") and the header versions each request
// and response uses (flexible versions: KIP-482; ApiVersions' response header: KIP-511).

/** The numeric API keys of the protocol guide that handwire implements or names in logs. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DescribeConfigs: 32,
  SaslAuthenticate: 36,
  GetTelemetrySubscriptions: 71,
} as const;

export type ApiKeyName = keyof typeof ApiKey;

const NAME_OF_KEY = new Map<number, ApiKeyName>(
  Object.entries(ApiKey).map(([name, key]) => [key, name as ApiKeyName]),
);

/** The protocol guide's name of an API key (`ApiKey<n>` for one not listed here). */
export function apiKeyName(apiKey: number): string {
  return NAME_OF_KEY.get(apiKey) ?? `ApiKey${apiKey}`;
}
