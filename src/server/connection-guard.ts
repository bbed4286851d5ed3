// What node:http2 (nghttp2 1.61) leaves undone against abusive connections, added per connection
// (RFC 9113 §10.5 "Denial-of-Service Considerations"):
//   - rapid reset (CVE-2023-44487): a peer resetting more than `maxResetsPerSecond` streams within
//     a second is sent GOAWAY ENHANCE_YOUR_CALM "too_many_resets" and disconnected. nghttp2 has a
//     reset limit of its own (a burst of 1000), but it only sends GOAWAY INTERNAL_ERROR and then
//     keeps the socket open for as long as the attacker likes;
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

/** Watches one connection; returns the function that stops watching (call it on 'close'). */
export function guardConnection(
  session: Http2Session,
  policy: ConnectionGuardPolicy,
  logger: GoAwayLogger,
  peer: string,
): () => void {
  let resetsThisSecond = 0;
  let windowStart = Date.now();
  let requestsSinceCheck = 0;
  let bytesReadAtCheck = bytesRead(session);
  let ackTimer: NodeJS.Timeout | undefined;
  let cut = false;
  let probedWhileQuiet = false;

  const cutOff = (code: number, name: string, reason: string): void => {
    if (cut || session.destroyed) return;
    cut = true;
    logger.warn?.({ peer, code: name, reason }, `sent GOAWAY ${name} (${reason})`);
    if (!session.closed) session.goaway(code, 0, Buffer.from(reason));
    // Let the GOAWAY frame reach the socket, then drop the connection whatever the peer does.
    setImmediate(() => session.destroy());
  };

  const countReset = (stream: ServerHttp2Stream): void => {
    // The server ends its calls with trailers, never with a reset of its own (a stream it
    // refuses never reaches 'stream'), and closes a finished stream with NO_ERROR (0): any other
    // code is the peer's RST_STREAM, or the session being torn down, when counting is moot.
    if (stream.rstCode === undefined || stream.rstCode === 0) return;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      resetsThisSecond = 0;
    }
    resetsThisSecond++;
    if (resetsThisSecond > policy.maxResetsPerSecond) {
      cutOff(constants.NGHTTP2_ENHANCE_YOUR_CALM, 'ENHANCE_YOUR_CALM', 'too_many_resets');
    }
  };

  const onStream = (stream: ServerHttp2Stream): void => {
    requestsSinceCheck++;
    // HEADERS and RST_STREAM often arrive in one read: the stream may be closed already.
    if (stream.closed) countReset(stream);
    else stream.once('close', () => countReset(stream));
  };

  const answered = (): void => {
    clearTimeout(ackTimer);
    ackTimer = undefined;
    // The ack's own 17 bytes are not the peer sending something new.
    bytesReadAtCheck = bytesRead(session);
  };

  const probe = (): void => {
    ackTimer = setTimeout(() => {
      ackTimer = undefined;
      cutOff(constants.NGHTTP2_PROTOCOL_ERROR, 'PROTOCOL_ERROR', 'headers_timeout');
    }, policy.headersTimeoutMs / 2);
    try {
      // An error in the callback (the session went away) is followed by 'close': stop there.
      if (!session.ping((error) => error === null && answered())) answered();
    } catch {
      // Too many PINGs outstanding already: the timer decides.
    }
  };

  const check = (): void => {
    if (ackTimer !== undefined || session.destroyed) return;
    const read = bytesRead(session);
    const moved = read !== bytesReadAtCheck;
    const active = requestsSinceCheck > 0;
    bytesReadAtCheck = read;
    requestsSinceCheck = 0;
    if (active) {
      probedWhileQuiet = false;
    } else if (moved) {
      // Bytes came but no request: headers in progress, an upload, or frames nghttp2 refused.
      probedWhileQuiet = false;
      probe();
    } else if (!probedWhileQuiet) {
      // Quiet: once per quiet spell, since a session nghttp2 terminated stops reading the socket
      // and so never sees even the peer's FIN; a live one answers, then is left alone.
      probedWhileQuiet = true;
      probe();
    }
  };

  const checkTimer = setInterval(check, policy.headersTimeoutMs / 2);
  checkTimer.unref();
  session.on('stream', onStream);
  return () => {
    clearInterval(checkTimer);
    clearTimeout(ackTimer);
    session.off('stream', onStream);
  };
}

/** Bytes read from the connection's socket so far (0 once it is gone). */
function bytesRead(session: Http2Session): number {
  return session.socket?.bytesRead ?? 0;
}
