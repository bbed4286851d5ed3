// The context a server handler gets with each call (grpc PROTOCOL-HTTP2.md "Requests" and
// "Responses"): request metadata, deadline, cancellation, the peer, and response headers/trailers.

import type { IncomingHttpHeaders } from 'node:http2';
import type { GrpcError } from '../transport/grpc-error.js';
import { Metadata } from '../transport/metadata.js';
import type { MethodDefinition } from '../transport/service-definition.js';

/**
 * What the context needs from the call that owns it. The call keeps the response metadata, made
 * here on a handler's first use, so it reads them without a getter on every call.
 */
export interface CallControl {
  readonly headersSent: boolean;
  sendHeaders(): void;
  headerMetadata: Metadata | undefined;
  trailerMetadata: Metadata | undefined;
}

export class ServerCallContext {
  /** The method called. */
  readonly method: MethodDefinition;
  /** The client's address, `host:port` (`[v6]:port` for IPv6), or the socket path. */
  readonly peer: string;
  /** When the call must end, as a `Date.now()` timestamp; undefined without `grpc-timeout`. */
  readonly deadline: number | undefined;
  /**
   * The compression of response messages: one of the client's `grpc-accept-encoding` values, or
   * `identity`. Preset from the server's `compression` option; changeable until headers are sent.
   */
  responseEncoding: string;
  /**
   * Per-message say over compression, like grpc core's NO_COMPRESS write flag (each message has
   * its own Compressed-Flag, PROTOCOL-HTTP2.md "Length-Prefixed-Message"): called with the 0-based
   * index of each response message when `responseEncoding` is not identity; false sends that
   * message with Compressed-Flag 0. Undefined (the default) compresses every message.
   */
  compressMessage: ((index: number) => boolean) | undefined = undefined;

  private readonly requestHeaders: IncomingHttpHeaders;
  private readonly control: CallControl;
  private requestMetadata: Metadata | undefined;
  private abortController: AbortController | undefined;
  private cancelReason: GrpcError | undefined;
  /** What onCancel registered; made when the first listener is. */
  private cancelListeners: Set<(reason: GrpcError) => void> | undefined;
  /** Request messages that arrived with Compressed-Flag 1; made when the first one does. */
  private compressedRequests: WeakSet<object> | undefined;

  constructor(
    method: MethodDefinition,
    requestHeaders: IncomingHttpHeaders,
    peer: string,
    deadline: number | undefined,
    responseEncoding: string,
    control: CallControl,
  ) {
    this.method = method;
    this.requestHeaders = requestHeaders;
    this.peer = peer;
    this.deadline = deadline;
    this.responseEncoding = responseEncoding;
    this.control = control;
  }

  /** The client's custom metadata; reserved headers (`:path`, `grpc-*`, `te`…) are left out. */
  get metadata(): Metadata {
    // Built on first use: most handlers never look, and a call is cheaper without it.
    this.requestMetadata ??= Metadata.fromHttp2Headers(this.requestHeaders);
    return this.requestMetadata;
  }

  /**
   * The first value of text metadata `key` (lower case, not -bin), as `metadata.get(key)` gives
   * it, read from the request headers without building `metadata` when nothing has yet: the
   * request-id interceptor reads one key of every call, and building all of the metadata for it
   * was a third of a µs per call. Unlike `metadata`, never throws for another key's malformed
   * -bin value.
   */
  metadataText(key: string): string | undefined {
    if (this.requestMetadata !== undefined) {
      const value = this.requestMetadata.get(key);
      return typeof value === 'string' ? value : undefined;
    }
    return Metadata.firstTextFromHttp2Headers(this.requestHeaders, key);
  }

  /** Metadata sent with the response headers (before the first message); add to it. */
  get responseHeaders(): Metadata {
    this.control.headerMetadata ??= new Metadata();
    return this.control.headerMetadata;
  }

  /** Metadata sent with the status in the trailers; add to it. */
  get responseTrailers(): Metadata {
    this.control.trailerMetadata ??= new Metadata();
    return this.control.trailerMetadata;
  }

  /** The response header metadata if any was set (no allocation when none was). */
  get responseHeadersIfAny(): Metadata | undefined {
    return this.control.headerMetadata;
  }

  /** The response trailer metadata if any was set. */
  get responseTrailersIfAny(): Metadata | undefined {
    return this.control.trailerMetadata;
  }

  /**
   * Aborted when the call ends early: the client cancelled (RST_STREAM), the deadline passed, or
   * the server shut down. Its `reason` is a GrpcError (CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE).
   */
  get signal(): AbortSignal {
    if (this.abortController === undefined) {
      // Made on first use, like the metadata; a cancellation before then is replayed here.
      this.abortController = new AbortController();
      if (this.cancelReason !== undefined) this.abortController.abort(this.cancelReason);
    }
    return this.abortController.signal;
  }

  /** True once the call was cancelled, timed out or cut short by shutdown. */
  get cancelled(): boolean {
    return this.cancelReason !== undefined;
  }

  /** Why the call ended early (what `signal.reason` holds), undefined while it has not. */
  get cancellation(): GrpcError | undefined {
    return this.cancelReason;
  }

  /**
   * Calls `listener` once, with the reason, if the call ends early later on, as `signal`'s
   * 'abort' event would; returns what unregisters it. For code that watches every call (the
   * standard interceptors): in Node 20, making a call's AbortSignal and listening to it costs
   * several µs of CPU per call (`npm run bench -- interceptors`), a listener here next to nothing.
   */
  onCancel(listener: (reason: GrpcError) => void): () => void {
    if (this.cancelReason !== undefined) return () => {};
    this.cancelListeners ??= new Set();
    this.cancelListeners.add(listener);
    return () => this.cancelListeners?.delete(listener);
  }

  /** True once the response headers have gone out; after that, `responseHeaders` is too late. */
  get headersSent(): boolean {
    return this.control.headersSent;
  }

  /** Sends the response headers now, before any message (they go with the first one otherwise). */
  sendHeaders(): void {
    if (!this.control.headersSent) this.control.sendHeaders();
  }

  /**
   * True when `message` (a request this call's handler received) arrived with Compressed-Flag 1.
   * It exists for grpc's interop CompressedRequest feature (interop-test-descriptions.md): the
   * interop TestService fails a request whose expect_compressed disagrees with how it arrived.
   * Most handlers never ask.
   */
  requestWasCompressed(message: object): boolean {
    return this.compressedRequests?.has(message) ?? false;
  }

  /**
   * Called by the server for each request message that arrived compressed, so that
   * `requestWasCompressed` can answer grpc interop's CompressedRequest check.
   */
  markRequestCompressed(message: object): void {
    this.compressedRequests ??= new WeakSet();
    this.compressedRequests.add(message);
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  timeRemaining(): number {
    return this.deadline === undefined ? Number.POSITIVE_INFINITY : this.deadline - Date.now();
  }

  /** Called by the server when the call ends early; aborts `signal` with `reason`. */
  cancel(reason: GrpcError): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    this.abortController?.abort(reason);
    const listeners = this.cancelListeners;
    this.cancelListeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener(reason);
  }
}
