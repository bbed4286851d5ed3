// Every Kafka API handwire implements, by key, with the message types of each
// (kafka.apache.org/protocol "The Messages"), and the version ranges a broker advertises.

import type { KafkaApi } from '../api-definition.js';
import {
  ApiVersionsApi,
  type ApiVersionsRequest,
  type ApiVersionsResponse,
} from './api-versions.js';
import {
  CreateTopicsApi,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
} from './create-topics.js';
import { FetchApi, type FetchRequest, type FetchResponse } from './fetch.js';
import {
  FindCoordinatorApi,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from './find-coordinator.js';
import { HeartbeatApi, type HeartbeatRequest, type HeartbeatResponse } from './heartbeat.js';
import {
  InitProducerIdApi,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from './init-producer-id.js';
import { JoinGroupApi, type JoinGroupRequest, type JoinGroupResponse } from './join-group.js';
import { LeaveGroupApi, type LeaveGroupRequest, type LeaveGroupResponse } from './leave-group.js';
import {
  ListOffsetsApi,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from './list-offsets.js';
import { MetadataApi, type MetadataRequest, type MetadataResponse } from './metadata.js';
import {
  OffsetCommitApi,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from './offset-commit.js';
import {
  OffsetFetchApi,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
} from './offset-fetch.js';
import {
  ProduceApi,
  type ProduceRequest,
  type ProduceRequestInput,
  type ProduceResponse,
} from './produce.js';
import { SyncGroupApi, type SyncGroupRequest, type SyncGroupResponse } from './sync-group.js';

/** Request and response body types by API key. */
export interface KafkaMessages {
  0: { request: ProduceRequest; response: ProduceResponse };
  1: { request: FetchRequest; response: FetchResponse };
  2: { request: ListOffsetsRequest; response: ListOffsetsResponse };
  3: { request: MetadataRequest; response: MetadataResponse };
  8: { request: OffsetCommitRequest; response: OffsetCommitResponse };
  9: { request: OffsetFetchRequest; response: OffsetFetchResponse };
  10: { request: FindCoordinatorRequest; response: FindCoordinatorResponse };
  11: { request: JoinGroupRequest; response: JoinGroupResponse };
  12: { request: HeartbeatRequest; response: HeartbeatResponse };
  13: { request: LeaveGroupRequest; response: LeaveGroupResponse };
  14: { request: SyncGroupRequest; response: SyncGroupResponse };
  18: { request: ApiVersionsRequest; response: ApiVersionsResponse };
  19: { request: CreateTopicsRequest; response: CreateTopicsResponse };
  22: { request: InitProducerIdRequest; response: InitProducerIdResponse };
}

export type ImplementedApiKey = keyof KafkaMessages;

/** What a request encoder accepts: the decoded type, except Produce records may be several buffers. */
export type KafkaRequestInput<K extends ImplementedApiKey> = K extends 0
  ? ProduceRequestInput
  : KafkaMessages[K]['request'];

/** Every implemented API, in API-key order. */
export const KAFKA_APIS: readonly KafkaApi<unknown, unknown>[] = [
  ProduceApi,
  FetchApi,
  ListOffsetsApi,
  MetadataApi,
  OffsetCommitApi,
  OffsetFetchApi,
  FindCoordinatorApi,
  JoinGroupApi,
  HeartbeatApi,
  LeaveGroupApi,
  SyncGroupApi,
  ApiVersionsApi,
  CreateTopicsApi,
  InitProducerIdApi,
] as readonly KafkaApi<unknown, unknown>[];

const API_BY_KEY = new Map<number, KafkaApi<unknown, unknown>>(
  KAFKA_APIS.map((api) => [api.apiKey, api]),
);

/** The implemented API with this key, or undefined. */
export function kafkaApi(apiKey: number): KafkaApi<unknown, unknown> | undefined {
  return API_BY_KEY.get(apiKey);
}

/**
 * Version ranges a broker can advertise in ApiVersions: the set under which librdkafka (kcat,
 * confluent-kafka), kafkajs, @platformatic/kafka and kafka-python all produced, consumed and ran
 * consumer groups, plus CreateTopics. Every range starts at 0: librdkafka before 2.11.1 turns
 * features on only when old single versions (Produce v3, Fetch v4, Produce v0) are in range.
 * The codecs implement more (each API's maxVersion); raise a maximum here only with a client test.
 */
export const ADVERTISED_API_VERSIONS: readonly { apiKey: ImplementedApiKey; maxVersion: number }[] =
  [
    { apiKey: 0, maxVersion: 7 },
    { apiKey: 1, maxVersion: 12 },
    { apiKey: 2, maxVersion: 5 },
    { apiKey: 3, maxVersion: 9 },
    { apiKey: 8, maxVersion: 8 },
    { apiKey: 9, maxVersion: 8 },
    { apiKey: 10, maxVersion: 4 },
    { apiKey: 11, maxVersion: 6 },
    { apiKey: 12, maxVersion: 4 },
    { apiKey: 13, maxVersion: 4 },
    { apiKey: 14, maxVersion: 4 },
    { apiKey: 18, maxVersion: 3 },
    { apiKey: 19, maxVersion: 7 },
    { apiKey: 22, maxVersion: 3 },
  ];
