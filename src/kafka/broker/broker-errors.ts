// The Kafka error codes the broker answers with: the protocol layer's table (Kafka protocol guide,
// "Error Codes"), under the name the broker's domain uses.

import { ErrorCode, type ErrorCodeNumber } from '../protocol/index.js';

export const BrokerError = ErrorCode;

export type BrokerErrorCode = ErrorCodeNumber;
