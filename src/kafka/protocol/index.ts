// The Kafka wire protocol layer's public surface (kafka.apache.org/protocol): primitives,
// framing, headers, every implemented API's codecs and types, and record batch v2.

export * from './api-definition.js';
export * from './api-keys.js';
export * from './apis/api-versions.js';
export * from './apis/create-topics.js';
export * from './apis/fetch.js';
export * from './apis/find-coordinator.js';
export * from './apis/heartbeat.js';
export * from './apis/index.js';
export * from './apis/init-producer-id.js';
export * from './apis/join-group.js';
export * from './apis/leave-group.js';
export * from './apis/list-offsets.js';
export * from './apis/metadata.js';
export * from './apis/offset-commit.js';
export * from './apis/offset-fetch.js';
export * from './apis/produce.js';
export * from './apis/sync-group.js';
export * from './compression.js';
export * from './crc32c.js';
export * from './error-codes.js';
export * from './errors.js';
export * from './framing.js';
export type { BytesInput, MessageCodec } from './message-codec.js';
export * from './reader.js';
export * from './record-batch.js';
export * from './records.js';
export * from './request-frame.js';
export * from './request-header.js';
export * from './response-header.js';
export type { FieldSpec, ScalarType } from './schema.js';
export * from './writer.js';
