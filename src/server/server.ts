// The gRPC server on node:http2: registers services, listens, tracks connections and calls, and
// shuts down gracefully (grpc PROTOCOL-HTTP2.md; the double GOAWAY of graceful shutdown as grpc-go
// does it; gRFC A8/A9 connection policies live in keepalive.ts).

import { once } from 'node:events';
import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { type InMemoryListener, listenInMemory } from '../transport/in-memory.js';
import { checkRequestHeaders, type Refusal } from '../transport/requests.js';
import {
  givesResponseStream,
  type ServiceDefinition,
  takesRequestStream,
} from '../transport/service-definition.js';
import { UNCOUNTED_SESSION_MEMORY_MB } from '../transport/session-memory.js';
import { refuseRequest } from './call-admission.js';
import { type ConnectionGuard, guardConnection, ResetProbation } from './connection-guard.js';
import type { AnyHandler, ServiceImplementation } from './handlers.js';
import { composeInterceptors, handlerAsNext } from './interceptor.js';
import { SessionManager } from './keepalive.js';
import type { CallEnvironment, RegisteredMethod } from './registered-method.js';
import { Http2ServerCall } from './server-call.js';
import {
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
} from './server-options.js';

export interface ListenOptions {
  /** Default 127.0.0.1: loopback unless asked otherwise. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Listen on this unix socket path instead of a TCP port; clients dial `unix:<path>`. */
  path?: string;
  /**
   * Listen in memory, on no socket at all (transport/in-memory.ts): channels of this process dial
   * the `memory:<n>` address returned, through the same HTTP/2 code as over TCP.
   */
  inMemory?: boolean;
}

export interface BoundAddress {
  /** The IP address bound; the socket path, or the `memory:<n>` address, otherwise. */
  host: string;
  /** The TCP port bound; 0 on a unix socket or in memory. */
  port: number;
  /** What a client dials: `host:port` (IPv6 in brackets), `unix:<path>` or `memory:<n>`. */
  address: string;
}

export interface CloseOptions {
  /** How long calls in flight may take to finish before they are cancelled. Default 10 s. */
  graceMs?: number;
}

interface SessionState {
  readonly manager: SessionManager<Http2ServerCall>;
  readonly peer: string;
  readonly calls: Set<Http2ServerCall>;
  /** What calls on this session run with; built once per connection, not once per call. */
  readonly env: CallEnvironment<Http2ServerCall>;
  /** Rapid reset and stalled-connection protection (connection-guard.ts). */
  readonly guard: ConnectionGuard;
}

export class Server {
  readonly options: ResolvedServerOptions;
  private readonly methods = new Map<string, RegisteredMethod>();
  private readonly services = new Map<string, ServiceDefinition>();
  private readonly sessions = new Map<Http2Session, SessionState>();
  /** Addresses lately cut off for rapid reset, shared by their connections (connection-guard.ts). */
  private readonly resetProbation = new ResetProbation();
  private http2: Http2Server | Http2SecureServer | undefined;
  /** Set while listening in memory: closing it refuses new in-memory connections. */
  private inMemory: InMemoryListener | undefined;
  private closing: Promise<void> | undefined;
  /** Resolvers waiting for the last session to close (shutdown). */
  private readonly sessionsGone: (() => void)[] = [];
  /** Called once when shutdown begins (see onShutdown). */
  private readonly shutdownCallbacks: (() => void)[] = [];

  constructor(options?: ServerOptions) {
    this.options = resolveServerOptions(options);
  }

  /** Serves a service: one handler per method, each of the shape its method's kind calls for. */
  addService<S extends ServiceDefinition>(
    service: S,
    implementation: ServiceImplementation<S>,
  ): this {
    if (this.services.has(service.name)) {
      throw new Error(`service ${service.name} is already registered`);
    }
    for (const [name, definition] of Object.entries(service.methods)) {
      const handler = (implementation as Record<string, AnyHandler | undefined>)[name];
      if (typeof handler !== 'function') {
        throw new TypeError(`the implementation of ${service.name} has no handler for ${name}`);
      }
      const interceptors = this.options.interceptors;
      this.methods.set(definition.path, {
        definition,
        handler,
        chain:
          interceptors.length === 0
            ? undefined
            : composeInterceptors(interceptors, handlerAsNext(handler)),
        requestStreams: takesRequestStream(definition.kind),
        responseStreams: givesResponseStream(definition.kind),
      });
    }
    this.services.set(service.name, service);
    return this;
  }

  /** The services registered so far, by name (health and reflection read this). */
  get serviceNames(): string[] {
    return [...this.services.keys()];
  }

  /** Starts listening; resolves with the address bound (port 0 picks a free one). */
  async listen(options: ListenOptions = {}): Promise<BoundAddress> {
    if (this.http2 !== undefined) throw new Error('the server is already listening');
    const tcp = options.host !== undefined || options.port !== undefined;
    if (Number(tcp) + Number(options.path !== undefined) + Number(options.inMemory === true) > 1) {
      throw new TypeError('listen() takes one of { host, port }, { path } or { inMemory: true }');
    }
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 0;
    const settings = { maxConcurrentStreams: this.options.maxConcurrentStreams };
    // Without it, clients cancelling flow-controlled streams would use their connections up:
    // see transport/session-memory.ts.
    const maxSessionMemory = UNCOUNTED_SESSION_MEMORY_MB;
    const http2 =
      this.options.tls === undefined
        ? createServer({ settings, maxSessionMemory })
        : createSecureServer({
            ...this.options.tls,
            settings,
            maxSessionMemory,
            allowHTTP1: false,
          });
    http2.on('session', this.onSession);
    http2.on('stream', this.onStream);
    // A TLS client that does not negotiate h2 is not a gRPC client: drop it.
    http2.on('unknownProtocol', (socket) => socket.destroy());
    this.http2 = http2;
    if (options.inMemory === true) {
      // Each connection dialled is handed to node:http2 as if a TCP socket had been accepted.
      this.inMemory = listenInMemory((socket) => http2.emit('connection', socket));
      const address = this.inMemory.address;
      return { host: address, port: 0, address };
    }
    if (options.path !== undefined) http2.listen(options.path);
    else http2.listen(port, host);
    try {
      await once(http2, 'listening');
    } catch (error) {
      this.http2 = undefined;
      throw error;
    }
    const bound = http2.address() as AddressInfo | string;
    if (typeof bound === 'string') return { host: bound, port: 0, address: `unix:${bound}` };
    const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    return { host: bound.address, port: bound.port, address: `${shown}:${bound.port}` };
  }

  /** Replaces the TLS certificate and key for new connections; live ones keep theirs. */
  setSecureContext(tls: {
    key?: string | Buffer;
    cert?: string | Buffer;
    ca?: string | Buffer;
  }): void {
    const http2 = this.http2;
    if (http2 === undefined || !('setSecureContext' in http2)) {
      throw new Error('setSecureContext needs a TLS server that is listening');
    }
    http2.setSecureContext(tls);
  }

  /**
   * Graceful shutdown: stop accepting connections and calls (GOAWAY to every session), let calls
   * in flight finish within `graceMs`, then end the rest with UNAVAILABLE and close every socket.
   * Resolves once nothing is left open. Calling it again returns the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.closing === undefined) this.runShutdownCallbacks();
    this.closing ??= this.shutDown(options.graceMs ?? 10_000);
    return this.closing;
  }

  /**
   * `await using server = new Server()` ends it as forceClose() does, as grpc-go's tests end
   * theirs with `Stop()`: a test's server should not make it wait out a grace period. Call close()
   * first for a graceful stop.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.forceClose();
  }

  /** Ends everything at once: every call UNAVAILABLE, every connection closed. */
  forceClose(): Promise<void> {
    if (this.closing === undefined) return this.close({ graceMs: 0 });
    this.cancelEverything();
    return this.closing;
  }

  /**
   * Registers `callback` to run once when close() or forceClose() begins, before the GOAWAY: the
   * health service turns NOT_SERVING there, so watchers learn of the shutdown while their
   * connections are still open (grpc doc/health-checking.md).
   */
  onShutdown(callback: () => void): this {
    this.shutdownCallbacks.push(callback);
    return this;
  }

  private runShutdownCallbacks(): void {
    for (const callback of this.shutdownCallbacks) {
      try {
        callback();
      } catch (error) {
        // A failing callback must not stop the shutdown itself.
        this.options.logger.error({ err: error }, 'a shutdown callback failed');
      }
    }
  }

  private async shutDown(graceMs: number): Promise<void> {
    const http2 = this.http2;
    if (http2 === undefined) return;
    this.inMemory?.close();
    const serverClosed = new Promise<void>((resolve) => http2.close(() => resolve()));
    for (const state of this.sessions.values()) state.manager.goAway(graceMs, 'server shutdown');
    if (this.sessions.size > 0) {
      const allClosed = this.whenSessionsClosed();
      let graceTimer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, graceMs);
      });
      await Promise.race([allClosed, graceOver]);
      clearTimeout(graceTimer);
      this.cancelEverything();
      await allClosed;
    }
    await serverClosed;
    this.http2 = undefined;
  }

  /** Cancels every call with UNAVAILABLE and destroys every session once that status is out. */
  private cancelEverything(): void {
    for (const [session, state] of this.sessions) {
      for (const call of [...state.calls]) call.cancelForShutdown();
      state.manager.goingAway = true;
      if (session.destroyed) continue;
      // A call that already sent headers gets its status as trailers, queued behind its last
      // DATA frames: one turn of the event loop is not enough, and destroying the session then
      // would cut the trailers off (the client saw "connection dropped", not our status). A
      // graceful close ends the session as soon as those streams are done; a peer that stopped
      // reading (its flow-control window shut) cannot hold it past STATUS_FLUSH_MS.
      if (!session.closed) session.close();
      const flushTimer = setTimeout(() => {
        if (!session.destroyed) session.destroy();
      }, STATUS_FLUSH_MS);
      session.once('close', () => clearTimeout(flushTimer));
    }
  }

  /** Resolves when no session is left: each session's 'close' checks, no polling. */
  private whenSessionsClosed(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.sessionsGone.push(resolve));
  }

  private readonly onSession = (session: Http2Session): void => {
    const socket = session.socket;
    const peer =
      socket.remoteFamily === 'IPv6'
        ? `[${socket.remoteAddress}]:${socket.remotePort}`
        : socket.remoteAddress === undefined
          ? // A unix socket or an in-memory pipe: the peer is known by where it connected.
            (this.inMemory?.address ?? `unix:${String(this.http2?.address())}`)
          : `${socket.remoteAddress}:${socket.remotePort}`;
    const manager = new SessionManager<Http2ServerCall>(
      session,
      this.options,
      this.options.logger,
      peer,
    );
    const guard = guardConnection(
      session,
      this.options,
      this.options.logger,
      peer,
      socket.remoteAddress ?? peer,
      this.resetProbation,
    );
    const state: SessionState = {
      manager,
      peer,
      guard,
      calls: manager.calls,
      env: {
        maxReceiveMessageLength: this.options.maxReceiveMessageLength,
        logger: this.options.logger,
        earlyResponseHeaders: this.options.earlyResponseHeaders,
        onCallEnd: manager.callEnded,
        onStreamClose: manager.streamClosed,
        onStreamReset: (stream) => guard.countReset(stream),
        onCallRejected: this.options.onCallRejected,
      },
    };
    this.sessions.set(session, state);

    // A peer that connects but never completes the HTTP/2 handshake is dropped, not kept forever.
    const handshakeTimer = setTimeout(() => {
      session.destroy(new Error('the client did not complete the HTTP/2 handshake in time'));
    }, this.options.handshakeTimeoutMs);
    session.once('remoteSettings', () => clearTimeout(handshakeTimer));

    session.on('error', () => {
      // A broken connection (reset, protocol error) is followed by 'close'; calls on it are
      // cancelled there. Nothing to do but keep the error from becoming an uncaught exception.
    });
    session.once('close', () => {
      clearTimeout(handshakeTimer);
      guard.dispose();
      state.manager.dispose();
      this.sessions.delete(session);
      if (this.sessions.size === 0) for (const resolve of this.sessionsGone.splice(0)) resolve();
    });
    if (this.closing !== undefined)
      state.manager.goAway(this.options.keepaliveTimeoutMs, 'server shutdown');
  };

  /** Answers a stream whose request headers were refused, and tells onCallRejected of it. */
  private refuse(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    refusal: Refusal,
    peer: string | undefined,
  ): void {
    const onRejected = this.options.onCallRejected;
    refuseRequest(
      stream,
      headers,
      refusal,
      this.options.earlyResponseHeaders,
      onRejected === undefined
        ? undefined
        : (error, sent) => {
            const path = String(headers[':path'] ?? '');
            onRejected({
              path,
              kind: this.methods.get(path)?.definition.kind,
              code: error.code,
              message: error.message,
              peer: peer ?? 'unknown',
              requestHeaders: headers,
              responseHeaders: sent,
              durationMs: 0,
            });
          },
    );
  }

  private readonly onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    // Every stream gets its 'error' listener first, refused ones too: a stream refused before the
    // client half-closed it can still be destroyed with an error (the client's RST_STREAM, or a
    // session torn down on a protocol error), and an 'error' event nobody listens to would end
    // the process. What ends a call is seen on 'close'.
    stream.on('error', ignoreStreamError);
    const state = this.sessions.get(stream.session as Http2Session);
    if (state !== undefined) {
      // The connection guard's bookkeeping, inline so a well-behaved call runs none of its code.
      const guard = state.guard;
      if (guard.cut) {
        guard.refuse(stream);
        return;
      }
      guard.requestsSinceCheck++;
      // HEADERS and RST_STREAM often arrive in one read: the stream may be reset already.
      if (stream.closed) {
        guard.countReset(stream);
        return;
      }
    } else if (stream.closed) {
      return;
    }
    const admission = checkRequestHeaders(headers, this.methods, this.options.compression);
    if ('refused' in admission) {
      this.refuse(stream, headers, admission, state?.peer);
      return;
    }
    if (state === undefined) return;
    const call = new Http2ServerCall(stream, headers, admission, state.env, state.peer);
    state.manager.callStarted(call);
    call.start();
  };
}

/** How long cancelled calls' statuses may take to leave before their session is destroyed. */
const STATUS_FLUSH_MS = 250;

/** Stream errors are followed by 'close', where a call learns it ended; nothing to do here. */
function ignoreStreamError(): void {}
