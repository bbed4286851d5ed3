// One gRPC call on one HTTP/2 stream, server side: node:http2 glue and dispatch (grpc
// PROTOCOL-HTTP2.md "Requests", "Responses"; the wire halves are in transport/messages.ts and
// transport/responses.ts, a response stream's writes in response-stream-writer.ts). Everything that ends a call goes through `finish(status)`, once: the
// handler's result, a thrown error, the deadline, a client's RST_STREAM, a server shutdown.

import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { GrpcError } from '../transport/grpc-error.js';
import { MessageReader, writeMessage } from '../transport/messages.js';
import type { Metadata } from '../transport/metadata.js';
import type { Admission } from '../transport/requests.js';
import { responseHeaders, trailersFor } from '../transport/responses.js';
import { Status } from '../transport/status.js';
import { earlyHeaders } from './call-admission.js';
import { type CallControl, ServerCallContext } from './call-context.js';
import type { ServerCall as InterceptedCall } from './interceptor.js';
import type { CallEnvironment, RegisteredMethod } from './registered-method.js';
import { RequestStream } from './request-stream.js';
import { writeResponseStream } from './response-stream-writer.js';

const IDENTITY = 'identity';
/** Response headers now, trailers when Node asks for them ('wantTrailers'). */
const RESPOND_THEN_TRAILERS = { waitForTrailers: true } as const;

export class Http2ServerCall implements CallControl {
  readonly context: ServerCallContext;
  headersSent = false;
  /** Metadata for the response headers and the trailers, made when a handler adds some. */
  headerMetadata: Metadata | undefined;
  trailerMetadata: Metadata | undefined;
  /** True once the status is decided: nothing more is read, written or dispatched. */
  finished = false;
  /** The peer's reset of this stream was told to the connection guard (once, aborted or close). */
  resetCounted = false;
  /** True once the handler (through the interceptors) has been called. */
  private dispatched = false;

  private readonly stream: ServerHttp2Stream;
  private readonly requestHeaders: IncomingHttpHeaders;
  private readonly registered: RegisteredMethod;
  private readonly env: CallEnvironment<Http2ServerCall>;
  private readonly reader: MessageReader<unknown>;
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** performance.now() at the start, read only when ServerOptions.onCallRejected is set. */
  private readonly startedAt: number;

  /** The single request of a unary or server-streaming call, once decoded. */
  private request: unknown;
  private requestCount = 0;
  /** The request stream of a client-streaming or bidi call. */
  private requestStream: RequestStream<unknown> | undefined;
  /** Trailers waiting for Node's 'wantTrailers' once the last DATA frame is queued. */
  private pendingTrailers: OutgoingHttpHeaders | undefined;

  constructor(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    admission: Admission<RegisteredMethod>,
    env: CallEnvironment<Http2ServerCall>,
    peer: string,
  ) {
    const registered = admission.method;
    const timeoutMs = admission.timeoutMs;
    this.stream = stream;
    this.requestHeaders = headers;
    this.startedAt = env.onCallRejected === undefined ? 0 : performance.now();
    this.registered = registered;
    this.env = env;
    this.reader = new MessageReader(
      registered.definition.requestCodec,
      admission.requestEncoding,
      env.maxReceiveMessageLength,
      'request',
      this,
      this,
    );
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    this.context = new ServerCallContext(
      registered.definition,
      headers,
      peer,
      deadline,
      admission.responseEncoding,
      this,
    );
    if (timeoutMs !== undefined && timeoutMs <= 2147483647) {
      // Longer timeouts (setTimeout's limit is about 24.8 days) are as good as none.
      this.deadlineTimer = setTimeout(onCallDeadline, timeoutMs, this);
    }
  }

  /** Starts reading the request; streaming methods are dispatched at once. */
  start(): void {
    const stream = this.stream as CallStream;
    stream[CALL] = this;
    stream.on('data', Http2ServerCall.onStreamData);
    stream.on('end', Http2ServerCall.onStreamEnd);
    stream.on('close', Http2ServerCall.onStreamClose);
    // 'aborted' comes at once, while nghttp2 is still in the read that carried the RST_STREAM, so
    // a rapid-reset peer is cut off in time; 'close' covers a reset after the request had ended.
    stream.on('aborted', Http2ServerCall.onStreamAborted);
    stream.on('wantTrailers', Http2ServerCall.onStreamWantTrailers);
    if (this.registered.requestStreams) {
      this.requestStream = new RequestStream(stream);
      this.dispatch(this.requestStream);
    }
  }

  /** Ends the call for a server shutdown: UNAVAILABLE to the client, the handler cancelled. */
  cancelForShutdown(): void {
    this.finish(new GrpcError(Status.UNAVAILABLE, 'the server is shutting down'));
  }

  /** Sends the response headers (on demand, or before the first message). */
  sendHeaders(): void {
    if (this.headersSent || this.finished) return;
    this.headersSent = true;
    const headers = responseHeaders(this.context.responseEncoding, this.headerMetadata);
    this.stream.respond(headers, RESPOND_THEN_TRAILERS);
  }

  // --- reading the request -------------------------------------------------------------------

  /** A request message, in order; `compressed` is its Compressed-Flag. */
  onMessage(message: unknown, compressed: boolean): void {
    if (this.finished) return;
    if (compressed) this.context.markRequestCompressed(message as object);
    if (this.requestStream !== undefined) {
      this.requestStream.push(message);
      return;
    }
    if (++this.requestCount > 1) {
      this.finish(
        new GrpcError(
          Status.INTERNAL,
          `${this.registered.definition.path} takes one request message, but the client sent more`,
        ),
      );
      return;
    }
    this.request = message;
  }

  /** The request's bytes broke a rule: framing, size, compression or the codec. */
  onMessageError(error: GrpcError): void {
    this.finish(error);
  }

  /** The client half-closed and every request message was delivered (or the last was cut). */
  private readonly onRequestEnd = (truncated: GrpcError | undefined): void => {
    if (this.finished) return;
    if (truncated !== undefined) {
      this.finish(truncated);
      return;
    }
    if (this.requestStream !== undefined) {
      this.requestStream.end();
      return;
    }
    if (this.requestCount === 0) {
      this.finish(
        new GrpcError(
          Status.INTERNAL,
          `${this.registered.definition.path} takes one request message, but the client sent none`,
        ),
      );
      return;
    }
    this.dispatch(this.request);
  };

  // --- running the handler -------------------------------------------------------------------

  private dispatch(request: unknown): void {
    this.dispatched = true;
    const registered = this.registered;
    let result: unknown;
    try {
      if (registered.chain === undefined) {
        result = registered.handler(request, this.context);
      } else {
        const call: InterceptedCall = {
          method: registered.definition,
          context: this.context,
          request,
        };
        result = registered.chain(call);
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    if (result instanceof Promise) {
      result.then(this.onResult, this.fail);
    } else {
      this.onResult(result);
    }
  }

  private readonly onResult = (result: unknown): void => {
    if (this.finished) return;
    if (this.registered.responseStreams) {
      if (result === null || typeof result !== 'object' || !(Symbol.asyncIterator in result)) {
        this.fail(
          new TypeError(
            `the handler of ${this.registered.definition.path} returned no AsyncIterable`,
          ),
        );
        return;
      }
      const codec = this.registered.definition.responseCodec;
      void writeResponseStream(this, this.stream, codec, result as AsyncIterable<unknown>);
      return;
    }
    // The one response of a unary or client-streaming call.
    let frame: Buffer | Promise<Buffer>;
    try {
      const encoding = this.context.responseEncoding === IDENTITY ? IDENTITY : this.encodingOf(0);
      frame = writeMessage(this.registered.definition.responseCodec, result, encoding);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (frame instanceof Promise) frame.then(this.endWith, this.fail);
    else this.endWith(frame);
  };

  /** Any failure of the handler or an interceptor. */
  readonly fail = (error: unknown): void => {
    if (this.finished) return;
    const grpcError = GrpcError.from(error);
    if (!(error instanceof GrpcError) && grpcError.code === Status.INTERNAL) {
      // The client gets a generic message; the real one is for the operator's log only.
      this.env.logger.error(
        { err: error, method: this.registered.definition.path, peer: this.context.peer },
        'handler failed with an unexpected error',
      );
    }
    this.finish(grpcError);
  };

  // --- writing the response ------------------------------------------------------------------

  /** Sends the one response message and ends the call OK. */
  private readonly endWith = (frame: Buffer): void => {
    if (this.finished) return;
    this.sendHeaders();
    this.finished = true;
    this.pendingTrailers = trailersFor(undefined, this.trailerMetadata);
    this.stream.end(frame);
    this.complete();
  };

  /** The encoding of response message `index`: the call's, unless `compressMessage` declines. */
  encodingOf(index: number): string {
    const encoding = this.context.responseEncoding;
    if (encoding === IDENTITY) return IDENTITY;
    const decide = this.context.compressMessage;
    return decide === undefined || decide(index) ? encoding : IDENTITY;
  }

  /**
   * Ends the call with `error`'s status, or OK when undefined. Sends trailers (or, before any
   * headers, a Trailers-Only response), cancels the handler if it is still running.
   */
  finish(error: GrpcError | undefined): void {
    if (this.finished) return;
    this.finished = true;
    const stream = this.stream;
    if (error !== undefined) {
      this.context.cancel(error);
      this.requestStream?.fail(error);
    }
    const trailers = trailersFor(error, this.trailerMetadata);
    if (!stream.destroyed && !stream.closed) {
      if (!this.headersSent) {
        // Trailers-Only: one HEADERS frame with END_STREAM carrying the status.
        this.headersSent = true;
        const headers = responseHeaders(IDENTITY, this.headerMetadata);
        if (!this.dispatched && this.env.earlyResponseHeaders !== undefined) {
          // No interceptor saw this call: the server adds what they would have.
          Object.assign(headers, earlyHeaders(this.env.earlyResponseHeaders, this.requestHeaders));
        }
        stream.respond(Object.assign(headers, trailers), { endStream: true });
        if (!this.dispatched) this.reportRejected(error, headers);
      } else {
        this.pendingTrailers = trailers;
        stream.end();
      }
      // A client still sending gets its data read and dropped, so its window never stalls.
      if (!stream.readableEnded) stream.resume();
    }
    this.complete();
  }

  /** Tells ServerOptions.onCallRejected of a call no interceptor saw (too large, undecodable). */
  private reportRejected(error: GrpcError | undefined, sent: OutgoingHttpHeaders): void {
    const onRejected = this.env.onCallRejected;
    if (onRejected === undefined || error === undefined) return;
    const definition = this.registered.definition;
    onRejected({
      path: definition.path,
      kind: definition.kind,
      code: error.code,
      message: error.message,
      peer: this.context.peer,
      requestHeaders: this.requestHeaders,
      responseHeaders: sent,
      durationMs: performance.now() - this.startedAt,
    });
  }

  /** Stops reading, releases the call's timer and tells the server the call is over. */
  private complete(): void {
    this.reader.stop();
    if (this.deadlineTimer !== undefined) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = undefined;
    }
    this.env.onCallEnd(this);
  }

  onDeadline(): void {
    this.deadlineTimer = undefined;
    this.finish(
      new GrpcError(Status.DEADLINE_EXCEEDED, 'the deadline passed before the call finished'),
    );
  }

  // --- the stream's events ----------------------------------------------------------------------
  // Listeners shared by every call (`this` is the stream): each finds its call on the stream, so
  // starting a call allocates no listener closures (this is the hot path of every unary call).

  // biome-ignore-start lint/complexity/noThisInStatic: node calls a listener with the stream as `this`
  /** DATA: request bytes (the reader drops them once the call is over). */
  private static onStreamData(this: CallStream, chunk: Buffer): void {
    this[CALL].reader.push(chunk);
  }

  /** END_STREAM: the end waits behind the request messages still being inflated. */
  private static onStreamEnd(this: CallStream): void {
    // A client's RST_STREAM ends the readable side too (node pushes the end before 'close'), the
    // stream then `aborted`: a cancelled request stream, which onStreamClose reports, not a
    // complete one (else a cancelled client stream would be processed, a batch stored).
    if (this.aborted) return;
    const call = this[CALL];
    call.reader.end(call.onRequestEnd);
  }

  /** Node asks for the trailers once the last DATA frame is queued (`waitForTrailers`). */
  private static onStreamWantTrailers(this: CallStream): void {
    const call = this[CALL];
    this.sendTrailers(call.pendingTrailers ?? trailersFor(undefined, undefined));
  }

  /** The peer reset the stream: the connection guard counts it (rapid reset, CVE-2023-44487). */
  private static onStreamAborted(this: CallStream): void {
    const call = this[CALL];
    if (call.resetCounted) return;
    call.resetCounted = true;
    call.env.onStreamReset(this);
  }

  /** The stream closed: normally after our trailers; before them, the client cancelled. */
  private static onStreamClose(this: CallStream): void {
    const call = this[CALL];
    call.env.onStreamClose();
    // NO_ERROR (0) is a stream that ended with our trailers; any other code is a reset.
    if (this.rstCode !== 0 && !call.resetCounted) Http2ServerCall.onStreamAborted.call(this);
    if (call.finished) return;
    call.finished = true;
    const reason = new GrpcError(Status.CANCELLED, 'the client cancelled the call');
    call.context.cancel(reason);
    call.requestStream?.fail(reason);
    call.complete();
  }
  // biome-ignore-end lint/complexity/noThisInStatic: node calls a listener with the stream as `this`
}

/** Where each stream keeps its call, for the shared listeners above. */
const CALL = Symbol('handwire.call');
type CallStream = ServerHttp2Stream & { [CALL]: Http2ServerCall };

function onCallDeadline(call: Http2ServerCall): void {
  call.onDeadline();
}
