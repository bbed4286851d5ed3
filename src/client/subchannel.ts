// One address of a channel (TCP, a unix socket or in memory): its HTTP/2 sessions, connecting
// with a timeout, backoff after a failure, and draining on GOAWAY (grpc
// doc/connectivity-semantics-and-api.md, connection-backoff.md; PROTOCOL-HTTP2.md "Connection
// Management").

import http2, { type ClientHttp2Session } from 'node:http2';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { GrpcError } from '../transport/grpc-error.js';
import { dialInMemory } from '../transport/in-memory.js';
import { UNCOUNTED_SESSION_MEMORY_MB } from '../transport/session-memory.js';
import { Status } from '../transport/status.js';
import { ConnectionBackoff, type ConnectionBackoffOptions } from './connection-backoff.js';
import type { Address } from './target.js';
import {
  type ClientTlsOptions,
  describeTlsError,
  isTlsError,
  secureConnectOptions,
} from './tls.js';

/** The connectivity states of connectivity-semantics-and-api.md. */
export type ConnectivityState = 'idle' | 'connecting' | 'ready' | 'transientFailure' | 'shutdown';

/** An HTTP/2 session and how many calls it carries now. */
export class Connection {
  /** Calls open on this session, reserved before the stream is opened. */
  activeStreams = 0;
  /** True once the peer sent GOAWAY or the session closed: no new call may start here. */
  draining = false;
  /** The last-stream-id of the peer's GOAWAY: streams above it were never processed. */
  goawayLastStreamId: number | undefined;

  /**
   * The peer's SETTINGS_MAX_CONCURRENT_STREAMS, kept from its SETTINGS frames: node's
   * `session.remoteSettings` getter asks the native session and builds an object on every read,
   * too costly for each call.
   */
  private maxConcurrentStreams: number;

  constructor(
    readonly session: ClientHttp2Session,
    readonly address: Address,
  ) {
    this.maxConcurrentStreams = limitOf(session.remoteSettings);
    session.on('remoteSettings', (settings: http2.Settings) => {
      this.maxConcurrentStreams = limitOf(settings);
    });
    session.on('goaway', (_code: number, lastStreamId: number) => {
      this.goawayLastStreamId = Math.min(this.goawayLastStreamId ?? lastStreamId, lastStreamId);
    });
  }

  /**
   * Holds a stream slot for a call if one more may start on this session without waiting, and
   * says whether it did. The first call refs the session, so the process stays up while a call
   * runs; release() of the last unrefs it, so an idle channel never keeps a Node process alive
   * (as grpc-js does).
   */
  tryReserve(): boolean {
    if (this.draining || this.session.closed || this.session.destroyed) return false;
    if (this.activeStreams >= this.maxConcurrentStreams) return false;
    if (this.activeStreams++ === 0) this.session.ref();
    return true;
  }

  /** Ends a call's hold on a stream slot. */
  release(): void {
    if (--this.activeStreams === 0 && !this.session.destroyed) this.session.unref();
  }
}

function limitOf(settings: http2.Settings): number {
  return settings.maxConcurrentStreams ?? Number.POSITIVE_INFINITY;
}

/** Why a connection attempt failed, in words: the address and the errno, and what that means. */
export function describeConnectError(address: Address, error: unknown): GrpcError {
  const code = (error as { code?: unknown } | null)?.code;
  const errno = typeof code === 'string' ? code : undefined;
  const base =
    errno === undefined
      ? `connect to ${address.label} failed`
      : `connect ${errno} ${address.label}`;
  const hint = errno === undefined ? undefined : ERRNO_HINTS[errno];
  const reason = error instanceof Error && errno === undefined ? `: ${error.message}` : '';
  return new GrpcError(Status.UNAVAILABLE, `${base}${reason}${hint ? ` (${hint})` : ''}`, {
    cause: error,
  });
}

const ERRNO_HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'no server is listening there',
  ENOENT: 'no socket file exists at that path',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
  ECONNRESET: 'the peer reset the connection',
  ETIMEDOUT: 'the peer did not answer',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  EADDRNOTAVAIL: 'the address is not available on this machine',
};

export interface SubchannelOptions extends ConnectionBackoffOptions {
  /** Extra settings sent to the peer. */
  readonly http2Settings?: http2.Settings;
  /** Called on every session created, for keepalive. */
  readonly onSession?: (connection: Connection) => void;
  /** Connect over TLS with these options; plaintext (h2c) when absent. */
  readonly tls?: ClientTlsOptions;
}

/**
 * The sessions to one address. Connects lazily, when a call needs a session; opens another when
 * every session has reached the peer's SETTINGS_MAX_CONCURRENT_STREAMS; after a failed connect
 * stays in TRANSIENT_FAILURE for the backoff, then goes back to IDLE so the next call tries again.
 */
export class Subchannel {
  state: ConnectivityState = 'idle';
  /** The error of the last failed connect, reported by calls that fail fast meanwhile. */
  lastError: GrpcError | undefined;
  private readonly connections: Connection[] = [];
  private connecting: Promise<Connection> | undefined;
  private readonly backoff: ConnectionBackoff;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Every session ever opened and not yet closed, so close() can end them all. */
  private readonly openSessions = new Set<ClientHttp2Session>();

  constructor(
    readonly address: Address,
    private readonly options: SubchannelOptions,
    private readonly onStateChange: () => void,
  ) {
    this.backoff = new ConnectionBackoff({
      ...options,
      minConnectTimeoutMs: options.minConnectTimeoutMs,
    });
  }

  /** A session with room for one more call, reserved for it; undefined if none is ready now. */
  takeReady(): Connection | undefined {
    for (const connection of this.connections) {
      if (connection.tryReserve()) return connection;
    }
    return undefined;
  }

  /** A session with room for one more call, reserved for it, connecting one if need be. */
  async take(): Promise<Connection> {
    for (;;) {
      const ready = this.takeReady();
      if (ready !== undefined) return ready;
      if (this.state === 'shutdown') {
        throw new GrpcError(Status.UNAVAILABLE, 'the channel was closed');
      }
      if (this.state === 'transientFailure' && this.connections.length === 0) {
        throw this.lastError ?? new GrpcError(Status.UNAVAILABLE, `${this.address.label} is down`);
      }
      this.connecting ??= this.connect();
      await this.connecting;
    }
  }

  /** Begins connecting if idle; used by waitForReady calls and round_robin. */
  requestConnection(): void {
    if (this.state === 'idle' && this.connecting === undefined) {
      this.connecting = this.connect();
      this.connecting.catch(() => {});
    }
  }

  /** Ends every session at once and stops reconnecting. */
  close(): void {
    this.setState('shutdown');
    clearTimeout(this.retryTimer);
    for (const session of this.openSessions) session.destroy();
    this.openSessions.clear();
    this.connections.length = 0;
  }

  private setState(state: ConnectivityState): void {
    if (this.state === state || this.state === 'shutdown') return;
    this.state = state;
    this.onStateChange();
  }

  /** One connect attempt, bounded by the backoff's connect timeout. */
  private connect(): Promise<Connection> {
    this.setState('connecting');
    const timeoutMs = this.backoff.beginAttempt();
    const address = this.address;
    const session = this.openSession();
    this.openSessions.add(session);
    // A session error also arrives as a call's stream error or a close: never crash on it.
    session.on('error', () => {});
    session.once('close', () => this.openSessions.delete(session));
    // node:http2 does not always pass a TLS socket's error on: a TLS 1.3 alert after the
    // handshake ("certificate required") marks the session destroyed without 'error' or
    // 'close'. So the socket's own error is watched too, by the connect and by adopt().
    const socket = session.socket;
    return new Promise<Connection>((resolve, reject) => {
      let settled = false;
      let tcpConnected = false;
      const onConnect = () => {
        tcpConnected = true;
      };
      const cleanup = () => {
        clearTimeout(timer);
        session.off('connect', onConnect);
        session.off('remoteSettings', onSettings);
        session.off('error', onError);
        session.off('close', onClose);
        // A connected session lives on with this socket: leave no dead listener on it. (Once the
        // session is destroyed its socket proxy throws on use, and the socket is gone anyway.)
        if (!session.destroyed) socket.off('error', onError);
      };
      const fail = (error: GrpcError) => {
        if (settled) return;
        settled = true;
        cleanup();
        session.destroy();
        this.attemptFailed(error);
        reject(error);
      };
      // A peer that accepts TCP but never speaks HTTP/2 must not hang the call (DESIGN lesson 1).
      const timer = setTimeout(() => {
        const what = tcpConnected
          ? `connected over TCP but the peer sent no HTTP/2 SETTINGS within ${timeoutMs} ms (is it a gRPC server?)`
          : this.options.tls !== undefined
            ? `no TLS handshake completed within ${timeoutMs} ms`
            : `no connection within ${timeoutMs} ms`;
        fail(new GrpcError(Status.UNAVAILABLE, `connect to ${address.label} timed out: ${what}`));
      }, timeoutMs);
      const onSettings = () => {
        if (settled) return;
        settled = true;
        cleanup();
        this.connecting = undefined;
        this.backoff.reset();
        const connection = new Connection(session, address);
        this.adopt(connection);
        resolve(connection);
      };
      const onError = (error: unknown) =>
        fail(
          this.options.tls !== undefined && isTlsError(error)
            ? describeTlsError(address, error)
            : describeConnectError(address, error),
        );
      const onClose = () =>
        fail(
          new GrpcError(
            Status.UNAVAILABLE,
            `connect to ${address.label} failed: the peer closed the connection before HTTP/2 SETTINGS`,
          ),
        );
      session.once('connect', onConnect);
      session.once('remoteSettings', onSettings);
      session.once('error', onError);
      session.once('close', onClose);
      socket.once('error', onError);
    });
  }

  /** A connect attempt failed: keep why, then back off (connection-backoff.md). */
  private attemptFailed(error: GrpcError): void {
    this.connecting = undefined;
    this.lastError = error;
    if (this.state === 'shutdown') return;
    const waitMs = this.backoff.failed();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.connections.length === 0) this.setState('idle');
    }, waitMs);
    this.retryTimer.unref();
    if (this.connections.length === 0) this.setState('transientFailure');
  }

  /** A new HTTP/2 session to the address: h2c, or h2 over TLS when the channel has `tls`. */
  private openSession(): ClientHttp2Session {
    const address = this.address;
    const sessionOptions = {
      settings: { enablePush: false, ...this.options.http2Settings },
      // Without it, cancelled uploads would use the session up: see transport/session-memory.ts.
      maxSessionMemory: UNCOUNTED_SESSION_MEMORY_MB,
    };
    const secure = this.options.tls;
    if (address.kind === 'tcp') {
      return secure === undefined
        ? http2.connect(`http://${address.label}`, sessionOptions)
        : http2.connect(`https://${address.label}`, {
            ...secureConnectOptions(secure, address),
            ...sessionOptions,
          });
    }
    // A unix socket or an in-memory pipe: the socket is made here, and TLS laid over it if asked.
    const socket = (): Duplex =>
      address.kind === 'unix' ? net.connect(address.path) : dialInMemory(address.label);
    if (secure === undefined) {
      return http2.connect('http://localhost', { createConnection: socket, ...sessionOptions });
    }
    const tlsOptions = secureConnectOptions(secure, address);
    return http2.connect('https://localhost', {
      createConnection: () =>
        address.kind === 'unix'
          ? tls.connect({ ...tlsOptions, path: address.path })
          : tls.connect({ ...tlsOptions, socket: socket() }),
      ...sessionOptions,
    });
  }

  /** Makes a connected session available to calls, until GOAWAY or close takes it out. */
  private adopt(connection: Connection): void {
    const { session } = connection;
    this.connections.push(connection);
    // Idle until a call reserves it: an unused session must not hold the process open.
    if (connection.activeStreams === 0) session.unref();
    this.setState('ready');
    const retire = () => {
      if (connection.draining) return;
      connection.draining = true;
      const index = this.connections.indexOf(connection);
      if (index !== -1) this.connections.splice(index, 1);
      // GOAWAY: calls in flight finish on this session; the next call connects a new one.
      if (this.connections.length === 0 && this.state === 'ready') this.setState('idle');
    };
    session.once('goaway', retire);
    session.once('close', retire);
    session.socket.once('error', (error: Error) => {
      retire();
      if (!session.destroyed) session.destroy(error);
    });
    this.options.onSession?.(connection);
  }
}
