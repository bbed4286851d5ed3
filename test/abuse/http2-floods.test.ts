// HTTP/2 attacks of the last years against a running `handwire serve`, each on its own connections
// while well-behaved clients call health Check on theirs (RFC 9113 §10.5 "Denial-of-Service
// Considerations"). Each attack runs for a bounded time, reconnecting whenever it is cut off; the
// test reports the server's CPU and RSS cost and the victims' p99 next to their unloaded p99.
// The victims' bound is 3× their p99 measured just before the attack, plus VICTIM_MARGIN_MS: this
// runs on a shared 2-core machine beside the attacker itself, where scheduling noise is normal.
// On a machine loaded past twice its cores (other test files, other jobs) the server does not get
// the CPU it asks for and latencies measure the scheduler, so the bound is then reported, not
// asserted; the cut-offs, the failures and the leak checks are asserted always. An attack may name
// a known gap in its bound (`victimBoundGap`): that bound is then a tap todo, reported but not
// failing the run. None does today (docs/abuse.md).

import { availableParallelism, loadavg } from 'node:os';
import t from 'tap';
import { type ServeProcess, startServe } from '../helpers/serve-process.js';
import type { AttackReport } from './support/attack-loop.js';
import { startAttacker } from './support/attacker-process.js';
import { type Attack, attacks, STUCK_CLOSE_MS } from './support/http2-attacks.js';
import { canMeasure, usageDelta, usageOf } from './support/server-usage.js';
import { runVictims, type VictimReport } from './support/victims.js';

const VICTIM_MARGIN_MS = 25;
const WINDOW_MS = 1000;

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
    const attacker = await startAttacker();
    t.teardown(() => attacker.stop());
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
          attacker.run(attack.name, serve.address, WINDOW_MS),
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
