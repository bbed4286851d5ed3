// Well-behaved clients measured while an attacker works on other connections: each of a few
// connections makes grpc.health.v1.Health/Check calls one after another, and every latency is kept
// for the p99 (the CVE-2023-44487 advisories judge an attack by what it does to such clients).

import http2 from 'node:http2';

export interface VictimReport {
  calls: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
}

/** An empty HealthCheckRequest (service "") with its 5-byte gRPC prefix. */
const EMPTY_CHECK = Buffer.alloc(5);

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** One Check on `session`: resolves with its latency in ms, or rejects unless grpc-status 0. */
function check(session: http2.ClientHttp2Session): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let status: string | undefined;
    const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), 5000);
    stream.on('response', (headers) => {
      status ??= headers['grpc-status'] as string | undefined;
    });
    stream.on('trailers', (trailers) => {
      status = trailers['grpc-status'] as string | undefined;
    });
    stream.on('error', () => {});
    stream.resume();
    stream.on('close', () => {
      clearTimeout(timer);
      if (status === '0') resolve(Number(process.hrtime.bigint() - started) / 1e6);
      else reject(new Error(`health check ended with grpc-status ${status}`));
    });
    stream.end(EMPTY_CHECK);
  });
}

/** Runs `connections` sequential callers for `durationMs` (at most `maxCalls` calls in all). */
export async function runVictims(
  address: string,
  { connections = 4, durationMs = 1500, maxCalls = 20_000 } = {},
): Promise<VictimReport> {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = Date.now() + durationMs;
  const callers = Array.from({ length: connections }, async () => {
    const session = http2.connect(`http://${address}`);
    session.on('error', () => {});
    try {
      while (Date.now() < deadline && latencies.length + failures < maxCalls) {
        try {
          latencies.push(await check(session));
        } catch {
          failures++;
          if (session.destroyed || session.closed) break;
        }
      }
    } finally {
      session.destroy();
    }
  });
  await Promise.all(callers);
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    failures,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}
