// Benchmark helper: keeps N unary calls in flight for S seconds (after a warm-up) and prints
// calls/s and the p50/p99 latency in µs as one `RESULT {json}` line.

/**
 * `callOnce()` returns a promise per call. Every finished call starts the next, so exactly
 * `inflight` calls are outstanding until the time is up.
 */
export async function closedLoop(callOnce, seconds, inflight, warmupSeconds = 2) {
  const warmupEnd = performance.now() + warmupSeconds * 1000;
  const end = warmupEnd + seconds * 1000;
  const latencies = [];
  let calls = 0;
  let measuring = false;
  let measureStart = 0;
  const worker = async () => {
    for (;;) {
      const started = performance.now();
      if (started >= end) return;
      if (!measuring && started >= warmupEnd) {
        measuring = true;
        measureStart = started;
      }
      await callOnce();
      const finished = performance.now();
      if (started >= warmupEnd && finished <= end) {
        calls++;
        latencies.push((finished - started) * 1000);
      }
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  latencies.sort((a, b) => a - b);
  const at = (p) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
  const elapsed = (end - measureStart) / 1000;
  process.stdout.write(
    `RESULT ${JSON.stringify({ callsPerSecond: calls / elapsed, p50: at(0.5), p99: at(0.99) })}\n`,
  );
}

/** `PORT SECONDS INFLIGHT` from the command line. */
export function loopArgs() {
  const [port, seconds, inflight] = process.argv.slice(2).map(Number);
  if (!(port > 0 && seconds > 0 && inflight > 0)) {
    console.error('usage: node <client>.mjs PORT SECONDS INFLIGHT');
    process.exit(2);
  }
  return { port, seconds, inflight };
}
