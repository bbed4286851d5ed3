// What node:http2 (nghttp2 1.61) leaves undone against abusive connections, added per connection
// (RFC 9113 §10.5 "Denial-of-Service Considerations"):
//   - rapid reset (CVE-2023-44487): a peer resetting more than `maxResetsPerSecond` streams within
//     a second on one connection is sent GOAWAY ENHANCE_YOUR_CALM "too_many_resets" and
//     disconnected. Its address is then on probation for a second (renewed by every further cut):
//     a connection from it is cut at its first reset, so an attacker who reconnects at once is not
//     served another full budget of calls, while clients that never went past the limit (many
//     connections behind one proxy, each cancelling a little) are never counted together.
//     nghttp2 has a reset limit of its own (a burst of 1000, then 33 a second), but it only sends
//     GOAWAY INTERNAL_ERROR and then keeps the socket open for as long as the attacker likes;
//   - stalled peers: a connection that sent bytes but completed no request in half of
//     `headersTimeoutMs` may be stuck in a header block that never ends (HEADERS without
//     END_HEADERS, then nothing:
//     RFC 9113 §6.10 forbids any other frame meanwhile) or be one nghttp2 has given up on (after
//     its own GOAWAY: a COMPRESSION_ERROR, its reset limit) while the peer keeps it open. Either
//     way a PING goes unanswered: no ack within the other half and the connection is closed.
//     A session nghttp2 terminated also stops reading its socket, so it would not even see the
//     peer's FIN: a connection gone quiet gets one PING too. A healthy connection answers (one
//     PING per quiet spell, one per check while it only uploads) and is left alone.
// What nghttp2 does well by itself is left to it: CONTINUATION floods (GOAWAY after 8 frames of
// one header block), SETTINGS and PING floods (GOAWAY once acks pile up), header lists above
// SETTINGS_MAX_HEADER_LIST_SIZE or 128 fields (RST_STREAM), streams past
// SETTINGS_MAX_CONCURRENT_STREAMS (RST_STREAM REFUSED_STREAM); docs/limits.md lists them all.

import { constants, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { GoAwayLogger } from './keepalive.js';

export interface ConnectionGuardPolicy {
  /** Streams a peer may reset per connection per second before it is cut off. Default 200. */
  maxResetsPerSecond: number;
  /** How long a connection may sit in the middle of a request's headers. Default 20 s. */
  headersTimeoutMs: number;
}

/** How long an address that was cut off for resets stays on probation. */
const PROBATION_MS = 1000;

/**
 * The client addresses recently cut off for too many resets, each with the time its probation
 * ends. One per Server, shared by all its connections.
 */
export class ResetProbation {
  private readonly until = new Map<string, number>();
  private prunedAt = 0;

  /** True while `address` is on probation: its connections are cut at their first reset. */
  holds(address: string, now: number): boolean {
    const until = this.until.get(address);
    return until !== undefined && now < until;
  }

  /** `address` was just cut off: on probation for the next second. */
  put(address: string, now: number): void {
    // A flood of addresses costs one sweep a second, not one per cut.
    if (this.until.size >= 1024 && now - this.prunedAt >= PROBATION_MS) {
      this.prunedAt = now;
      for (const [seen, until] of this.until) if (until <= now) this.until.delete(seen);
    }
    this.until.set(address, now + PROBATION_MS);
  }
}

/** Watches one connection (stop it with dispose() on the session's 'close'). */
export function guardConnection(
  session: Http2Session,
  policy: ConnectionGuardPolicy,
  logger: GoAwayLogger,
  peer: string,
  address: string,
  probation: ResetProbation,
): ConnectionGuard {
  return new ConnectionGuard(session, policy, logger, peer, address, probation);
}

/**
 * The server tells the guard of each stream itself (Server.onStream, the call's 'aborted' and
 * 'close'), reading and bumping the two public fields inline, so a well-behaved call runs no guard
 * function at all: the guard stays off the road of one call (scripts/call-road.ts).
 */
export class ConnectionGuard {
  private resetsThisSecond = 0;
  private windowStart = Date.now();
  /** Streams opened since the last check; Server.onStream counts them. */
  requestsSinceCheck = 0;
  private bytesReadAtCheck: number;
  private ackTimer: NodeJS.Timeout | undefined;
  /** True once the connection was cut off: Server.onStream refuses the streams still arriving. */
  cut = false;
  private probedWhileQuiet = false;
  private readonly checkTimer: NodeJS.Timeout;

  constructor(
    private readonly session: Http2Session,
    private readonly policy: ConnectionGuardPolicy,
    private readonly logger: GoAwayLogger,
    private readonly peer: string,
    /** The client's IP address: what probation is kept by (a peer string also has the port). */
    private readonly address: string,
    private readonly probation: ResetProbation,
  ) {
    this.bytesReadAtCheck = bytesRead(session);
    this.checkTimer = setInterval(this.check, policy.headersTimeoutMs / 2);
    this.checkTimer.unref();
  }

  dispose(): void {
    clearInterval(this.checkTimer);
    clearTimeout(this.ackTimer);
  }

  private cutOff(code: number, name: string, reason: string): void {
    const session = this.session;
    if (this.cut || session.destroyed) return;
    this.cut = true;
    this.logger.warn?.({ peer: this.peer, code: name, reason }, `sent GOAWAY ${name} (${reason})`);
    if (!session.closed) session.goaway(code, 0, Buffer.from(reason));
    // Let the GOAWAY frame reach the socket, then drop the connection whatever the peer does.
    setImmediate(() => session.destroy());
  }

  /** A stream that arrived after the cut: nghttp2 hands over the rest of the read it is in. */
  refuse(stream: ServerHttp2Stream): void {
    stream.close(constants.NGHTTP2_REFUSED_STREAM);
  }

  /** A stream closed or aborted: counted when the peer reset it. */
  countReset(stream: ServerHttp2Stream): void {
    // The server ends its calls with trailers, never with a reset of its own (a stream it
    // refuses never reaches 'stream'), and closes a finished stream with NO_ERROR (0): any other
    // code is the peer's RST_STREAM, or the session being torn down, when counting is moot.
    if (stream.rstCode === undefined || stream.rstCode === 0) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.resetsThisSecond = 0;
    }
    this.resetsThisSecond++;
    if (
      this.resetsThisSecond > this.policy.maxResetsPerSecond ||
      this.probation.holds(this.address, now)
    ) {
      this.probation.put(this.address, now);
      this.cutOff(constants.NGHTTP2_ENHANCE_YOUR_CALM, 'ENHANCE_YOUR_CALM', 'too_many_resets');
    }
  }

  private readonly check = (): void => {
    if (this.ackTimer !== undefined || this.session.destroyed) return;
    const read = bytesRead(this.session);
    const moved = read !== this.bytesReadAtCheck;
    const active = this.requestsSinceCheck > 0;
    this.bytesReadAtCheck = read;
    this.requestsSinceCheck = 0;
    if (active) {
      this.probedWhileQuiet = false;
    } else if (moved) {
      // Bytes came but no request: headers in progress, an upload, or frames nghttp2 refused.
      this.probedWhileQuiet = false;
      this.probe();
    } else if (!this.probedWhileQuiet) {
      // Quiet: once per quiet spell, since a session nghttp2 terminated stops reading the socket
      // and so never sees even the peer's FIN; a live one answers, then is left alone.
      this.probedWhileQuiet = true;
      this.probe();
    }
  };

  private probe(): void {
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      this.cutOff(constants.NGHTTP2_PROTOCOL_ERROR, 'PROTOCOL_ERROR', 'headers_timeout');
    }, this.policy.headersTimeoutMs / 2);
    try {
      // An error in the callback (the session went away) is followed by 'close': stop there.
      if (!this.session.ping((error) => error === null && this.answered())) this.answered();
    } catch {
      // Too many PINGs outstanding already: the timer decides.
    }
  }

  private answered(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    // The ack's own 17 bytes are not the peer sending something new.
    this.bytesReadAtCheck = bytesRead(this.session);
  }
}

/** Bytes read from the connection's socket so far (0 once it is gone). */
function bytesRead(session: Http2Session): number {
  return session.socket?.bytesRead ?? 0;
}
