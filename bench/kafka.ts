// Kafka benchmark: handwire's embedded Kafka broker and a real Apache Kafka broker side by side in
// one run, measured with kcat (librdkafka), reported as ratios against issue #13's targets.
//
// Usage: npm run bench -- kafka [--records N] [--rounds R] [--probe-rate CALLS_PER_S] [--cpu-prof DIR]
// (defaults: 1,000,000 records, 5 rounds, 500 calls/s; about 3 minutes on 2 cores)
//
// 1. kcat consumes N records of 100-byte values (the topic figure 2 wrote), records/s.
// 2. kcat produces those N records from a file: idempotent, acks=all, records/s.
// 3. kcat consumes N offer events from handwire's "user-offers" (an offer event log filled in the
//    broker's process, bench/kafka/offer-broker.mjs); Apache Kafka has no such topic, so it serves
//    the very same records (key, JSON value, header, 500 to a batch as handwire batches them) from
//    an ordinary topic.
// 4. GetUser's p99 on `handwire serve`, idle and while kcat drains N records from the same
//    process's Kafka listener, with an open-loop probe (bench/kafka/grpc-probe.ts).
// kcat consumes with -X fetch.wait.max.ms=10 (bench/kafka/kcat-runs.ts says why). Apache Kafka is
// started by .ci/apache-kafka/start.sh in a folder of its own, with C2 (bench/kafka/apache-kafka.ts).
// Both brokers run for the whole benchmark (warmed up first); within each round they alternate,
// the order rotating; ratios are taken within a round, and every figure is the median of the
// rounds. kcat's own CPU time and the broker process's are measured too, to say which side bounds
// a figure. --cpu-prof DIR writes V8 profiles of handwire's processes there and prints their hot
// functions (profiling slows handwire: do not compare those figures).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApacheKafka, startApacheKafka } from './kafka/apache-kafka.js';
import { summariseProfile } from './kafka/cpu-profile.js';
import { GetUserProbe, nowMs, percentile } from './kafka/grpc-probe.js';
import {
  type KcatRun,
  kcatConsumeAll,
  kcatProduceFile,
  processCpuSeconds,
} from './kafka/kcat-runs.js';
import { fmt, median } from './lib/figures.js';
import { startServerProcess, stopServerProcess } from './lib/server-process.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const OFFER_BROKER = fileURLToPath(new URL('./kafka/offer-broker.mjs', import.meta.url));
const VALUE_BYTES = 100;
/** handwire's user-offers topic holds at most 500 events per record batch; Apache's copy too. */
const OFFER_BATCH_RECORDS = 500;
const TARGET_RATIO = 0.8;
/** Issue #13 asks that a big fetch never stall gRPC calls; "never" read as: p99 at most doubles. */
const STALL_LIMIT = 2;

interface Options {
  records: number;
  rounds: number;
  probeRate: number;
  cpuProfDir: string | undefined;
}

function parseOptions(args: string[]): Options {
  const options: Options = {
    records: 1_000_000,
    rounds: 5,
    probeRate: 500,
    cpuProfDir: undefined,
  };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--cpu-prof' && value !== undefined) {
      options.cpuProfDir = value;
      continue;
    }
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${flag} needs a whole number`);
    if (flag === '--records' && number >= 10_000) options.records = number;
    else if (flag === '--rounds') options.rounds = number;
    else if (flag === '--probe-rate') options.probeRate = number;
    else {
      throw new Error(
        `unknown option ${flag} (or --records below 10,000): use --records N, --rounds R, ` +
          '--probe-rate CALLS_PER_S, --cpu-prof DIR',
      );
    }
  }
  return options;
}

type Broker = 'handwire' | 'Apache Kafka';
const BROKERS: readonly Broker[] = ['handwire', 'Apache Kafka'];
type Figure = 'consume' | 'produce' | 'offers';

interface Measured {
  rate: number;
  run: KcatRun;
  brokerCpuS: number;
}

/** Figures by figure, broker and round. */
class Results {
  private readonly values = new Map<string, Measured[]>();
  add(figure: Figure, broker: Broker, value: Measured): void {
    const key = `${figure}/${broker}`;
    this.values.set(key, [...(this.values.get(key) ?? []), value]);
  }
  of(figure: Figure, broker: Broker): Measured[] {
    return this.values.get(`${figure}/${broker}`) ?? [];
  }
  /** The median over rounds of handwire's rate / Apache Kafka's in the same round. */
  ratio(figure: Figure): number {
    const apache = this.of(figure, 'Apache Kafka');
    return median(this.of(figure, 'handwire').map((m, round) => m.rate / apache[round]!.rate));
  }
}

/** N lines of `bytes` printable characters each, reproducible (a linear congruential generator). */
function writeValues(file: string, count: number, bytes: number): void {
  const alphabet = Buffer.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  const out = Buffer.allocUnsafe(count * (bytes + 1));
  let seed = 12345;
  for (let line = 0, at = 0; line < count; line++) {
    for (let i = 0; i < bytes; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      out[at++] = alphabet[seed % alphabet.length]!;
    }
    out[at++] = 0x0a;
  }
  writeFileSync(file, out);
}

/** Runs one kcat figure and the broker's CPU time over it. */
async function measure(
  brokerPid: number,
  records: number,
  kcat: () => Promise<KcatRun>,
): Promise<Measured> {
  const cpuBefore = processCpuSeconds(brokerPid);
  const run = await kcat();
  return { rate: records / run.wallS, run, brokerCpuS: processCpuSeconds(brokerPid) - cpuBefore };
}

function nodeArgs(options: Options, name: string): string[] {
  return options.cpuProfDir === undefined
    ? []
    : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir, '--cpu-prof-name', `${name}.cpuprofile`];
}

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const N = options.records;
  let kcatVersion: string;
  try {
    const banner = execFileSync('kcat', ['-V'], { encoding: 'utf8' });
    const version = /Version (\S+).*librdkafka (\S+)/s.exec(banner);
    kcatVersion = version ? `kcat ${version[1]} (librdkafka ${version[2]})` : 'kcat';
    execFileSync('/usr/bin/time', ['true'], { stdio: 'ignore' });
  } catch {
    throw new Error('the Kafka benchmark needs kcat and /usr/bin/time: apt-get install kcat time');
  }
  if (options.cpuProfDir !== undefined) mkdirSync(options.cpuProfDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'handwire-bench-kafka-'));
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  };
  const interrupted = () => void cleanUp().then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const values = join(work, 'values.txt');
    const warmup = join(work, 'warmup.txt');
    writeValues(values, N, VALUE_BYTES);
    writeValues(warmup, Math.max(10_000, Math.floor(N / 10)), VALUE_BYTES);
    const offersFile = join(work, 'offers.txt');

    // Set-up, Apache Kafka's JVM and the user-offers broker (which fills its log) side by side.
    const setupStarted = nowMs();
    const startOfferBroker = async () => {
      const profile = options.cpuProfDir && join(options.cpuProfDir, 'offer-broker.cpuprofile');
      const started = await startServerProcess(
        process.execPath,
        [OFFER_BROKER, String(N), offersFile, ...(profile ? [profile] : [])],
        {
          name: 'the user-offers broker',
          stderr: 'inherit',
          listening: /(PORT .*)\n/,
          startLimitMs: 300_000,
        },
      );
      cleanups.push(() => stopServerProcess(started.child, 15_000));
      const [, port, facts] = /PORT (\d+) (.*)/.exec(started.listeningOn)!;
      return { child: started.child, bootstrap: `127.0.0.1:${port}`, facts: JSON.parse(facts!) };
    };
    const startApache = async () => {
      const apache = await startApacheKafka(join(work, 'apache-kafka'));
      cleanups.push(() => apache.stop());
      return apache;
    };
    const [apache, offerBroker] = await Promise.all([startApache(), startOfferBroker()]);
    const offerFacts = offerBroker.facts as {
      meanValueBytes: number;
      fillMs: number;
      startMs: number;
    };

    const broker = await startServerProcess(
      process.execPath,
      [...nodeArgs(options, 'broker'), CLI, 'broker', '--port', '0'],
      {
        name: 'handwire broker',
        stderr: 'inherit',
        listening: /serving Kafka on (\S+)/,
        startLimitMs: 20_000,
      },
    );
    cleanups.push(() => stopServerProcess(broker.child, 15_000));
    const serve = await startServerProcess(
      process.execPath,
      [...nodeArgs(options, 'serve'), CLI, 'serve', '--demo', '--port', '0', '--kafka-port', '0'],
      {
        name: 'handwire serve',
        stderr: 'ignore', // one JSON line per call
        listening: /(serving Kafka on [\s\S]*seeded \d+ demo users, e\.g\. [0-9a-f-]{36})/,
        startLimitMs: 20_000,
      },
    );
    cleanups.push(() => stopServerProcess(serve.child, 15_000));
    const serveKafka = /serving Kafka on (\S+)/.exec(serve.listeningOn)![1]!;
    const serveGrpc = /serving gRPC \(h2c\) on (\S+)/.exec(serve.listeningOn)![1]!;
    const demoUser = /e\.g\. ([0-9a-f-]{36})/.exec(serve.listeningOn)![1]!;

    const pids: Record<Broker, number> = {
      handwire: broker.child.pid!,
      'Apache Kafka': apache.pid,
    };
    const bootstraps: Record<Broker, string> = {
      handwire: broker.listeningOn,
      'Apache Kafka': apache.bootstrap,
    };
    const offerTopics: Record<Broker, { bootstrap: string; topic: string; pid: number }> = {
      handwire: {
        bootstrap: offerBroker.bootstrap,
        topic: 'user-offers',
        pid: offerBroker.child.pid!,
      },
      'Apache Kafka': { bootstrap: apache.bootstrap, topic: 'user-offers-copy', pid: apache.pid },
    };
    // The same records as handwire's user-offers, batched the same way.
    await kcatProduceFile(apache.bootstrap, 'user-offers-copy', offersFile, [
      '-K',
      '\t',
      '-H',
      'content-type=application/json',
      '-X',
      `batch.num.messages=${OFFER_BATCH_RECORDS}`,
    ]);
    // What figure 4 drains.
    await kcatProduceFile(serveKafka, 'drain', values);
    // Warm-up: the first idempotent producer (Apache Kafka loads its coordinators) and the JITs.
    for (const name of BROKERS) {
      await kcatProduceFile(bootstraps[name], 'warmup', warmup);
      await kcatConsumeAll(bootstraps[name], 'warmup', Math.max(10_000, Math.floor(N / 10)));
    }
    console.error(
      `set-up ${fmt((nowMs() - setupStarted) / 1000, 1)} s; ${apache.startLine}; ` +
        `user-offers: ${fmt(N)} events filled in ${fmt(offerFacts.fillMs)} ms, ` +
        `broker start (copying them into batches) ${fmt(offerFacts.startMs)} ms`,
    );

    const results = new Results();
    const latencies: LatencyRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? BROKERS : [...BROKERS].reverse();
      for (const name of order) {
        const topic = `produce-${round}`;
        const produced = await measure(pids[name], N, () =>
          kcatProduceFile(bootstraps[name], topic, values),
        );
        results.add('produce', name, produced);
        const consumed = await measure(pids[name], N, () =>
          kcatConsumeAll(bootstraps[name], topic, N),
        );
        results.add('consume', name, consumed);
        const offers = offerTopics[name];
        const offerRead = await measure(offers.pid, N, () =>
          kcatConsumeAll(offers.bootstrap, offers.topic, N),
        );
        results.add('offers', name, offerRead);
        console.error(
          `round ${round + 1} ${name}: produce ${fmt(produced.rate)}/s, consume ${fmt(consumed.rate)}/s, ` +
            `user-offers ${fmt(offerRead.rate)}/s`,
        );
      }
      const latency = await measureGetUserDuringDrains(
        serveGrpc,
        demoUser,
        { bootstrap: serveKafka, topic: 'drain' },
        { bootstrap: apache.bootstrap, topic: `produce-${round}` },
        options,
      );
      latencies.push(latency);
      console.error(
        `round ${round + 1} GetUser p99: idle ${fmt(latency.idleP99, 2)} ms (${latency.idleCalls} calls), ` +
          `while draining ${fmt(latency.drainingP99, 2)} ms (${latency.drainingCalls} calls, ` +
          `slowest ${fmt(latency.drainingMax, 1)} ms); while kcat drains Apache Kafka ` +
          `${fmt(latency.elsewhereP99, 2)} ms`,
      );
    }

    printTables(options, kcatVersion, apache, offerFacts.meanValueBytes, results, latencies);
    if (options.cpuProfDir !== undefined) {
      await cleanUp(); // the profiles are written as the processes exit
      for (const name of ['broker', 'offer-broker', 'serve']) {
        console.log(`\n${name} (${join(options.cpuProfDir, `${name}.cpuprofile`)}):`);
        console.log(summariseProfile(join(options.cpuProfDir, `${name}.cpuprofile`)).join('\n'));
      }
    }
  } finally {
    await cleanUp();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

interface LatencyRound {
  idleP50: number;
  idleP99: number;
  idleCalls: number;
  drainingP50: number;
  drainingP99: number;
  drainingMax: number;
  drainingCalls: number;
  /** The control: while kcat drains Apache Kafka, another process, as hard. */
  elsewhereP99: number;
  /** Seconds one drain of N records from serve took, and how many ran. */
  drainS: number;
  drains: number;
}

/** A topic of N records to drain, on some broker. */
interface DrainSource {
  bootstrap: string;
  topic: string;
}

/**
 * Figure 4: GetUser latency on `handwire serve`, the probe running throughout: 3 s idle; 3 s while
 * kcat reads N records from the same process's Kafka listener; 3 s while kcat reads N records from
 * Apache Kafka, the control: kcat and a broker take as much CPU from a 2-core machine, but not in
 * serve's event loop, so a gap between the last two is what serve's own broker costs its gRPC
 * calls. One drain takes about a second, so kcat drains again until 3 s have passed: each window
 * then has about as many calls, and its p99 is not just the slowest call or two.
 */
async function measureGetUserDuringDrains(
  grpcAddress: string,
  userId: string,
  own: DrainSource,
  elsewhere: DrainSource,
  options: Options,
): Promise<LatencyRound> {
  const probe = new GetUserProbe(grpcAddress, userId, options.probeRate);
  const drainFor3s = async (source: DrainSource) => {
    const from = nowMs();
    let drains = 0;
    do {
      await kcatConsumeAll(source.bootstrap, source.topic, options.records);
      drains++;
    } while (nowMs() - from < 3000);
    return { from, to: nowMs(), drains };
  };
  probe.start();
  let idleFrom: number;
  let ownDrain: { from: number; to: number; drains: number };
  let elsewhereDrain: { from: number; to: number };
  try {
    await new Promise((resolve) => setTimeout(resolve, 500)); // connection up, warm
    idleFrom = nowMs();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    ownDrain = await drainFor3s(own);
    elsewhereDrain = await drainFor3s(elsewhere);
  } catch (error) {
    await probe.stop().catch(() => {});
    throw error;
  }
  const samples = await probe.stop();
  const within = (from: number, to: number) =>
    samples.filter((s) => s.dueMs >= from && s.dueMs < to).map((s) => s.latencyMs);
  const idle = within(idleFrom, ownDrain.from);
  const draining = within(ownDrain.from, ownDrain.to);
  return {
    idleP50: percentile(idle, 0.5),
    idleP99: percentile(idle, 0.99),
    idleCalls: idle.length,
    drainingP50: percentile(draining, 0.5),
    drainingP99: percentile(draining, 0.99),
    drainingMax: Math.max(...draining),
    drainingCalls: draining.length,
    elsewhereP99: percentile(within(elsewhereDrain.from, elsewhereDrain.to), 0.99),
    drainS: (ownDrain.to - ownDrain.from) / 1000 / ownDrain.drains,
    drains: ownDrain.drains,
  };
}

function printTables(
  options: Options,
  kcatVersion: string,
  apache: ApacheKafka,
  offerValueBytes: number,
  results: Results,
  latencies: LatencyRound[],
): void {
  const N = options.records;
  const version = /Apache Kafka (\S+)/.exec(apache.startLine)?.[1] ?? '';
  const rate = (figure: Figure, broker: Broker) =>
    median(results.of(figure, broker).map((m) => m.rate));
  const met = (ok: boolean) => (ok ? 'yes' : 'no');
  const rows: string[][] = [];
  const rateRow = (figure: Figure, label: string) => {
    const ratio = results.ratio(figure);
    rows.push([
      label,
      `${fmt(rate(figure, 'handwire'))}/s`,
      `${fmt(rate(figure, 'Apache Kafka'))}/s`,
      `${fmt(ratio, 2)}×`,
      `≥ ${TARGET_RATIO}× (goal 1.0×)`,
      met(ratio >= TARGET_RATIO),
    ]);
  };
  rateRow('consume', `kcat consume ${fmt(N)} × ${VALUE_BYTES} B records`);
  rateRow('produce', `kcat produce ${fmt(N)} × ${VALUE_BYTES} B, idempotent acks=all`);
  rateRow(
    'offers',
    `kcat consume ${fmt(N)} user-offers events (Apache: same records, plain topic)`,
  );
  const idle = median(latencies.map((l) => l.idleP99));
  const draining = median(latencies.map((l) => l.drainingP99));
  const stall = median(latencies.map((l) => l.drainingP99 / l.idleP99));
  rows.push([
    `GetUser p99 on handwire serve, idle → while kcat drains ${fmt(N)} records from its broker ` +
      '(Apache column: while kcat drains Apache Kafka instead, the control)',
    `${fmt(idle, 2)} → ${fmt(draining, 2)} ms`,
    `${fmt(median(latencies.map((l) => l.elsewhereP99)), 2)} ms`,
    `${fmt(stall, 2)}×`,
    `≤ ${STALL_LIMIT}× (no stall)`,
    met(stall <= STALL_LIMIT),
  ]);

  console.log(
    `\nKafka: handwire's broker vs Apache Kafka ${version} (C2 JIT, -Xmx512m, serial GC), ` +
      `${kcatVersion}, loopback; ${options.rounds} rounds, medians; ratios within each round`,
  );
  const header = ['figure', 'handwire', 'Apache Kafka', 'ratio', 'target', 'met'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(
    `\nuser-offers values: JSON events, ${fmt(offerValueBytes, 1)} B on average, key 36 B, one ` +
      `header; Apache Kafka read the same records, ${OFFER_BATCH_RECORDS} to a batch, from an ` +
      'ordinary topic (it has no user-offers).',
  );
  const list = (values: number[], digits: number) => values.map((v) => fmt(v, digits)).join(', ');
  console.log(
    `GetUser: open loop at ${fmt(options.probeRate)} calls/s, latency from when each call was due; ` +
      `p50 idle ${list(
        latencies.map((l) => l.idleP50),
        2,
      )} ms, draining ` +
      `${list(
        latencies.map((l) => l.drainingP50),
        2,
      )} ms; slowest call while draining ` +
      `${list(
        latencies.map((l) => l.drainingMax),
        1,
      )} ms; one drain took ` +
      `${list(
        latencies.map((l) => l.drainS),
        2,
      )} s (kcat ran ${list(
        latencies.map((l) => l.drains),
        0,
      )} times a round).`,
  );

  console.log(
    '\nWhat bounds each figure (medians): CPU time of kcat and of the broker process per record, ' +
      'and per second of wall time (1.00 = one core kept busy)',
  );
  console.log(
    '| figure | broker | wall s | kcat µs/record | broker µs/record | kcat busy | broker busy |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [figure, label] of [
    ['consume', 'consume'],
    ['produce', 'produce'],
    ['offers', 'user-offers'],
  ] as const) {
    for (const broker of BROKERS) {
      const runs = results.of(figure, broker);
      const of = (value: (m: Measured) => number, digits: number) =>
        fmt(median(runs.map(value)), digits);
      console.log(
        `| ${label} | ${broker} | ${of((m) => m.run.wallS, 2)} | ${of((m) => (m.run.cpuS / N) * 1e6, 2)} | ` +
          `${of((m) => (m.brokerCpuS / N) * 1e6, 2)} | ${of((m) => m.run.cpuS / m.run.wallS, 2)} | ` +
          `${of((m) => m.brokerCpuS / m.run.wallS, 2)} |`,
      );
    }
  }
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => fmt(l, 2))
      .join(', ')} on ${availableParallelism()} cores`,
  );
}
