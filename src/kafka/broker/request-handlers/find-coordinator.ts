// FindCoordinator (v0-4): this broker coordinates every group (and would every transaction);
// v4 (KIP-699) answers for a batch of keys.

import {
  ErrorCode,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';

export function handleFindCoordinator(
  context: BrokerContext,
  request: FindCoordinatorRequest,
  version: number,
): FindCoordinatorResponse {
  const node = {
    nodeId: context.nodeId,
    host: context.advertisedHost,
    port: context.advertisedPort,
  };
  if (version >= 4) {
    return {
      throttleTimeMs: 0,
      coordinators: request.coordinatorKeys.map((key) => ({
        key,
        ...node,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      })),
    };
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, ...node };
}
