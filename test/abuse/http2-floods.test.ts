// HTTP/2 attacks of the last years against a running `handwire serve`, each on its own connections
// while well-behaved clients call health Check on theirs (RFC 9113 §10.5 "Denial-of-Service
// Considerations"). Each attack runs for a bounded time, reconnecting whenever it is cut off; the
// test reports the server's CPU and RSS cost and the victims' p99 next to their unloaded p99.
// The victims' bound is 3× their p99 measured just before the attack, plus VICTIM_MARGIN_MS: this
// runs on a shared 2-core machine beside the attacker itself, where scheduling noise is normal.
// On a machine loaded past twice its cores (other test files, other jobs) the server does not get
// the CPU it asks for and latencies measure the scheduler, so the bound is then reported, not
// asserted; the cut-offs, the failures and the leak checks are asserted always. For rapid reset
// and for 1000 open streams the bound is a known gap (docs/abuse.md): a tap todo, reported but not
// failing the run.

import { availableParallelism, loadavg } from 'node:os';
import t, { type Test } from 'tap';
import {
  continuationFrame,
  Flag,
  FrameType,
  grpcRequestHeaders,
  headersFrame,
  hpackBlock,
  pingFrame,
  type RawH2Connection,
  rstStreamFrame,
  settingsFrame,
} from '../helpers/h2-frames.js';
import { type ServeProcess, startServe } from '../helpers/serve-process.js';
import { type AttackOptions, type AttackReport, attackFor, flood } from './support/attack-loop.js';
import { canMeasure, usageDelta, usageOf } from './support/server-usage.js';
import { runVictims, type VictimReport } from './support/victims.js';

const VICTIM_MARGIN_MS = 25;
const WINDOW_MS = 1000;
const CHECK = '/grpc.health.v1.Health/Check';
const WATCH = '/grpc.health.v1.Health/Watch';
const CHECK_HEADERS = grpcRequestHeaders(CHECK);
const WATCH_HEADERS = grpcRequestHeaders(WATCH);
/** What `handwire serve --headers-timeout 1` takes at most to close a stuck connection. */
const STUCK_CLOSE_MS = 2500;

interface Attack {
  name: string;
  /** The CVE or rule the attack is about. */
  about: string;
  run(connection: RawH2Connection): Promise<unknown>;
  options?: AttackOptions;
  expect(t: Test, report: AttackReport): void;
  /** Why the victims' bound is a known gap for this attack (then reported as a todo). */
  victimBoundGap?: string;
}

/** Cut off with one of `codes`: every connection got a GOAWAY and was closed by the server. */
function cutOffWith(t: Test, report: AttackReport, codes: string[]): void {
  t.equal(report.cutOff, report.connections, 'the server closed every attacking connection');
  const seen = Object.keys(report.goaways);
  t.ok(
    seen.length > 0 && seen.every((code) => codes.includes(code)),
    `GOAWAY ${seen.join(', ')} is one of ${codes.join(', ')}`,
  );
}

const attacks: Attack[] = [
  {
    name: 'rapid reset',
    about: 'CVE-2023-44487: HEADERS then RST_STREAM, as fast as the socket takes them',
    run: (connection) =>
      flood(connection, 5000, (i) =>
        Buffer.concat([headersFrame(2 * i + 1, CHECK_HEADERS), rstStreamFrame(2 * i + 1)]),
      ),
    expect: (t, report) => {
      cutOffWith(t, report, ['ENHANCE_YOUR_CALM']);
    },
    victimBoundGap:
      'each attacking connection still gets its 200 allowed resets served as calls, then reconnects; not met in any run so far (docs/abuse.md)',
  },
  {
    name: 'CONTINUATION flood',
    about:
      'CVE-2024-27316 family (nghttp2 CVE-2024-28182, Node CVE-2024-27983): a header block that never ends',
    run: async (connection) => {
      connection.write(headersFrame(1, grpcRequestHeaders(CHECK), 0));
      return flood(connection, 20_000, (i) => continuationFrame(1, hpackBlock([[`x-${i}`, 'v']])));
    },
    expect: (t, report) =>
      cutOffWith(t, report, ['INTERNAL_ERROR', 'PROTOCOL_ERROR', 'ENHANCE_YOUR_CALM']),
  },
  {
    name: 'SETTINGS flood',
    about: 'CVE-2019-9515: SETTINGS frames whose ACKs pile up',
    run: (connection) => flood(connection, 20_000, () => settingsFrame([[0x4, 65_535]])),
    // nghttp2 answers the flood with INTERNAL_ERROR; a connection whose flood nghttp2 stopped
    // reading mid-way is closed by the connection guard's probe instead (PROTOCOL_ERROR
    // headers_timeout: this file runs serve with --headers-timeout 1), which a clean-clone run saw.
    expect: (t, report) =>
      cutOffWith(t, report, ['INTERNAL_ERROR', 'ENHANCE_YOUR_CALM', 'PROTOCOL_ERROR']),
  },
  {
    name: 'PING flood',
    about: 'CVE-2019-9512: PINGs whose ACKs pile up; grpc-go answers too_many_pings',
    run: (connection) => flood(connection, 20_000, () => pingFrame()),
    expect: (t, report) => cutOffWith(t, report, ['ENHANCE_YOUR_CALM', 'INTERNAL_ERROR']),
  },
  {
    name: 'oversized header block',
    about: 'RFC 9113 §10.5.1 and RFC 7541 §7.4: one 70 KB header field, above any limit',
    run: async (connection) => {
      const block = grpcRequestHeaders(CHECK, [['x-big', 'a'.repeat(70_000)]]);
      const pieces: Buffer[] = [];
      for (let at = 0; at < block.length; at += 16_384)
        pieces.push(block.subarray(at, at + 16_384));
      connection.write(
        headersFrame(1, pieces[0]!, Flag.END_STREAM),
        ...pieces.slice(1).map((piece, i) => continuationFrame(1, piece, i === pieces.length - 2)),
      );
    },
    options: { closeWithinMs: STUCK_CLOSE_MS },
    expect: (t, report) => cutOffWith(t, report, ['COMPRESSION_ERROR', 'PROTOCOL_ERROR']),
  },
  {
    name: 'too many header fields',
    about: 'RFC 9113 §10.5.1: 300 fields, above the 128 the server takes (Node maxHeaderListPairs)',
    run: async (connection) => {
      const fields: [string, string][] = [];
      for (let i = 0; i < 300; i++) fields.push([`x-field-${i}`, 'v']);
      connection.write(
        headersFrame(1, grpcRequestHeaders(CHECK, fields), Flag.END_HEADERS | Flag.END_STREAM),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      connection.destroy();
    },
    options: { maxConnections: 50, closeWithinMs: 100 },
    expect: (t, report) => {
      const reset = (report.resets.ENHANCE_YOUR_CALM ?? 0) + (report.resets.PROTOCOL_ERROR ?? 0);
      t.equal(reset, report.connections, 'each request was answered with RST_STREAM');
    },
  },
  {
    name: 'more streams than SETTINGS_MAX_CONCURRENT_STREAMS',
    about: 'RFC 9113 §5.1.2: 1100 open Watch streams on a connection that allows 1000',
    run: async (connection) => {
      await flood(connection, 1100, (i) => headersFrame(2 * i + 1, WATCH_HEADERS));
      const refused = () =>
        connection.frames.filter((frame) => frame.type === FrameType.RST_STREAM);
      const deadline = Date.now() + 3000;
      while (refused().length < 100 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      connection.destroy();
    },
    options: { maxConnections: 2, closeWithinMs: 100 },
    victimBoundGap:
      'the 1000 allowed Watch calls of one connection start in one burst and the victims wait behind them; met in one run of five (docs/abuse.md)',
    expect: (t, report) => {
      t.equal(
        report.resets.REFUSED_STREAM,
        100 * report.connections,
        'the 100 streams above 1000 were refused',
      );
    },
  },
];

function figures(
  attack: Attack,
  report: AttackReport,
  victims: VictimReport,
  baseline: VictimReport,
  cost: ReturnType<typeof usageDelta>,
  quietCpuMs: number,
): string {
  return [
    `${attack.name} (${attack.about})`,
    `  attacker: ${report.connections} connections, ${report.cutOff} cut off, GOAWAY ${JSON.stringify(report.goaways)}, RST_STREAM ${JSON.stringify(report.resets)}`,
    `  server: ${cost.cpuMs.toFixed(0)} ms CPU in the window (victims alone, the window before: ${quietCpuMs.toFixed(0)} ms), RSS ${cost.rssMb >= 0 ? '+' : ''}${cost.rssMb.toFixed(1)} MB`,
    `  victims: ${victims.calls} calls, ${victims.failures} failed, p50 ${victims.p50Ms.toFixed(2)} ms, p99 ${victims.p99Ms.toFixed(2)} ms (the window before ${baseline.p99Ms.toFixed(2)} ms: ${(victims.p99Ms / baseline.p99Ms).toFixed(2)}×)`,
  ].join('\n');
}

/** True when the machine runs more than twice as many tasks as it has cores (see the top). */
function overloaded(): boolean {
  return loadavg()[0]! > 2 * availableParallelism();
}

t.test(
  'HTTP/2 floods against handwire serve',
  { skip: !canMeasure() && 'needs Linux /proc' },
  async (t) => {
    t.setTimeout(90_000);
    const serve: ServeProcess = await startServe(['--no-kafka', '--headers-timeout', '1']);
    t.teardown(() => serve.stop('SIGKILL'));
    const pid = serve.child.pid!;
    await runVictims(serve.address, { durationMs: 300 }); // warm up the JIT on both sides
    // The warm-up's connections close on the server a moment after the client drops them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const idleSockets = usageOf(pid).sockets;

    for (const attack of attacks) {
      await t.test(attack.name, async (t) => {
        const quiet = usageOf(pid);
        const baseline = await runVictims(serve.address, { durationMs: WINDOW_MS });
        const start = usageOf(pid);
        const [report, victims] = await Promise.all([
          attackFor(serve.address, attack.run, { durationMs: WINDOW_MS, ...attack.options }),
          runVictims(serve.address, { durationMs: WINDOW_MS }),
        ]);
        const cost = usageDelta(start, usageOf(pid));
        t.comment(figures(attack, report, victims, baseline, cost, usageDelta(quiet, start).cpuMs));
        attack.expect(t, report);
        t.equal(victims.failures, 0, 'no victim call failed');
        const bound = 3 * baseline.p99Ms + VICTIM_MARGIN_MS;
        const verdict = `victims' p99 ${victims.p99Ms.toFixed(2)} ms within 3× the unloaded ${baseline.p99Ms.toFixed(2)} ms (+${VICTIM_MARGIN_MS} ms margin)`;
        if (overloaded())
          t.comment(
            `load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores: not asserted: ${verdict}: ${victims.p99Ms <= bound}`,
          );
        else if (attack.victimBoundGap !== undefined)
          t.ok(victims.p99Ms <= bound, verdict, { todo: attack.victimBoundGap });
        else t.ok(victims.p99Ms <= bound, verdict);
      });
    }

    // Nothing the attackers opened is left behind: the server holds the sockets it held before.
    const deadline = Date.now() + STUCK_CLOSE_MS;
    while (usageOf(pid).sockets > idleSockets && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.ok(
      usageOf(pid).sockets <= idleSockets,
      `no connection left open after the attacks (${usageOf(pid).sockets} sockets, ${idleSockets} before)`,
    );
    const after = await runVictims(serve.address, { durationMs: 200 });
    t.ok(after.calls > 0 && after.failures === 0, 'health checks still answered');
  },
);
