// One session's calls and the connection-level policies of a gRPC server (gRFC A8 "Client-side
// Keepalive", gRFC A9 "Server-side Connection Management", grpc-go keepalive.ServerParameters /
// EnforcementPolicy):
//   - keepalive: PING an idle client every `keepaliveTimeMs`; no ack within `keepaliveTimeoutMs`
//     means the connection is dead and is closed;
//   - ping enforcement: a client that pings more often than `keepaliveMinTimeMs` (or at all while it
//     has no calls, unless permitted) earns a strike; past `maxPingStrikes` it gets GOAWAY
//     ENHANCE_YOUR_CALM with debug data "too_many_pings", which grpc clients understand as
//     "double your keepalive interval";
//   - max connection idle: no call for `maxConnectionIdleMs` → graceful GOAWAY;
//   - max connection age: after `maxConnectionAgeMs` (±10% jitter, so a fleet of connections does
//     not reconnect at once) → graceful GOAWAY, then closed `maxConnectionAgeGraceMs` later.

import { constants, type Http2Session } from 'node:http2';

/** Where a GOAWAY the server sends is logged (the server's ServerLogger fits). */
export interface GoAwayLogger {
  warn?(details: object, message: string): void;
}

export interface ConnectionPolicy {
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  keepaliveMinTimeMs: number;
  keepalivePermitWithoutCalls: boolean;
  maxPingStrikes: number;
  maxConnectionIdleMs: number;
  maxConnectionAgeMs: number;
  maxConnectionAgeGraceMs: number;
}

/**
 * With no calls open and pings not permitted, a client has no reason to ping more than once in
 * two hours: grpc-go counts a strike for anything sooner.
 */
const IDLE_PING_INTERVAL_MS = 2 * 60 * 60 * 1000;

/** setTimeout's largest delay (about 24.8 days); longer settings mean "never". */
const MAX_TIMER_MS = 2147483647;

/** The highest stream id: a GOAWAY naming it says "stop opening streams" without refusing any. */
export const MAX_STREAM_ID = 2147483647;

/** A PING frame on the wire: 9 bytes of frame header and 8 of payload (RFC 9113 §6.7). */
const PING_FRAME_BYTES = 17;

/** Why the server sends a graceful GOAWAY: logged with it. */
export type GoAwayReason = 'server shutdown' | 'max connection idle' | 'max connection age';

/** Per-session state: the calls open on it and the timers of the policies above. */
export class SessionManager<Call = unknown> {
  /** The calls open on this session: a server shutdown cancels them, none left means idle. */
  readonly calls = new Set<Call>();
  /**
   * HTTP/2 streams of calls still open: a call ends when its status is decided, its stream only
   * once the last DATA frame and the trailers have left, which on a large response is later.
   */
  private openStreams = 0;
  /** True once the session was told to go away; it takes no new calls after that. */
  goingAway = false;

  private readonly session: Http2Session;
  private readonly policy: ConnectionPolicy;
  private readonly logger: GoAwayLogger;
  private readonly peer: string;
  private pingStrikes = 0;
  private lastPingAt = 0;
  /** Set when a call started or ended: the next client ping is not checked. */
  private pingStrikesReset = true;
  /**
   * The session's socket byte count at the last client PING, and how many of the bytes since
   * then are our own PING acks: what is left over is HEADERS or DATA the server wrote (see
   * serverWroteSinceLastPing).
   */
  private bytesWrittenAtLastPing = 0;
  private pingAckBytesOwed = 0;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private keepaliveAckTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Date.now() when the session last had no call (its start, or its last call's end). */
  private idleSince = Date.now();
  private ageTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  /** Set while a graceful GOAWAY waits for its PING ack; bounds that wait. */
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(session: Http2Session, policy: ConnectionPolicy, logger: GoAwayLogger, peer: string) {
    this.session = session;
    this.policy = policy;
    this.logger = logger;
    this.peer = peer;
    session.on('ping', this.onClientPing);
    this.scheduleKeepalive();
    this.armIdleTimer(policy.maxConnectionIdleMs);
    if (policy.maxConnectionAgeMs < MAX_TIMER_MS) {
      const jitter = 1 + (Math.random() * 0.2 - 0.1);
      this.ageTimer = setTimeout(this.onMaxAge, Math.round(policy.maxConnectionAgeMs * jitter));
    }
  }

  /** A call started on this session. */
  callStarted(call: Call): void {
    this.calls.add(call);
    this.openStreams++;
    this.pingStrikesReset = true;
  }

  /** The stream of a call on this session closed. */
  readonly streamClosed = (): void => {
    this.openStreams--;
  };

  /**
   * A call on this session ended (a bound function: it is the call's `onCallEnd`). No timer is
   * touched per call: the idle timer looks at `idleSince` when it fires, as grpc-go's does.
   */
  readonly callEnded = (call: Call): void => {
    if (!this.calls.delete(call)) return;
    this.pingStrikesReset = true;
    if (this.calls.size > 0) return;
    // Draining and the last call is done: see goAway() for why the PING ack may never come.
    if (this.drainTimer !== undefined) this.endDrain();
    else this.idleSince = Date.now();
  };

  /**
   * Graceful GOAWAY as grpc-go does it: first a GOAWAY naming the highest stream id with a PING
   * behind it, so streams the client opened in the meantime are not refused; when the PING is
   * acknowledged every such stream has arrived, and `close()` sends the final GOAWAY with the
   * real last stream id and closes the session once its calls are done. The wait for the ack is
   * bounded by `ackTimeoutMs` and ends early when the last call does; a session with no call open
   * is closed at once (the comment below says why).
   */
  goAway(ackTimeoutMs: number, reason: GoAwayReason): void {
    if (this.goingAway || this.session.closed || this.session.destroyed) return;
    this.goingAway = true;
    this.stopKeepalive();
    this.logGoAway('NO_ERROR', reason);
    const session = this.session;
    // Node stops reading a session once it has sent a GOAWAY and no stream is open (nghttp2's
    // want_read turns 0): the PING ack, the client's own GOAWAY and its FIN are never read, so
    // waiting for the ack would hold an idle connection (and server.close()) until ackTimeoutMs.
    // With no call open there is nothing to drain: close now. For the same reason the drain
    // ends as soon as the last call does (callEnded).
    if (this.calls.size === 0) {
      session.close();
      return;
    }
    this.drainTimer = setTimeout(this.endDrain, Math.min(ackTimeoutMs, MAX_TIMER_MS));
    try {
      session.goaway(constants.NGHTTP2_NO_ERROR, MAX_STREAM_ID);
      if (!session.ping(this.endDrain)) this.endDrain();
    } catch {
      this.endDrain();
    }
  }

  /** The drain PING was acked (or not in time): send the final GOAWAY, close once calls end. */
  private readonly endDrain = (): void => {
    if (this.drainTimer === undefined) return;
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    const session = this.session;
    if (!session.closed && !session.destroyed) session.close();
  };

  /** Stops every timer; called when the session closes. */
  dispose(): void {
    this.stopKeepalive();
    for (const timer of [this.idleTimer, this.ageTimer, this.graceTimer, this.drainTimer]) {
      if (timer !== undefined) clearTimeout(timer);
    }
    this.idleTimer = this.ageTimer = this.graceTimer = this.drainTimer = undefined;
    this.session.off('ping', this.onClientPing);
  }

  /** One warn line per GOAWAY the server decides to send: a client cut off can be explained. */
  private logGoAway(code: string, reason: string): void {
    this.logger.warn?.({ peer: this.peer, code, reason }, `sent GOAWAY ${code} (${reason})`);
  }

  /**
   * True when the server wrote anything but PING acks since the previous client PING. grpc-go
   * clears the strike count whenever it writes HEADERS, DATA or trailers, because a client
   * receiving data has reason to ping: its BDP estimator (grpc-go's bdpEstimator) sends a PING
   * with each burst of DATA it receives. node:http2 shows no frame the server writes, but the
   * socket's byte count shows that bytes left: after taking out 17 bytes per PING ack owed,
   * anything more is a frame the server wrote — on a large response, the DATA frames that
   * flow control lets out long after the handler's one write() call. (It also counts a
   * WINDOW_UPDATE or SETTINGS ack, so a client pinging while it uploads is let off too: more
   * lenient than grpc-go, never stricter.)
   */
  private serverWroteSinceLastPing(): boolean {
    const written = this.session.socket?.bytesWritten ?? 0;
    const sinceLast = written - this.bytesWrittenAtLastPing;
    const acks = Math.min(sinceLast, this.pingAckBytesOwed);
    this.bytesWrittenAtLastPing = written;
    this.pingAckBytesOwed += PING_FRAME_BYTES - acks;
    return sinceLast - acks > 0;
  }

  private readonly onClientPing = (): void => {
    const now = Date.now();
    const last = this.lastPingAt;
    this.lastPingAt = now;
    // With no stream open the server writes no HEADERS or DATA; what it did write (a SETTINGS
    // ack, a WINDOW_UPDATE) is no reason for the client to ping.
    const wrote = this.serverWroteSinceLastPing() && this.openStreams > 0;
    if (this.pingStrikesReset || wrote) {
      this.pingStrikesReset = false;
      this.pingStrikes = 0;
      return;
    }
    const minInterval =
      this.openStreams === 0 && !this.policy.keepalivePermitWithoutCalls
        ? IDLE_PING_INTERVAL_MS
        : this.policy.keepaliveMinTimeMs;
    if (now - last < minInterval) this.pingStrikes++;
    if (this.pingStrikes > this.policy.maxPingStrikes) this.tooManyPings();
  };

  private tooManyPings(): void {
    const session = this.session;
    if (session.closed || session.destroyed) return;
    this.goingAway = true;
    this.dispose();
    this.logGoAway('ENHANCE_YOUR_CALM', 'too_many_pings');
    session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from('too_many_pings'));
    // Let the GOAWAY frame reach the socket before the connection is torn down.
    setImmediate(() => session.destroy());
  }

  private scheduleKeepalive(): void {
    if (this.policy.keepaliveTimeMs >= MAX_TIMER_MS) return;
    this.keepaliveTimer = setTimeout(this.sendKeepalive, this.policy.keepaliveTimeMs);
  }

  private readonly sendKeepalive = (): void => {
    this.keepaliveTimer = undefined;
    const session = this.session;
    if (session.closed || session.destroyed) return;
    this.keepaliveAckTimer = setTimeout(() => {
      // No ack in time: the peer or the path to it is gone. Free the connection.
      session.destroy(new Error('keepalive ping not acknowledged in time'));
    }, this.policy.keepaliveTimeoutMs);
    const sent = session.ping((error) => {
      if (this.keepaliveAckTimer !== undefined) clearTimeout(this.keepaliveAckTimer);
      this.keepaliveAckTimer = undefined;
      if (error === null) this.scheduleKeepalive();
    });
    if (!sent) {
      clearTimeout(this.keepaliveAckTimer);
      this.keepaliveAckTimer = undefined;
      this.scheduleKeepalive();
    }
  };

  private stopKeepalive(): void {
    if (this.keepaliveTimer !== undefined) clearTimeout(this.keepaliveTimer);
    if (this.keepaliveAckTimer !== undefined) clearTimeout(this.keepaliveAckTimer);
    this.keepaliveTimer = this.keepaliveAckTimer = undefined;
  }

  private armIdleTimer(delayMs: number): void {
    if (this.policy.maxConnectionIdleMs >= MAX_TIMER_MS || this.goingAway) return;
    this.idleTimer = setTimeout(this.onIdleTimer, delayMs);
  }

  /** Max connection idle: GOAWAY once no call was open for the whole period, else look again. */
  private readonly onIdleTimer = (): void => {
    this.idleTimer = undefined;
    const maxIdleMs = this.policy.maxConnectionIdleMs;
    const idleForMs = Date.now() - this.idleSince;
    if (this.calls.size > 0) this.armIdleTimer(maxIdleMs);
    else if (idleForMs < maxIdleMs) this.armIdleTimer(maxIdleMs - idleForMs);
    else this.goAway(this.policy.keepaliveTimeoutMs, 'max connection idle');
  };

  private readonly onMaxAge = (): void => {
    this.ageTimer = undefined;
    this.goAway(this.policy.keepaliveTimeoutMs, 'max connection age');
    if (this.policy.maxConnectionAgeGraceMs < MAX_TIMER_MS) {
      this.graceTimer = setTimeout(() => {
        this.graceTimer = undefined;
        this.session.destroy();
      }, this.policy.maxConnectionAgeGraceMs);
    }
  };
}
