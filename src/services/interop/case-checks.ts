// The checks the interop cases make of what a peer did (grpc doc/interop-test-descriptions.md,
// "Client"): each failed check is an InteropCaseFailure whose message says what differed, as
// `what is X, not Y`, so a failed case reads as a sentence.

import { GrpcError } from '../../transport/grpc-error.js';
import { type StatusCode, statusName } from '../../transport/status.js';
import { type Payload, PayloadType } from '../../wire/messages/grpc-testing.js';

/** A case whose peer did not behave as the interop descriptions require. */
export class InteropCaseFailure extends Error {
  override readonly name: string = 'InteropCaseFailure';
}

export function check(condition: boolean, failure: string): asserts condition {
  if (!condition) throw new InteropCaseFailure(failure);
}

export function checkEqual<T>(actual: T, expected: T, what: string): void {
  check(
    actual === expected,
    `${what} is ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`,
  );
}

/** A COMPRESSABLE payload of exactly `size` zero bytes. */
export function checkPayload(payload: Payload | null, size: number, what: string): void {
  check(payload !== null, `${what} has no payload`);
  checkEqual(payload.type, PayloadType.COMPRESSABLE, `${what}'s payload type`);
  checkEqual(payload.body.length, size, `${what}'s payload size`);
  check(
    payload.body.every((byte) => byte === 0),
    `${what}'s payload is not all zero bytes`,
  );
}

/** A response stream of exactly these payload sizes, in order, ending OK. */
export async function checkStream(
  responses: AsyncIterable<{ payload: Payload | null }>,
  sizes: readonly number[],
): Promise<void> {
  let index = 0;
  for await (const response of responses) {
    check(index < sizes.length, `more than ${sizes.length} responses arrived`);
    checkPayload(response.payload, sizes[index]!, `response ${index}`);
    index++;
  }
  checkEqual(index, sizes.length, 'the number of responses');
}

/** The call fails with `code` (and `message`, when given); anything else is a failure. */
export async function expectStatus(
  call: Promise<unknown>,
  code: StatusCode,
  what: string,
  message?: string,
): Promise<void> {
  let outcome: unknown;
  try {
    await call;
    outcome = undefined;
  } catch (error) {
    outcome = error;
  }
  if (!(outcome instanceof GrpcError)) {
    const got = outcome === undefined ? 'succeeded' : `failed with ${String(outcome)}`;
    throw new InteropCaseFailure(`${what} ${got}; it should end with ${statusName(code)}`);
  }
  check(
    outcome.code === code,
    `${what} ended with ${statusName(outcome.code)} (${JSON.stringify(outcome.message)}), not ${statusName(code)}`,
  );
  if (message !== undefined) {
    checkEqual(outcome.message, message, `the status message of ${what}`);
  }
}

export function describeBytes(value: unknown): string {
  if (value === undefined) return 'missing';
  return value instanceof Buffer ? `0x${value.toString('hex')}` : JSON.stringify(value);
}
