// One Kafka API as a value: its key, the versions handwire's codecs implement, its first flexible
// version (KIP-482), and the request and response codecs (kafka.apache.org/protocol "The Messages").

import { MessageCodec } from './message-codec.js';
import type { FieldSpec } from './schema.js';

export interface KafkaApi<Request, Response> {
  readonly apiKey: number;
  readonly name: string;
  /** Lowest and highest version the codecs below read and write. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The first version with compact encodings and tagged fields; it also picks header versions. */
  readonly firstFlexibleVersion: number;
  readonly request: MessageCodec<Request>;
  readonly response: MessageCodec<Response>;
}

/** Builds an API from its request and response field tables (both share versions, as in Kafka). */
export function defineApi<Request, Response>(
  apiKey: number,
  name: string,
  versions: string,
  flexibleVersions: string,
  requestFields: readonly FieldSpec[],
  responseFields: readonly FieldSpec[],
): KafkaApi<Request, Response> {
  const request = new MessageCodec<Request>(
    `${name}Request`,
    versions,
    flexibleVersions,
    requestFields,
  );
  const response = new MessageCodec<Response>(
    `${name}Response`,
    versions,
    flexibleVersions,
    responseFields,
  );
  return {
    apiKey,
    name,
    minVersion: request.versions.min,
    maxVersion: request.versions.max,
    firstFlexibleVersion: request.flexibleVersions.min,
    request,
    response,
  };
}
