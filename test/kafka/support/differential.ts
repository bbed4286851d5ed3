// The differential harness: one client scenario, run against Apache Kafka and against handwire's
// embedded broker, and what the clients observed compared (t.same). Nothing is expected twice: the
// Apache Kafka outcome is the expectation. What legitimately differs between two runs is
// normalised first: the unique suffix of topic and group names, and fields named for timestamps,
// member ids and cluster ids. An optional `check` asserts the scenario's own invariants on the
// Apache Kafka outcome (so a scenario that observes nothing cannot pass by comparing two nothings).

import type { Test } from 'tap';
import { apacheKafkaSkip, ensureApacheKafka } from './apache-kafka.js';
import { handwireKafkaMissing, startHandwireKafka } from './handwire-kafka.js';

export type BrokerName = 'apache-kafka' | 'handwire';

export interface ScenarioContext {
  readonly broker: BrokerName;
  readonly bootstrap: string;
  /** A topic name unique to this run, normalised back to `name` before comparing. */
  topic(name: string): string;
  /** A consumer group id unique to this run, normalised back to `name`. */
  group(name: string): string;
}

export type Scenario<T> = (context: ScenarioContext) => Promise<T>;

/** Fields whose values differ between any two runs, dropped before comparing. */
const VOLATILE_FIELDS = new Set([
  'timestamp',
  'ts',
  'memberId',
  'member_id',
  'clusterId',
  'cluster_id',
  'producerId',
  'generationId',
]);

let runs = 0;
const RUN_ID = `${process.pid.toString(36)}${Date.now().toString(36)}`;

/** `value` with unique names mapped back to logical ones and volatile fields dropped. */
export function normalise(value: unknown, suffix: string): unknown {
  if (typeof value === 'string') return value.split(suffix).join('');
  if (Array.isArray(value)) return value.map((v) => normalise(v, suffix));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!VOLATILE_FIELDS.has(k)) out[normalise(k, suffix) as string] = normalise(v, suffix);
    }
    return out;
  }
  return value;
}

async function runOn<T>(broker: BrokerName, bootstrap: string, scenario: Scenario<T>) {
  const suffix = `.${RUN_ID}-${++runs}`;
  const context: ScenarioContext = {
    broker,
    bootstrap,
    topic: (name) => `${name}${suffix}`,
    group: (name) => `${name}${suffix}`,
  };
  return normalise(await scenario(context), suffix) as T;
}

/** runOn, with how long the scenario took on that broker as a comment (the brokers' pace differs). */
async function timed<T>(t: Test, broker: BrokerName, bootstrap: string, scenario: Scenario<T>) {
  const started = performance.now();
  const outcome = await runOn(broker, bootstrap, scenario);
  t.comment(`${broker}: ${Math.round(performance.now() - started)} ms`);
  return outcome;
}

function ciOrSkip(t: Test, reason: string): void {
  if (process.env.CI === 'true') t.fail(`cannot run in CI: ${reason}`);
  else t.pass(reason, { skip: reason });
}

/**
 * Runs `scenario` on Apache Kafka and on handwire's broker as a subtest named `name`, and asserts
 * both outcomes are the same. A side that cannot run is skipped locally and fails in CI.
 */
export function forBothBrokers<T>(
  t: Test,
  name: string,
  scenario: Scenario<T>,
  check?: (t: Test, outcome: T) => void,
): Promise<void> {
  return t.test(name, async (t) => {
    let reference: T | undefined;
    const skip = apacheKafkaSkip();
    if (skip !== false) {
      t.pass(`Apache Kafka side: ${skip}`, { skip: skip });
    } else {
      reference = await timed(t, 'apache-kafka', await ensureApacheKafka(), scenario);
      check?.(t, reference);
    }

    // KAFKA_DIFFERENTIAL_SELF_CHECK=1 runs the second side on Apache Kafka too: a scenario whose
    // two Apache Kafka outcomes differ is not deterministic enough to judge handwire by.
    const selfCheck = process.env.KAFKA_DIFFERENTIAL_SELF_CHECK === '1' && reference !== undefined;
    const missing = selfCheck ? undefined : await handwireKafkaMissing();
    if (missing !== undefined) {
      ciOrSkip(t, `handwire side not available yet: ${missing}`);
      return;
    }
    const broker = selfCheck
      ? { bootstrap: await ensureApacheKafka(), close: async () => {} }
      : await startHandwireKafka();
    let observed: T;
    try {
      observed = await timed(
        t,
        selfCheck ? 'apache-kafka' : 'handwire',
        broker.bootstrap,
        scenario,
      );
    } finally {
      await broker.close();
    }
    if (reference === undefined) {
      check?.(t, observed);
      return;
    }
    t.same(
      observed,
      reference,
      selfCheck
        ? 'self-check: two runs on Apache Kafka observe the same'
        : 'clients observe on handwire what they observe on Apache Kafka',
    );
  }) as unknown as Promise<void>;
}
