// An open-loop latency probe: unary user.UserService/GetUser calls sent at a fixed rate over one
// HTTP/2 connection (raw node:http2, no gRPC library in the way), each call's latency counted from
// the moment it was due, not from when it was sent. A server that stalls for 200 ms therefore
// shows 200 ms of late calls at the probe's rate, instead of the single slow call a closed loop
// (one call after another) would record.

import http2 from 'node:http2';
import net from 'node:net';
import { encodeMessage } from '../../src/wire/codec.js';
import { frameBytes } from '../../src/wire/framing.js';
import { GetUserRequestCodec } from '../../src/wire/messages/user.js';

export interface ProbeSample {
  /** When the call was due, ms on the monotonic clock (`nowMs`). */
  dueMs: number;
  /** From due to the end of the response, ms. */
  latencyMs: number;
}

/** Milliseconds on the monotonic clock. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Calls waiting for an answer at most; later ones wait their turn (and count the wait). */
const MAX_OUTSTANDING = 64;

export class GetUserProbe {
  private readonly session: http2.ClientHttp2Session;
  private readonly body: Buffer;
  private readonly samples: ProbeSample[] = [];
  private readonly failures: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private outstanding = 0;
  private idle: (() => void) | undefined;

  constructor(
    address: string,
    userId: string,
    private readonly perSecond: number,
  ) {
    // TCP_NODELAY: a call is two small writes (HEADERS, then DATA); with Nagle's algorithm on, the
    // second waits for the server's delayed ACK of the first, tens of milliseconds.
    const [host, port] = [
      address.slice(0, address.lastIndexOf(':')),
      address.slice(address.lastIndexOf(':') + 1),
    ];
    this.session = http2.connect(`http://${address}`, {
      createConnection: () => net.connect({ host, port: Number(port), noDelay: true }),
    });
    this.session.on('error', (error) => this.failures.push(error.message));
    this.body = frameBytes(encodeMessage(GetUserRequestCodec, { id: userId }), false);
  }

  /** Calls at the probe's rate from now until `stop`. */
  start(): void {
    const started = nowMs();
    const interval = 1000 / this.perSecond;
    let sent = 0;
    const tick = () => {
      // Call i is due at started + i × interval: calls 0 to `due` - 1 are due by now.
      const due = Math.floor((nowMs() - started) / interval) + 1;
      while (sent < due && this.outstanding < MAX_OUTSTANDING) {
        this.call(started + sent * interval);
        sent++;
      }
      this.timer = setTimeout(tick, 1);
    };
    tick();
  }

  /** Stops sending, waits (10 s at most) for the calls out, and returns every sample. */
  async stop(): Promise<ProbeSample[]> {
    clearTimeout(this.timer);
    if (this.outstanding > 0) {
      await new Promise<void>((resolve) => {
        const limit = setTimeout(resolve, 10_000);
        this.idle = () => {
          clearTimeout(limit);
          resolve();
        };
      });
    }
    this.session.close();
    if (this.failures.length > 0) {
      throw new Error(
        `${this.failures.length} GetUser calls failed, e.g.: ${this.failures.slice(0, 3).join('; ')}`,
      );
    }
    return this.samples;
  }

  private call(dueMs: number): void {
    this.outstanding++;
    const stream = this.session.request({
      ':method': 'POST',
      ':path': '/user.UserService/GetUser',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let status: string | undefined;
    stream.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
    });
    stream.on('trailers', (trailers) => {
      status = String(trailers['grpc-status']);
    });
    stream.on('data', () => {});
    stream.on('error', (error) => this.failures.push(error.message));
    stream.on('close', () => {
      if (status === '0') this.samples.push({ dueMs, latencyMs: nowMs() - dueMs });
      else this.failures.push(`grpc-status ${status}`);
      this.outstanding--;
      if (this.outstanding === 0) this.idle?.();
    });
    stream.end(this.body);
  }
}

/** The value below which `p` (0-1) of `values` fall (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
}
