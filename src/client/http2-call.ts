// One client call on one HTTP/2 stream: node:http2 glue from request headers to one status (grpc
// PROTOCOL-HTTP2.md "Requests", "Responses"; the wire halves are in transport/requests.ts,
// messages.ts and responses.ts; statuscodes.md for the codes the client reports). A plain call
// (no retry policy) is sent again once if the server never processed it (gRFC A6).

import type { ClientHttp2Stream, IncomingHttpHeaders, IncomingHttpStatusHeader } from 'node:http2';
import { GrpcError } from '../transport/grpc-error.js';
import { GRPC_STATUS } from '../transport/headers.js';
import { MessageReader } from '../transport/messages.js';
import { Metadata } from '../transport/metadata.js';
import { requestHeaders } from '../transport/requests.js';
import {
  OK_STATUS,
  type ReceivedStatus,
  readResponseHeaders,
  readTrailers,
  statusError,
} from '../transport/responses.js';
import type { MethodDefinition } from '../transport/service-definition.js';
import { Status } from '../transport/status.js';
import { describeBrokenStream, describeFailedRequest } from './broken-stream.js';
import type { ResponseSink } from './call-handle.js';
import { type CallOptions, deadlineExceeded } from './call-options.js';
import type { Channel } from './channel.js';
import { resetStream } from './stream-reset.js';
import type { Connection } from './subchannel.js';
import { Waiters } from './waiters.js';

/** The call a stream carries, kept on the stream so one listener per event serves all calls. */
const CALL = Symbol('handwire.client.call');
type CallStream = ClientHttp2Stream & { [CALL]: Http2Call<unknown, unknown> };

function onStreamError(this: CallStream, error: unknown): void {
  this[CALL].streamError = error;
}
function onStreamDrain(this: CallStream): void {
  this[CALL].drainWaiters?.wake();
}

/**
 * One call's HTTP/2 stream, driven by callbacks rather than promises so that a unary call costs
 * one stream, a few listeners and one Promise in the caller.
 */
export class Http2Call<Req, Res> {
  private stream: ClientHttp2Stream | undefined;
  private connection: Connection | undefined;
  private done = false;
  private status: ReceivedStatus | undefined;
  /** The response's messages, read once its headers say how they are encoded. */
  private reader: MessageReader<Res> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pickAbort: AbortController | undefined;
  /** Resets a stream still sending with RST_STREAM(CANCEL) alone (stream-reset.ts). */
  private streamAbort: AbortController | undefined;
  /** Frames written before the stream exists (the session was still connecting). */
  private queued: Buffer[] | undefined;
  private endQueued = false;
  private pauseWanted = false;
  /** The stream's 'error', kept to explain its close (read by describeBrokenStream). */
  streamError: unknown;
  /** Writers waiting in `writable()`; made only when one waits (a unary call never does). */
  drainWaiters: Waiters | undefined;
  /** The listener on the call's AbortSignal, made only for calls that have one. */
  private onAbort: (() => void) | undefined;
  /** True once response headers (not Trailers-Only) arrived: no retry after that (gRFC A6). */
  private receivedHeaders = false;
  /** True when the call failed before the server's application saw it (A6 transparent retry). */
  neverProcessed = false;
  /**
   * A plain call's request frames, kept for its one A6 transparent retry until the call commits
   * (response headers came, or the frames outgrew perRpcRetryBufferSize); none in the attempts of
   * a retry policy (RetryingCall, HedgingCall).
   */
  private replay: Buffer[] | undefined;
  private replayBytes = 0;
  private requestEnded = false;

  constructor(
    private readonly channel: Channel,
    private readonly method: MethodDefinition<Req, Res>,
    private readonly options: CallOptions,
    /** The call's absolute deadline (epoch ms), computed once per call: attempts share it. */
    private readonly deadline: number | undefined,
    private readonly sink: ResponseSink<Res>,
    /** True for a plain call (no retry policy): it retries itself once, transparently. */
    retriesTransparently = false,
  ) {
    if (retriesTransparently) this.replay = [];
  }

  /** True once the call has its status. */
  get isDone(): boolean {
    return this.done;
  }

  /**
   * Starts the call: deadline, cancellation, then a session from the channel. A call whose
   * request is one message (unary, server streaming) passes its frame: sent with END_STREAM.
   */
  start(onlyFrame?: Buffer): void {
    if (onlyFrame !== undefined) {
      this.requestEnded = this.endQueued = true;
      this.queued = [onlyFrame];
      if (this.replay !== undefined) this.keep(onlyFrame);
    }
    const { signal } = this.options;
    if (signal?.aborted) {
      this.finish(GrpcError.from(signal.reason));
      return;
    }
    if (this.deadline !== undefined) {
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) {
        this.finish(deadlineExceeded(this.options));
        return;
      }
      this.timer = setTimeout(() => this.finish(deadlineExceeded(this.options)), remaining);
    }
    if (signal !== undefined) {
      this.onAbort = () => this.finish(GrpcError.from(signal.reason));
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    const ready = this.channel.pickReady();
    if (ready !== undefined) this.open(ready);
    else this.pick();
  }

  /** Waits for the channel to have a connection (none was ready). */
  private pick(): void {
    const ready = this.channel.pickReady();
    if (ready !== undefined) {
      this.open(ready);
      return;
    }
    this.pickAbort = new AbortController();
    this.channel.pick(this.options.waitForReady === true, this.pickAbort.signal).then(
      (connection) => {
        if (this.done) connection.release();
        else this.open(connection);
      },
      (error: unknown) => this.finish(GrpcError.from(error)),
    );
  }

  /** Sends one framed message; false when the caller should wait for `writable()`. */
  write(frame: Buffer): boolean {
    if (this.done) return false;
    if (this.replay !== undefined) this.keep(frame);
    if (this.stream === undefined) {
      this.queued = [...(this.queued ?? []), frame];
      return false;
    }
    return this.stream.write(frame);
  }

  /** Resolves when more may be written (the stream drained) or the call is over. */
  writable(): Promise<void> {
    if (this.done) return Promise.resolve();
    if (this.stream !== undefined && !this.stream.writableNeedDrain) return Promise.resolve();
    this.drainWaiters ??= new Waiters();
    if (this.stream !== undefined && this.drainWaiters.empty) {
      this.stream.once('drain', onStreamDrain);
    }
    return this.drainWaiters.wait();
  }

  /** Keeps a request frame for the transparent retry, or commits when it does not fit. */
  private keep(frame: Buffer): void {
    this.replayBytes += frame.length;
    if (this.replayBytes > this.channel.perRpcRetryBufferSize) this.replay = undefined;
    else this.replay!.push(frame);
  }

  /** Half-closes the request side: no more messages (END_STREAM). */
  end(frame?: Buffer): void {
    if (this.done) return;
    this.requestEnded = true;
    if (frame !== undefined && this.replay !== undefined) this.keep(frame);
    if (this.stream === undefined) {
      if (frame !== undefined) this.queued = [...(this.queued ?? []), frame];
      this.endQueued = true;
    } else this.stream.end(frame);
  }

  /** Ends the call with `error` and resets the stream (RST_STREAM CANCEL). */
  cancel(error: GrpcError): void {
    this.finish(error);
  }

  /** Stops reading DATA: HTTP/2 flow control then stops the server (backpressure). */
  pause(): void {
    this.pauseWanted = true;
    this.stream?.pause();
  }

  resume(): void {
    this.pauseWanted = false;
    this.stream?.resume();
  }

  private open(connection: Connection): void {
    const headers = requestHeaders({
      path: this.method.path,
      scheme: this.channel.scheme,
      authority: this.channel.authority,
      userAgent: this.channel.options.userAgent,
      encoding: this.options.compression,
      timeoutMs: this.deadline === undefined ? undefined : this.deadline - Date.now(),
      metadata: this.options.metadata,
    });
    let stream: ClientHttp2Stream;
    try {
      // A request still open gets the signal that lets resetStream send RST_STREAM(CANCEL) alone
      // (stream-reset.ts); a complete one (unary, server streaming) none: node copies options.
      this.streamAbort = this.endQueued ? undefined : new AbortController();
      const signal = this.streamAbort?.signal;
      stream = connection.session.request(headers, signal && { signal });
    } catch (error) {
      connection.release();
      const failed = describeFailedRequest(error, connection);
      this.neverProcessed = failed.neverProcessed;
      this.finish(failed.error);
      return;
    }
    this.stream = stream;
    this.connection = connection;
    // One listener function per event, shared by every call: no closures per call.
    (stream as CallStream)[CALL] = this as Http2Call<unknown, unknown>;
    stream.on('response', Http2Call.onStreamResponse);
    stream.on('trailers', Http2Call.onStreamTrailers);
    stream.on('error', onStreamError);
    stream.on('end', Http2Call.onStreamEnd);
    stream.on('close', Http2Call.onStreamClose);
    if (this.pauseWanted) stream.pause();
    const queued = this.queued ?? [];
    this.queued = undefined;
    // A complete request's last frame goes with END_STREAM (a unary call's only frame: one write).
    const last = this.endQueued ? queued.pop() : undefined;
    for (const frame of queued) stream.write(frame);
    if (this.endQueued) stream.end(last);
    else this.drainWaiters?.wake();
  }

  // --- the stream's events ----------------------------------------------------------------------
  // Listeners shared by every call (`this` is the stream, its call at stream[CALL]).

  // biome-ignore-start lint/complexity/noThisInStatic: node calls a listener with the stream as `this`
  /** Response headers: Trailers-Only (the status), or the call is committed and messages follow. */
  private static onStreamResponse(
    this: CallStream,
    headers: IncomingHttpHeaders & IncomingHttpStatusHeader,
  ): void {
    const call = this[CALL];
    const head = readResponseHeaders(headers);
    if (head.error !== undefined) {
      call.finish(head.error);
      return;
    }
    if (head.status !== undefined) {
      // Trailers-Only: the status came with the headers; 'close' reports it.
      call.status = head.status;
      return;
    }
    // Headers without a status: the server's application has the call (A6 "committed").
    call.receivedHeaders = true;
    call.replay = undefined;
    call.sink.onHeaders?.();
    call.reader = new MessageReader(
      call.method.responseCodec,
      head.encoding,
      call.channel.options.maxReceiveMessageLength,
      'response',
      call.sink,
      call,
    );
    // DATA is read from here on: node:http2 emits 'response' on a tick, and over a socket made in
    // JavaScript (in memory) DATA read with its HEADERS would reach a 'data' listener first.
    this.on('data', Http2Call.onStreamData);
    const onHeader = call.options.onHeader;
    if (onHeader === undefined) return;
    let metadata: Metadata;
    try {
      metadata = Metadata.fromHttp2Headers(headers);
    } catch (error) {
      call.finish(GrpcError.from(error));
      return;
    }
    onHeader(metadata);
  }

  private static onStreamTrailers(this: CallStream, trailers: IncomingHttpHeaders): void {
    const call = this[CALL];
    // The common case, OK and nobody asking for the trailers: skip building their Metadata.
    if (trailers[GRPC_STATUS] === '0' && call.options.onTrailer === undefined) {
      call.status = OK_STATUS;
      return;
    }
    call.status = readTrailers(trailers);
  }

  /** DATA: response bytes (the reader drops them once the call is over). */
  private static onStreamData(this: CallStream, chunk: Buffer): void {
    this[CALL].reader?.push(chunk);
  }

  /**
   * The server's half ended, every DATA frame before it read. With a status the call is over
   * (PROTOCOL-HTTP2.md), whatever our half does: 'close' comes only once our half has finished,
   * and a sender still writing to a server that answered early (an error status, then RST_STREAM
   * NO_ERROR, as grpc-go's does) waited for its deadline (client_compressed_streaming, 1 run in 12).
   */
  private static onStreamEnd(this: CallStream): void {
    const call = this[CALL];
    if (call.done || call.status === undefined) return;
    if (call.reader !== undefined) call.reader.end(call.finishFromStream);
    else call.finishFromStream(undefined);
    // Closed by the server, held open by our unfinished half: let it go (node:http2 would not).
    if (this.closed && !this.destroyed && !this.writableFinished) this.destroy();
  }

  /** The stream closed: the status comes once the messages still being inflated are delivered. */
  private static onStreamClose(this: CallStream): void {
    const call = this[CALL];
    call.connection?.release();
    call.drainWaiters?.wake();
    if (call.done) return;
    if (call.reader !== undefined) call.reader.end(call.finishFromStream);
    else call.finishFromStream(undefined);
  }

  // biome-ignore-end lint/complexity/noThisInStatic: node calls a listener with the stream as `this`

  /** The response's bytes broke a rule: framing, size, compression or the codec. */
  onMessageError(error: GrpcError): void {
    this.finish(error);
  }

  /** The stream closed: its status, or why there is none. */
  private readonly finishFromStream = (truncated: GrpcError | undefined): void => {
    if (this.done) return;
    const status = this.status;
    if (status !== undefined) {
      this.options.onTrailer?.(status.metadata);
      // An OK status after a cut message is still a broken response.
      this.finish(status.code === Status.OK ? truncated : statusError(status));
      return;
    }
    const ended = describeBrokenStream(
      this.stream!,
      this.connection!,
      this.streamError,
      this.receivedHeaders,
    );
    // A6 transparent retry: the server's application never saw the call.
    this.neverProcessed = ended.neverProcessed;
    this.finish(ended.error);
  };

  /** Ends the call once: timers and listeners off, the stream reset if still open. */
  private finish(error: GrpcError | undefined): void {
    if (this.done) return;
    if (error !== undefined && this.neverProcessed && this.replay !== undefined) {
      this.retryTransparently(this.replay);
      return;
    }
    this.done = true;
    this.reader?.stop();
    if (error === undefined && this.replay !== undefined) {
      // A plain call counts for A6 retry throttling as an attempt of a retried call would.
      this.channel.retryThrottle?.recordSuccess();
    }
    clearTimeout(this.timer);
    if (this.onAbort !== undefined) this.options.signal?.removeEventListener('abort', this.onAbort);
    this.pickAbort?.abort();
    const stream = this.stream;
    // The AbortError 'error' an abort makes is kept by onStreamError, unread: the call is over.
    if (error !== undefined && stream !== undefined) resetStream(stream, this.streamAbort);
    this.queued = undefined;
    this.drainWaiters?.wake();
    this.sink.onEnd(error);
  }

  /**
   * gRFC A6 "Transparent Retries": the server's application never saw the call, so it is sent
   * once more on a new stream, within the same deadline and signal; it is the only retry.
   */
  private retryTransparently(frames: Buffer[]): void {
    this.replay = undefined;
    this.neverProcessed = false;
    this.stream = undefined;
    this.connection = undefined;
    this.status = undefined;
    this.streamError = undefined;
    this.receivedHeaders = false;
    this.reader = undefined;
    this.queued = frames.length === 0 ? undefined : frames;
    this.endQueued = this.requestEnded;
    this.pick();
  }
}
