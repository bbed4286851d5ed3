// Dispatches a decoded request to its handler and encodes the answer as a response frame in the
// version asked (kafka.apache.org/protocol "Common Request and Response Structure").

import { encodeResponseFrame, type KafkaRequestFrame } from '../../protocol/index.js';
import type { BrokerContext, CLOSE_CONNECTION, RequestSource } from '../broker-context.js';
import { apiVersionsResponse } from './api-versions.js';
import { handleCreateTopics } from './create-topics.js';
import { handleFetch } from './fetch.js';
import { handleFindCoordinator } from './find-coordinator.js';
import { handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleSyncGroup } from './groups.js';
import { handleInitProducerId } from './init-producer-id.js';
import { handleListOffsets } from './list-offsets.js';
import { handleMetadata } from './metadata.js';
import { handleOffsetCommit, handleOffsetFetch } from './offsets.js';
import { handleProduce } from './produce.js';

/**
 * The response frame's chunks; undefined when the request gets no response (acks=0), or
 * CLOSE_CONNECTION when the connection must be closed instead.
 */
export async function handleRequest(
  context: BrokerContext,
  frame: KafkaRequestFrame,
  source: RequestSource,
): Promise<Buffer[] | typeof CLOSE_CONNECTION | undefined> {
  const version = frame.header.requestApiVersion;
  const correlationId = frame.header.correlationId;
  switch (frame.apiKey) {
    case 0: {
      const body = handleProduce(context, frame.body, version);
      if (body === undefined || typeof body === 'symbol') return body;
      return encodeResponseFrame(0, version, correlationId, body);
    }
    case 1:
      return encodeResponseFrame(
        1,
        version,
        correlationId,
        await handleFetch(context, frame.body, version, source),
      );
    case 2:
      return encodeResponseFrame(
        2,
        version,
        correlationId,
        handleListOffsets(context, frame.body, version),
      );
    case 3:
      return encodeResponseFrame(
        3,
        version,
        correlationId,
        handleMetadata(context, frame.body, version),
      );
    case 8:
      return encodeResponseFrame(
        8,
        version,
        correlationId,
        handleOffsetCommit(context, frame.body),
      );
    case 9:
      return encodeResponseFrame(
        9,
        version,
        correlationId,
        handleOffsetFetch(context, frame.body, version),
      );
    case 10:
      return encodeResponseFrame(
        10,
        version,
        correlationId,
        handleFindCoordinator(context, frame.body, version),
      );
    case 11:
      return encodeResponseFrame(
        11,
        version,
        correlationId,
        await handleJoinGroup(context, frame.body, version, source),
      );
    case 12:
      return encodeResponseFrame(12, version, correlationId, handleHeartbeat(context, frame.body));
    case 13:
      return encodeResponseFrame(
        13,
        version,
        correlationId,
        handleLeaveGroup(context, frame.body, version),
      );
    case 14:
      return encodeResponseFrame(
        14,
        version,
        correlationId,
        await handleSyncGroup(context, frame.body, version),
      );
    case 18:
      return encodeResponseFrame(18, version, correlationId, apiVersionsResponse(true));
    case 19:
      return encodeResponseFrame(
        19,
        version,
        correlationId,
        handleCreateTopics(context, frame.body),
      );
    case 22:
      return encodeResponseFrame(
        22,
        version,
        correlationId,
        handleInitProducerId(context, frame.body, source),
      );
  }
}
