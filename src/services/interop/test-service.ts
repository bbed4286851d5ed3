// The server side of grpc.testing.TestService: every server feature of grpc's
// doc/interop-test-descriptions.md ("Server" section) that needs no cloud credentials.
//
// EmptyCall, UnaryCall, StreamingOutputCall, StreamingInputCall, FullDuplexCall, HalfDuplexCall;
// CompressedResponse (per message), CompressedRequest (the `expect_compressed` probe), Echo
// Status, Echo Metadata, and ResponseParameters.interval_us. UnimplementedCall is left without a
// handler on purpose: the server answers UNIMPLEMENTED for it, which is what the case checks.

import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerCallContext } from '../../server/call-context.js';
import type { ServiceImplementation } from '../../server/handlers.js';
import { GrpcError } from '../../transport/grpc-error.js';
import { isStatusCode, Status } from '../../transport/status.js';
import {
  type BoolValue,
  type EchoStatus,
  type Payload,
  PayloadType,
  type ResponseParameters,
  type SimpleResponse,
  type StreamingOutputCallRequest,
  type StreamingOutputCallResponse,
} from '../../wire/messages/grpc-testing.js';
import { TestServiceDefinition } from './test-service-definition.js';

/** The metadata keys the server echoes (interop "Echo Metadata"). */
export const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
export const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';

/** TestService as the server registers it: every method but UnimplementedCall. */
const { UnimplementedCall: _left, ...servedMethods } = TestServiceDefinition.methods;
export const ServedTestServiceDefinition = {
  name: TestServiceDefinition.name,
  methods: servedMethods,
};

const NEVER_COMPRESS = (): boolean => false;

/** The implementation; stateless, so one object serves every call. */
export const testServiceImplementation: ServiceImplementation<typeof ServedTestServiceDefinition> =
  {
    async EmptyCall(_request, context) {
      context.compressMessage = NEVER_COMPRESS;
      return {};
    },

    async UnaryCall(request, context) {
      echoMetadata(context);
      expectCompression(context, request, request.expectCompressed);
      throwEchoedStatus(request.responseStatus);
      checkResponseType(request.responseType);
      // CompressedResponse: the response is compressed only when the client asked for it.
      const compressed = isTrue(request.responseCompressed);
      context.compressMessage = () => compressed;
      const response: SimpleResponse = {
        payload: zeros(request.responseSize),
        username: '',
        oauthScope: '',
        serverId: '',
        grpclbRouteType: 0,
        hostname: '',
      };
      return response;
    },

    async *StreamingOutputCall(request, context) {
      echoMetadata(context);
      throwEchoedStatus(request.responseStatus);
      checkResponseType(request.responseType);
      const parameters = request.responseParameters;
      context.compressMessage = (index) => isTrue(parameters[index]?.compressed);
      yield* respond(parameters, context);
    },

    async StreamingInputCall(requests, context) {
      context.compressMessage = NEVER_COMPRESS;
      let aggregatedPayloadSize = 0;
      for await (const request of requests) {
        expectCompression(context, request, request.expectCompressed);
        aggregatedPayloadSize += request.payload?.body.length ?? 0;
      }
      return { aggregatedPayloadSize };
    },

    async *FullDuplexCall(requests, context) {
      echoMetadata(context);
      // Responses go out in order, so the flag of response n is the n-th one pushed here.
      const compressFlags: boolean[] = [];
      context.compressMessage = (index) => compressFlags[index] === true;
      for await (const request of requests) {
        yield* answer(request, compressFlags, context);
      }
    },

    async *HalfDuplexCall(requests, context) {
      echoMetadata(context);
      // Half duplex: every request is read before the first response is written.
      const all: StreamingOutputCallRequest[] = [];
      for await (const request of requests) all.push(request);
      const compressFlags: boolean[] = [];
      context.compressMessage = (index) => compressFlags[index] === true;
      for (const request of all) yield* answer(request, compressFlags, context);
    },
  };

/** The responses to one request of a bidi call: its echoed status, else one per parameter. */
async function* answer(
  request: StreamingOutputCallRequest,
  compressFlags: boolean[],
  context: ServerCallContext,
): AsyncGenerator<StreamingOutputCallResponse> {
  throwEchoedStatus(request.responseStatus);
  checkResponseType(request.responseType);
  for (const parameters of request.responseParameters) {
    compressFlags.push(isTrue(parameters.compressed));
  }
  yield* respond(request.responseParameters, context);
}

/** One response per ResponseParameters, each after its `interval_us` (interop "Observe …"). */
async function* respond(
  parameters: readonly ResponseParameters[],
  context: ServerCallContext,
): AsyncGenerator<StreamingOutputCallResponse> {
  for (const p of parameters) {
    if (p.intervalUs > 0) await sleep(p.intervalUs / 1000, undefined, { signal: context.signal });
    yield { payload: zeros(p.size) };
  }
}

/** Echo Metadata: the initial key goes back in the response headers, the -bin one in trailers. */
function echoMetadata(context: ServerCallContext): void {
  const metadata = context.metadata;
  const initial = metadata.get(ECHO_INITIAL_KEY);
  if (initial !== undefined) context.responseHeaders.set(ECHO_INITIAL_KEY, initial);
  const trailing = metadata.get(ECHO_TRAILING_KEY);
  if (trailing !== undefined) context.responseTrailers.set(ECHO_TRAILING_KEY, trailing);
}

/**
 * CompressedRequest: a request that says it was sent compressed must have arrived with
 * Compressed-Flag 1; if not, INVALID_ARGUMENT — the answer a client's feature probe looks for.
 */
function expectCompression(
  context: ServerCallContext,
  request: object,
  expectCompressed: BoolValue | null,
): void {
  if (isTrue(expectCompressed) && !context.requestWasCompressed(request)) {
    throw new GrpcError(
      Status.INVALID_ARGUMENT,
      'the request has expect_compressed set but arrived uncompressed (Compressed-Flag 0)',
    );
  }
}

/** Echo Status: a response_status with a code other than OK ends the call with that status. */
function throwEchoedStatus(status: EchoStatus | null): void {
  if (status === null || status.code === Status.OK) return;
  if (!isStatusCode(status.code)) {
    throw new GrpcError(
      Status.INVALID_ARGUMENT,
      `response_status.code ${status.code} is not a gRPC status code (0 to 16)`,
    );
  }
  throw new GrpcError(status.code, status.message);
}

/** COMPRESSABLE is the only payload type; the descriptions ask for INVALID_ARGUMENT otherwise. */
function checkResponseType(type: number): void {
  if (type !== PayloadType.COMPRESSABLE) {
    throw new GrpcError(Status.INVALID_ARGUMENT, `response_type ${type} is not supported`);
  }
}

/** A COMPRESSABLE payload of `size` zero bytes. */
function zeros(size: number): Payload {
  if (size < 0) {
    throw new GrpcError(Status.INVALID_ARGUMENT, `a payload size of ${size} bytes is negative`);
  }
  return { type: PayloadType.COMPRESSABLE, body: new Uint8Array(size) };
}

function isTrue(flag: BoolValue | null | undefined): boolean {
  return flag?.value === true;
}
