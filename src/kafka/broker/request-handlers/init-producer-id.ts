// InitProducerId (v0-3) for idempotent producers (KIP-98): a new producer id with epoch 0 each
// time, as Kafka does without a transactional id. Transactions are not supported: a transactional
// id is refused with INVALID_REQUEST, which producers treat as fatal, and one log line says why.

import {
  ErrorCode,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../protocol/index.js';
import type { BrokerContext, RequestSource } from '../broker-context.js';

export function handleInitProducerId(
  context: BrokerContext,
  request: InitProducerIdRequest,
  source: RequestSource,
): InitProducerIdResponse {
  if (request.transactionalId !== null) {
    context.log(
      `kafka: client ${source.clientId} asked for transactional id ${request.transactionalId}; this broker has no transactions (use an idempotent producer without a transactional.id)`,
    );
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.INVALID_REQUEST,
      producerId: -1,
      producerEpoch: -1,
    };
  }
  const { producerId, producerEpoch } = context.producerIds.allocate();
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch };
}
