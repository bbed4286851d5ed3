// Client keepalive: PING a session every keepaliveTimeMs, close it when no ack comes within
// keepaliveTimeoutMs; on GOAWAY ENHANCE_YOUR_CALM "too_many_pings" double the interval
// (grpc doc/keepalive.md; gRFC A8 "Client-side Keepalive").

import http2 from 'node:http2';
import type { Connection } from './subchannel.js';

export interface KeepaliveSettings {
  /** grpc.keepalive_time_ms; Infinity turns keepalive off. Doubled on too_many_pings. */
  timeMs: number;
  /** grpc.keepalive_timeout_ms. */
  readonly timeoutMs: number;
  /** grpc.keepalive_permit_without_calls: ping even while no call is open. */
  readonly permitWithoutCalls: boolean;
}

/** The debug data grpc servers put in the GOAWAY that tells a client it pings too often. */
const TOO_MANY_PINGS = 'too_many_pings';

/**
 * Keeps one session alive, or finds it dead: every `settings.timeMs` it sends a PING (only while
 * calls are open, unless `permitWithoutCalls`) and destroys the session if the ack does not come
 * within `timeoutMs`, so calls on it fail UNAVAILABLE rather than hang on a dead peer. The timers
 * are unref'd: keepalive never holds a process open, and stops when the session closes.
 */
export function startKeepalive(connection: Connection, settings: KeepaliveSettings): void {
  const { session } = connection;
  session.once('goaway', (errorCode: number, _lastStreamId: number, opaqueData?: Buffer) => {
    if (
      errorCode === http2.constants.NGHTTP2_ENHANCE_YOUR_CALM &&
      opaqueData?.toString('latin1') === TOO_MANY_PINGS
    ) {
      // gRFC A8: "double the keepalive time", for this channel's later sessions too.
      settings.timeMs = Math.min(settings.timeMs * 2, 2 ** 31 - 1);
    }
  });
  if (!Number.isFinite(settings.timeMs)) return;
  let pingTimer: NodeJS.Timeout | undefined;
  let ackTimer: NodeJS.Timeout | undefined;
  const schedule = () => {
    pingTimer = setTimeout(ping, settings.timeMs);
    pingTimer.unref();
  };
  const ping = () => {
    if (session.closed || session.destroyed) return;
    if (connection.activeStreams === 0 && !settings.permitWithoutCalls) return schedule();
    ackTimer = setTimeout(() => {
      session.destroy(
        new Error(
          `no PING ack within keepaliveTimeoutMs (${settings.timeoutMs} ms): the peer is gone`,
        ),
      );
    }, settings.timeoutMs);
    ackTimer.unref();
    try {
      session.ping((error) => {
        clearTimeout(ackTimer);
        if (error === null) schedule();
      });
    } catch {
      // Too many pings outstanding or the session is closing: the next round tries again.
      clearTimeout(ackTimer);
      schedule();
    }
  };
  schedule();
  session.once('close', () => {
    clearTimeout(pingTimer);
    clearTimeout(ackTimer);
  });
}
