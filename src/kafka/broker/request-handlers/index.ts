// Dispatches a decoded request to its handler and encodes the answer as a response frame in the
// version asked (kafka.apache.org/protocol "Common Request and Response Structure").

import {
  encodeResponseFrame,
  type ImplementedApiKey,
  type KafkaMessages,
  type KafkaRequestFrame,
} from '../../protocol/index.js';
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
  switch (frame.apiKey) {
    case 0: {
      const body = handleProduce(context, frame.body, version);
      if (body === undefined || typeof body === 'symbol') return body;
      return answer(frame, 0, body);
    }
    case 1:
      return answer(frame, 1, await handleFetch(context, frame.body, version, source));
    case 2:
      return answer(frame, 2, handleListOffsets(context, frame.body, version));
    case 3:
      return answer(frame, 3, handleMetadata(context, frame.body, version));
    case 8:
      return answer(frame, 8, handleOffsetCommit(context, frame.body));
    case 9:
      return answer(frame, 9, handleOffsetFetch(context, frame.body, version));
    case 10:
      return answer(frame, 10, handleFindCoordinator(context, frame.body, version));
    case 11:
      return answer(frame, 11, await handleJoinGroup(context, frame.body, version, source));
    case 12:
      return answer(frame, 12, handleHeartbeat(context, frame.body));
    case 13:
      return answer(frame, 13, handleLeaveGroup(context, frame.body, version));
    case 14:
      return answer(frame, 14, await handleSyncGroup(context, frame.body, version));
    case 18:
      return answer(frame, 18, apiVersionsResponse(true));
    case 19:
      return answer(frame, 19, handleCreateTopics(context, frame.body));
    case 22:
      return answer(frame, 22, handleInitProducerId(context, frame.body, source));
  }
}

/** The response to `frame`: its API's response body, in the version and under the id it asked. */
function answer<K extends ImplementedApiKey>(
  frame: KafkaRequestFrame,
  apiKey: K,
  body: KafkaMessages[K]['response'],
): Buffer[] {
  const { requestApiVersion, correlationId } = frame.header;
  return encodeResponseFrame(apiKey, requestApiVersion, correlationId, body);
}
