// The client side of grpc's interop test cases (grpc doc/interop-test-descriptions.md, "Client"),
// run with handwire's own client: every case that needs no cloud credentials.
//
// A case is an async function that resolves when the peer behaved as the descriptions require and
// throws InteropCaseFailure (saying what differed) when it did not. Where the descriptions let a
// client check a message's Compressed-Flag, this client cannot: handwire's client API hands out
// decoded messages only, as "some languages may not have access to the message flags" allows.
// The server's side of those flags is checked byte by byte in test/services/interop/.
// The requests the cases send are made in case-requests.ts, the checks they make in case-checks.ts.

import type { CallOptions } from '../../client/call-options.js';
import type { Channel } from '../../client/channel.js';
import { type Client, createClient } from '../../client/client.js';
import { Metadata } from '../../transport/metadata.js';
import { Status } from '../../transport/status.js';
import type { StreamingOutputCallRequest } from '../../wire/messages/grpc-testing.js';
import {
  check,
  checkEqual,
  checkPayload,
  checkStream,
  describeBytes,
  expectStatus,
  InteropCaseFailure,
} from './case-checks.js';
import {
  inputRequest,
  outputRequest,
  simpleRequest,
  simpleRequestDefaults,
  waitForAbort,
  waitUntilAborted,
  zeros,
} from './case-requests.js';
import {
  TestServiceDefinition,
  UnimplementedServiceDefinition,
} from './test-service-definition.js';

export { InteropCaseFailure };

/** Clients of both services the cases call, over one channel. */
export interface InteropClients {
  readonly testService: Client<typeof TestServiceDefinition>;
  readonly unimplementedService: Client<typeof UnimplementedServiceDefinition>;
}

/** What every case runs with: the clients, and the signal its calls stop on. */
export interface CaseContext extends InteropClients {
  /**
   * Passed as `signal` on every call of the case: runInteropCase aborts it when the case runs out
   * of time, so that a timed-out case's calls do not run on into the cases after it.
   */
  readonly signal: AbortSignal;
}

export function interopClients(channel: Channel): InteropClients {
  return {
    testService: createClient(TestServiceDefinition, channel),
    unimplementedService: createClient(UnimplementedServiceDefinition, channel),
  };
}

// --- the cases ---------------------------------------------------------------------------------

async function emptyUnary({ testService, signal }: CaseContext): Promise<void> {
  const response = await testService.EmptyCall({}, { signal });
  check(typeof response === 'object' && response !== null, 'EmptyCall returned no message');
}

async function largeUnary({ testService, signal }: CaseContext): Promise<void> {
  const response = await testService.UnaryCall(simpleRequest(), { signal });
  checkPayload(response.payload, 314_159, 'the UnaryCall response');
}

async function clientCompressedUnary({ testService, signal }: CaseContext): Promise<void> {
  const expectingCompressed = { ...simpleRequest(), expectCompressed: { value: true } };
  // The probe: an uncompressed request that claims to be compressed must fail INVALID_ARGUMENT,
  // which shows the server checks the flag at all (CompressedRequest).
  await expectStatus(
    testService.UnaryCall(expectingCompressed, { signal }),
    Status.INVALID_ARGUMENT,
    'the CompressedRequest probe (an uncompressed request with expect_compressed true)',
  );
  await sendCompressedUnaryRequests({ testService, signal });
}

/**
 * client_compressed_unary after its probe: a compressed request that says so, then an
 * uncompressed one that says so. On its own, it shows a server without the CompressedRequest
 * feature at least reads compressed requests.
 */
export async function sendCompressedUnaryRequests({
  testService,
  signal,
}: Pick<CaseContext, 'testService' | 'signal'>): Promise<void> {
  const compressed = await testService.UnaryCall(
    { ...simpleRequest(), expectCompressed: { value: true } },
    { compression: 'gzip', signal },
  );
  checkPayload(compressed.payload, 314_159, 'the response to the compressed request');
  const plain = await testService.UnaryCall(
    { ...simpleRequest(), expectCompressed: { value: false } },
    { signal },
  );
  checkPayload(plain.payload, 314_159, 'the response to the uncompressed request');
}

async function serverCompressedUnary({ testService, signal }: CaseContext): Promise<void> {
  for (const value of [true, false]) {
    const response = await testService.UnaryCall(
      { ...simpleRequest(), responseCompressed: { value } },
      { signal },
    );
    checkPayload(response.payload, 314_159, `the response with response_compressed ${value}`);
  }
}

async function clientStreaming({ testService, signal }: CaseContext): Promise<void> {
  const requests = [27_182, 8, 1828, 45_904].map((size) => inputRequest(size));
  const response = await testService.StreamingInputCall(requests, { signal });
  checkEqual(response.aggregatedPayloadSize, 74_922, 'aggregated_payload_size');
}

async function clientCompressedStreaming({ testService, signal }: CaseContext): Promise<void> {
  await expectStatus(
    testService.StreamingInputCall([inputRequest(27_182, true)], { signal }),
    Status.INVALID_ARGUMENT,
    'the CompressedRequest probe (an uncompressed message with expect_compressed true)',
  );
  await sendCompressedStreamingRequests({ testService, signal });
}

/** client_compressed_streaming after its probe (see sendCompressedUnaryRequests). */
export async function sendCompressedStreamingRequests({
  testService,
  signal,
}: Pick<CaseContext, 'testService' | 'signal'>): Promise<void> {
  // The first message compressed, the second not: compression decided per message.
  const options: CallOptions = {
    compression: 'gzip',
    compressMessage: (index) => index === 0,
    signal,
  };
  const response = await testService.StreamingInputCall(
    [inputRequest(27_182, true), inputRequest(45_904, false)],
    options,
  );
  checkEqual(response.aggregatedPayloadSize, 73_086, 'aggregated_payload_size');
}

async function serverStreaming({ testService, signal }: CaseContext): Promise<void> {
  const sizes = [31_415, 9, 2653, 58_979];
  const responses = testService.StreamingOutputCall(outputRequest(sizes), { signal });
  await checkStream(responses, sizes);
}

async function serverCompressedStreaming({ testService, signal }: CaseContext): Promise<void> {
  const request: StreamingOutputCallRequest = {
    ...outputRequest([]),
    responseParameters: [
      { size: 31_415, intervalUs: 0, compressed: { value: true } },
      { size: 92_653, intervalUs: 0, compressed: { value: false } },
    ],
  };
  await checkStream(testService.StreamingOutputCall(request, { signal }), [31_415, 92_653]);
}

async function pingPong({ testService, signal }: CaseContext): Promise<void> {
  const exchanges: [request: number, response: number][] = [
    [27_182, 31_415],
    [8, 9],
    [1828, 2653],
    [45_904, 58_979],
  ];
  // Each request waits for the previous response: `replied` is resolved by the reading loop.
  let replied: () => void = () => {};
  async function* requests(): AsyncGenerator<StreamingOutputCallRequest> {
    for (const [requestSize, responseSize] of exchanges) {
      const reply = new Promise<void>((resolve) => {
        replied = resolve;
      });
      yield outputRequest([responseSize], requestSize);
      await reply;
    }
  }
  const responses = testService.FullDuplexCall(requests(), { signal })[Symbol.asyncIterator]();
  for (const [index, [, responseSize]] of exchanges.entries()) {
    const next = await responses.next();
    check(!next.done, `the call ended after ${index} responses instead of 4`);
    checkPayload(next.value.payload, responseSize, `response ${index}`);
    replied();
  }
  const end = await responses.next();
  check(end.done === true, 'the call sent more than 4 responses');
}

async function emptyStream({ testService, signal }: CaseContext): Promise<void> {
  let count = 0;
  for await (const _ of testService.FullDuplexCall([], { signal })) count++;
  checkEqual(count, 0, 'the number of responses');
}

async function cancelAfterBegin({ testService, signal }: CaseContext): Promise<void> {
  const cancel = new AbortController();
  const cancelled = AbortSignal.any([signal, cancel.signal]);
  const call = testService.StreamingInputCall(waitUntilAborted(cancelled), { signal: cancelled });
  cancel.abort();
  await expectStatus(call, Status.CANCELLED, 'a StreamingInputCall cancelled at once');
}

async function cancelAfterFirstResponse({ testService, signal }: CaseContext): Promise<void> {
  const cancel = new AbortController();
  const cancelled = AbortSignal.any([signal, cancel.signal]);
  const requests = (async function* () {
    yield outputRequest([31_415], 27_182);
    await waitForAbort(cancelled);
  })();
  const responses = testService.FullDuplexCall(requests, { signal: cancelled });
  const iterator = responses[Symbol.asyncIterator]();
  const first = await iterator.next();
  check(!first.done, 'the call ended before its first response');
  checkPayload(first.value.payload, 31_415, 'the first response');
  cancel.abort();
  await expectStatus(iterator.next(), Status.CANCELLED, 'a FullDuplexCall cancelled mid-way');
}

async function timeoutOnSleepingServer({ testService, signal }: CaseContext): Promise<void> {
  const done = new AbortController();
  try {
    // The client never half-closes and the server never answers: only the deadline ends it.
    const requests = (async function* () {
      yield { ...outputRequest([]), payload: zeros(27_182) };
      await waitForAbort(done.signal);
    })();
    const drained = (async () => {
      for await (const _ of testService.FullDuplexCall(requests, { timeoutMs: 1, signal }));
    })();
    await expectStatus(drained, Status.DEADLINE_EXCEEDED, 'a FullDuplexCall with a 1 ms deadline');
  } finally {
    done.abort();
  }
}

async function customMetadata({ testService, signal }: CaseContext): Promise<void> {
  const initialValue = 'test_initial_metadata_value';
  const trailingValue = Buffer.from([0xab, 0xab, 0xab]);
  const metadata = new Metadata()
    .set('x-grpc-test-echo-initial', initialValue)
    .set('x-grpc-test-echo-trailing-bin', trailingValue);
  const calls = ['UnaryCall', 'FullDuplexCall'] as const;
  for (const method of calls) {
    let headers: Metadata | undefined;
    let trailers: Metadata | undefined;
    const options: CallOptions = {
      metadata,
      signal,
      onHeader: (m) => {
        headers = m;
      },
      onTrailer: (m) => {
        trailers = m;
      },
    };
    if (method === 'UnaryCall') {
      const response = await testService.UnaryCall(simpleRequest(), options);
      checkPayload(response.payload, 314_159, 'the UnaryCall response');
    } else {
      const request = outputRequest([314_159], 271_828);
      await checkStream(testService.FullDuplexCall([request], options), [314_159]);
    }
    checkEqual(headers?.get('x-grpc-test-echo-initial'), initialValue, `${method}'s echoed header`);
    const echoed = trailers?.get('x-grpc-test-echo-trailing-bin');
    check(
      echoed instanceof Buffer && echoed.equals(trailingValue),
      `${method}'s echoed trailer is ${describeBytes(echoed)}, not 0xababab`,
    );
  }
}

async function statusCodeAndMessage(context: CaseContext): Promise<void> {
  await checkEchoedStatus(context, 'test status message');
}

async function specialStatusMessage(context: CaseContext): Promise<void> {
  // Whitespace, a BMP and a non-BMP character: grpc-message's percent-encoding must carry all.
  const message = '\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n';
  const request = { ...simpleRequestDefaults(), responseStatus: { code: Status.UNKNOWN, message } };
  await expectStatus(
    context.testService.UnaryCall(request, { signal: context.signal }),
    Status.UNKNOWN,
    'UnaryCall with a special response_status',
    message,
  );
}

async function unimplementedMethod({ testService, signal }: CaseContext): Promise<void> {
  await expectStatus(
    testService.UnimplementedCall({}, { signal }),
    Status.UNIMPLEMENTED,
    'grpc.testing.TestService/UnimplementedCall',
  );
}

async function unimplementedService({ unimplementedService, signal }: CaseContext): Promise<void> {
  await expectStatus(
    unimplementedService.UnimplementedCall({}, { signal }),
    Status.UNIMPLEMENTED,
    'grpc.testing.UnimplementedService/UnimplementedCall',
  );
}

/** Every case, by the name `--test_case` takes, in the order the descriptions list them. */
export const INTEROP_CASES = {
  empty_unary: emptyUnary,
  large_unary: largeUnary,
  client_compressed_unary: clientCompressedUnary,
  server_compressed_unary: serverCompressedUnary,
  client_streaming: clientStreaming,
  client_compressed_streaming: clientCompressedStreaming,
  server_streaming: serverStreaming,
  server_compressed_streaming: serverCompressedStreaming,
  ping_pong: pingPong,
  empty_stream: emptyStream,
  cancel_after_begin: cancelAfterBegin,
  cancel_after_first_response: cancelAfterFirstResponse,
  timeout_on_sleeping_server: timeoutOnSleepingServer,
  custom_metadata: customMetadata,
  status_code_and_message: statusCodeAndMessage,
  special_status_message: specialStatusMessage,
  unimplemented_method: unimplementedMethod,
  unimplemented_service: unimplementedService,
} as const satisfies Record<string, (context: CaseContext) => Promise<void>>;

export type InteropCaseName = keyof typeof INTEROP_CASES;

/**
 * Runs one case, failing it if it takes longer than `timeoutMs` (30 s): a peer that never answers
 * must fail the case, not hang the program (docs/design.md "A timer on every wait"). The timeout also
 * cancels the case's calls, which would otherwise run on alongside the next case.
 */
export async function runInteropCase(
  name: InteropCaseName,
  clients: InteropClients,
  timeoutMs = 30_000,
): Promise<void> {
  const timedOut = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut.abort();
      reject(new InteropCaseFailure(`${name} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([INTEROP_CASES[name]({ ...clients, signal: timedOut.signal }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function isInteropCaseName(name: string): name is InteropCaseName {
  return Object.hasOwn(INTEROP_CASES, name);
}

/** status_code_and_message: the echoed status comes back from a unary and a bidi call alike. */
async function checkEchoedStatus(
  { testService, signal }: CaseContext,
  message: string,
): Promise<void> {
  const responseStatus = { code: Status.UNKNOWN, message };
  await expectStatus(
    testService.UnaryCall({ ...simpleRequestDefaults(), responseStatus }, { signal }),
    Status.UNKNOWN,
    'UnaryCall with response_status',
    message,
  );
  const drained = (async () => {
    const request = { ...outputRequest([1], 1), responseStatus };
    for await (const _ of testService.FullDuplexCall([request], { signal }));
  })();
  await expectStatus(drained, Status.UNKNOWN, 'FullDuplexCall with response_status', message);
}
