// KafkaProtocolError: the one error the Kafka codecs throw (kafka.apache.org/protocol).

import { ErrorCode } from './error-codes.js';

/**
 * Thrown for bytes that are not a valid Kafka frame, header, message or record batch, and for a
 * value that cannot be encoded. The message names the field and the byte offset where the problem
 * was found; `errorCode` is the Kafka error code a broker answers with when it answers at all
 * (INVALID_REQUEST for a malformed request, CORRUPT_MESSAGE for a bad CRC, ...).
 */
export class KafkaProtocolError extends Error {
  override readonly name: string = 'KafkaProtocolError';
  /** Byte offset in the decoded buffer where the problem was found (-1 when encoding). */
  readonly offset: number;
  /** The Kafka error code that describes the problem. */
  readonly errorCode: number;
  /** The message without its offset, for an error that wraps this one. */
  readonly problem: string;

  constructor(problem: string, offset: number, errorCode: number = ErrorCode.INVALID_REQUEST) {
    super(offset >= 0 ? `${problem} at byte ${offset}` : problem);
    this.offset = offset;
    this.errorCode = errorCode;
    this.problem = problem;
  }
}
