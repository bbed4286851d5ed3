// The requests the interop cases send (grpc doc/interop-test-descriptions.md, "Client"): payloads
// of zero bytes of the sizes each case names, and a request stream that waits for cancellation.

import {
  type Payload,
  PayloadType,
  type SimpleRequest,
  SimpleRequestCodec,
  type StreamingInputCallRequest,
  type StreamingOutputCallRequest,
} from '../../wire/messages/grpc-testing.js';

/** A SimpleRequest with every field at its default (a fresh object each time). */
export const simpleRequestDefaults = (): SimpleRequest => SimpleRequestCodec.create();

/** large_unary's request: 271,828 zero bytes in, 314,159 asked back. */
export function simpleRequest(): SimpleRequest {
  return { ...simpleRequestDefaults(), responseSize: 314_159, payload: zeros(271_828) };
}

export function inputRequest(size: number, expectCompressed?: boolean): StreamingInputCallRequest {
  return {
    payload: zeros(size),
    expectCompressed: expectCompressed === undefined ? null : { value: expectCompressed },
  };
}

/** A request for one response per size, carrying `payloadSize` zero bytes when given. */
export function outputRequest(
  sizes: readonly number[],
  payloadSize?: number,
): StreamingOutputCallRequest {
  return {
    responseType: PayloadType.COMPRESSABLE,
    responseParameters: sizes.map((size) => ({ size, intervalUs: 0, compressed: null })),
    payload: payloadSize === undefined ? null : zeros(payloadSize),
    responseStatus: null,
  };
}

export function zeros(size: number): Payload {
  return { type: PayloadType.COMPRESSABLE, body: new Uint8Array(size) };
}

/** A request stream that sends nothing, and ends only once `signal` aborts. */
export function waitUntilAborted(signal: AbortSignal): AsyncIterable<StreamingInputCallRequest> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<StreamingInputCallRequest>> => {
        await waitForAbort(signal);
        return { done: true, value: undefined };
      },
    }),
  };
}

export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
