// Typed clients: one function per RPC of a ServiceDefinition, for the four call shapes of
// grpc PROTOCOL-HTTP2.md (unary, server streaming, client streaming, bidi), with interceptors.

import { GrpcError } from '../transport/grpc-error.js';
import { composeInterceptors } from '../transport/interceptor-chain.js';
import { writeMessage } from '../transport/messages.js';
import type { MethodDefinition, ServiceDefinition } from '../transport/service-definition.js';
import { Status } from '../transport/status.js';
import type { CallHandle, ResponseSink } from './call-handle.js';
import { type CallOptions, deadlineOf } from './call-options.js';
import type { Channel } from './channel.js';
import { HedgingCall } from './hedging-call.js';
import { Http2Call } from './http2-call.js';
import type { ClientCall, ClientInterceptor, ClientNext } from './interceptor.js';
import { ResponseStream } from './response-stream.js';
import { RetryingCall } from './retrying-call.js';

/** The function a client has for one method, by its call shape. */
export type ClientMethod<M> =
  M extends MethodDefinition<infer Req, infer Res, infer Kind>
    ? Kind extends 'unary'
      ? (request: Req, options?: CallOptions) => Promise<Res>
      : Kind extends 'serverStreaming'
        ? (request: Req, options?: CallOptions) => AsyncIterable<Res>
        : Kind extends 'clientStreaming'
          ? (requests: AsyncIterable<Req> | Iterable<Req>, options?: CallOptions) => Promise<Res>
          : (
              requests: AsyncIterable<Req> | Iterable<Req>,
              options?: CallOptions,
            ) => AsyncIterable<Res>
    : never;

/** A client of a service: one method per RPC. */
export type Client<S extends ServiceDefinition> = {
  readonly [Name in keyof S['methods']]: ClientMethod<S['methods'][Name]>;
};

export interface ClientOptions {
  /** Run around every call, first listed outermost. */
  interceptors?: readonly ClientInterceptor[];
  /** Options every call starts from; a call's own options override them. */
  defaultCallOptions?: CallOptions;
}

/** Builds a client for `service` whose calls go over `channel`. */
export function createClient<S extends ServiceDefinition>(
  service: S,
  channel: Channel,
  options: ClientOptions = {},
): Client<S> {
  const client: Record<string, unknown> = {};
  const interceptors = options.interceptors ?? [];
  const defaults = options.defaultCallOptions;
  for (const [name, method] of Object.entries(service.methods)) {
    const direct = directCall(channel, method);
    const chain =
      interceptors.length === 0
        ? undefined
        : composeInterceptors<ClientNext>(interceptors, (call) =>
            Promise.resolve(direct(call.request, call.options)),
          );
    const withDefaults = (callOptions: CallOptions | undefined): CallOptions =>
      defaults === undefined ? (callOptions ?? EMPTY_OPTIONS) : { ...defaults, ...callOptions };
    const streamsResponses = method.kind === 'serverStreaming' || method.kind === 'bidiStreaming';
    client[name] =
      chain === undefined && defaults === undefined
        ? direct
        : chain === undefined
          ? (request: unknown, callOptions?: CallOptions) =>
              direct(request, withDefaults(callOptions))
          : streamsResponses
            ? (request: unknown, callOptions?: CallOptions) =>
                lazyStream(chain, { method, request, options: withDefaults(callOptions) })
            : (request: unknown, callOptions?: CallOptions) =>
                chain({ method, request, options: withDefaults(callOptions) });
  }
  return client as Client<S>;
}

const EMPTY_OPTIONS: CallOptions = Object.freeze({});

/**
 * The call without interceptors, by shape: the shape's function with its channel and method
 * bound, so calling a client method runs it directly, with no wrapper in between.
 */
function directCall(
  channel: Channel,
  method: MethodDefinition,
): (request: unknown, options?: CallOptions) => unknown {
  switch (method.kind) {
    case 'unary':
      return unaryCall.bind(undefined, channel, method);
    case 'serverStreaming':
      return serverStreamingCall.bind(undefined, channel, method);
    case 'clientStreaming':
      return clientStreamingCall.bind(undefined, channel, method) as (request: unknown) => unknown;
    case 'bidiStreaming':
      return bidiStreamingCall.bind(undefined, channel, method) as (request: unknown) => unknown;
    default:
      throw new TypeError(`method ${method.path} has unknown kind ${JSON.stringify(method.kind)}`);
  }
}

/** The encoding of request message `index`: the call's, unless `compressMessage` declines. */
function encodingOf(options: CallOptions, index: number): string {
  const encoding = options.compression;
  if (encoding === undefined || encoding === 'identity') return 'identity';
  return options.compressMessage === undefined || options.compressMessage(index)
    ? encoding
    : 'identity';
}

/** Collects the single response of a unary or client-streaming call. */
class SingleResponse<Res> {
  private response: Res | undefined;
  private count: number;
  constructor(
    private readonly resolve: (response: Res) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.count = 0;
  }
  onMessage(message: Res): void {
    this.response = message;
    this.count++;
  }
  onEnd(error: GrpcError | undefined): void {
    if (error !== undefined) this.reject(error);
    else if (this.count === 1) this.resolve(this.response!);
    else {
      this.reject(
        new GrpcError(
          this.count === 0 ? Status.UNIMPLEMENTED : Status.INTERNAL,
          this.count === 0
            ? 'the server ended the call with OK but sent no response message'
            : `the server sent ${this.count} response messages where one was expected`,
        ),
      );
    }
  }
}

function unaryCall<Req, Res>(
  channel: Channel,
  method: MethodDefinition<Req, Res>,
  request: Req,
  options: CallOptions = EMPTY_OPTIONS,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const sink = new SingleResponse(resolve, reject);
    // Encoded before the call starts, so a message the codec rejects fails without a stream.
    const encoding = options.compression === undefined ? 'identity' : encodingOf(options, 0);
    const frame = writeMessage(method.requestCodec, request, encoding);
    if (!(frame instanceof Promise)) startCall(channel, method, options, sink, frame);
    else frame.then((bytes) => startCall(channel, method, options, sink, bytes), reject);
  });
}

/**
 * Starts a call of any shape under its method's retry or hedging policy (gRFC A6); a call whose
 * request is one message (unary, server streaming) passes its one frame, sent with END_STREAM.
 */
function startCall<Req, Res>(
  channel: Channel,
  method: MethodDefinition<Req, Res>,
  options: CallOptions,
  sink: ResponseSink<Res>,
  frame?: Buffer,
): CallHandle {
  const policy = channel.callPolicyFor(method.path);
  if (policy === undefined) {
    // Without a policy the call is one HTTP/2 stream (sent again once, transparently, if the
    // server never processed it); the retry and hedging machinery runs only when a policy asks.
    const deadline =
      options.timeoutMs === undefined && options.deadline === undefined
        ? undefined
        : deadlineOf(options);
    const plain = new Http2Call(channel, method, options, deadline, sink, true);
    plain.start(frame);
    return plain;
  }
  const call =
    policy.kind === 'hedge'
      ? new HedgingCall(channel, method, options, policy.policy, sink)
      : new RetryingCall(channel, method, options, policy.policy, sink);
  call.start();
  if (frame !== undefined) call.end(frame);
  return call;
}

function serverStreamingCall<Req, Res>(
  channel: Channel,
  method: MethodDefinition<Req, Res>,
  request: Req,
  options: CallOptions = EMPTY_OPTIONS,
): AsyncIterable<Res> {
  const responses = new ResponseStream<Res>();
  const frame = writeMessage(method.requestCodec, request, encodingOf(options, 0));
  if (!(frame instanceof Promise)) {
    responses.call = startCall(channel, method, options, responses, frame);
  } else {
    frame.then(
      (bytes) => {
        responses.call = startCall(channel, method, options, responses, bytes);
      },
      (error: unknown) => responses.onEnd(GrpcError.from(error)),
    );
  }
  return responses;
}

function clientStreamingCall<Req, Res>(
  channel: Channel,
  method: MethodDefinition<Req, Res>,
  requests: AsyncIterable<Req> | Iterable<Req>,
  options: CallOptions = EMPTY_OPTIONS,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const call = startCall(channel, method, options, new SingleResponse(resolve, reject));
    void sendRequests(call, method, requests, options);
  });
}

function bidiStreamingCall<Req, Res>(
  channel: Channel,
  method: MethodDefinition<Req, Res>,
  requests: AsyncIterable<Req> | Iterable<Req>,
  options: CallOptions = EMPTY_OPTIONS,
): AsyncIterable<Res> {
  const responses = new ResponseStream<Res>();
  const call = startCall(channel, method, options, responses);
  responses.call = call;
  void sendRequests(call, method, requests, options);
  return responses;
}

/**
 * Writes a request stream, awaiting the HTTP/2 stream's drain whenever its buffer is full
 * (backpressure), then half-closes. Stops reading the requests once the call is over.
 */
async function sendRequests<Req, Res>(
  call: CallHandle,
  method: MethodDefinition<Req, Res>,
  requests: AsyncIterable<Req> | Iterable<Req>,
  options: CallOptions,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in requests
      ? requests[Symbol.asyncIterator]()
      : (requests as Iterable<Req>)[Symbol.iterator]();
  try {
    for (let index = 0; ; index++) {
      if (call.isDone) break;
      const result = await iterator.next();
      if (result.done) {
        call.end();
        return;
      }
      if (call.isDone) break;
      const frame = await writeMessage(
        method.requestCodec,
        result.value,
        encodingOf(options, index),
      );
      if (!call.write(frame)) await call.writable();
    }
    await iterator.return?.();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    call.cancel(
      new GrpcError(
        Status.CANCELLED,
        `the request stream failed, so the call was cancelled: ${reason}`,
        {
          cause: error,
        },
      ),
    );
  }
}

/** An AsyncIterable over the responses an interceptor chain resolves with, started on first use. */
function lazyStream(chain: ClientNext, call: ClientCall): AsyncIterable<unknown> {
  let started: Promise<AsyncIterator<unknown>> | undefined;
  const iterator = (): Promise<AsyncIterator<unknown>> => {
    started ??= chain(call).then((responses) => {
      const iterable = responses as AsyncIterable<unknown> | undefined;
      if (iterable === undefined || typeof iterable[Symbol.asyncIterator] !== 'function') {
        throw new TypeError(
          `an interceptor of ${call.method.path} resolved with ${typeof responses}, not an AsyncIterable of responses`,
        );
      }
      return iterable[Symbol.asyncIterator]();
    });
    return started;
  };
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => iterator().then((it) => it.next()),
      return: async () => {
        if (started === undefined) return { value: undefined, done: true };
        const it = await started;
        return it.return?.() ?? { value: undefined, done: true };
      },
    }),
  };
}
