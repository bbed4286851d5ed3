// The soak run (`npm run soak -- [--minutes N] [--out DIR] [--keep-snapshot]`): `handwire serve`
// under mixed gRPC and Kafka load for N minutes (10 by default), its RSS, heap and open handles
// sampled every two seconds from its own Prometheus metrics (prom-client's
// process_resident_memory_bytes, nodejs_heap_size_used_bytes, nodejs_active_handles_total),
// written as CSV and plotted as a PNG. After the load stops it waits, then has the server write a
// heap snapshot (V8 runs a full garbage collection first) and samples once more: what the heap
// still holds then is kept, not garbage. Every offer change is an event the server keeps by design
// (src/store/offer-event-log.ts), so the samples also count the events (the end offset of
// `user-offers`, read over Kafka): the heap after the load is the data plus what leaked.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { plotSeries } from './png-plot.js';
import {
  churningCaller,
  emptyCounts,
  kafkaLoad,
  type LoadCounts,
  streamingCaller,
  unaryCaller,
} from './workers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE_MS = 2000;
/** How long the server gets after the load to drop what the vanished clients left. */
const QUIET_MS = 15_000;

interface Sample {
  seconds: number;
  rssMb: number;
  heapMb: number;
  handles: number;
  /** Offer events the server holds: the end offset of its `user-offers` topic. */
  offerEvents: number;
  counts: LoadCounts;
}

async function startServe(diagnostics: string) {
  const child = spawn(
    process.execPath,
    [
      // SIGUSR2 makes it write a heap snapshot, which runs a full GC first (see collectGarbage).
      '--heapsnapshot-signal=SIGUSR2',
      `--diagnostic-dir=${diagnostics}`,
      '--import',
      'tsx',
      path.join(root, 'src/cli/main.ts'),
      'serve',
      '--port',
      '0',
      '--kafka-port',
      '0',
      '--metrics-port',
      '0',
      // The producers' topic keeps its last 8 MiB, as a broker with retention would: without it
      // every record produced stays in memory, and the curve shows the data, not a leak.
      '--kafka-retention-bytes',
      String(8 * 1024 * 1024),
      '--demo',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let stdout = '';
  const addresses = await new Promise<{ grpc: string; kafka: string; metrics: string }>(
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('handwire serve did not start in 30 s')),
        30_000,
      );
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const grpc = /serving gRPC \([^)]*\) on (\S+)/.exec(stdout)?.[1];
        const kafka = /serving Kafka on (\S+)/.exec(stdout)?.[1];
        const metrics = /metrics on (http:\/\/\S+\/metrics)/.exec(stdout)?.[1];
        if (grpc && kafka && metrics) {
          clearTimeout(timer);
          resolve({ grpc, kafka, metrics });
        }
      });
      child.once('exit', (code) => reject(new Error(`handwire serve exited with ${code}`)));
    },
  );
  return { child, ...addresses };
}

/** Has the server write a heap snapshot (a full GC comes first) and waits until it is written. */
async function collectGarbage(
  child: ChildProcess,
  metricsUrl: string,
  diagnostics: string,
): Promise<void> {
  child.kill('SIGUSR2');
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (readdirSync(diagnostics).some((file) => file.endsWith('.heapsnapshot'))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The snapshot is written on the server's main thread: it answers again once it is done.
  await fetch(metricsUrl);
}

async function offerEventCount(admin: Admin): Promise<number> {
  const [partition] = await admin.fetchTopicOffsets('user-offers');
  return Number(partition?.high ?? NaN);
}

async function sample(
  metricsUrl: string,
  admin: Admin,
  started: number,
  counts: LoadCounts,
): Promise<Sample> {
  const text = await (await fetch(metricsUrl)).text();
  const metric = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  return {
    seconds: Math.round((Date.now() - started) / 1000),
    rssMb: metric('process_resident_memory_bytes') / 2 ** 20,
    heapMb: metric('nodejs_heap_size_used_bytes') / 2 ** 20,
    handles: metric('nodejs_active_handles_total'),
    offerEvents: await offerEventCount(admin),
    counts: { ...counts },
  };
}

/** The samples, then the one after the full GC, marked in the last column. */
function toCsv(samples: Sample[], collected: Sample): string {
  const header =
    'seconds,rss_mb,heap_used_mb,active_handles,offer_events,calls_ok,calls_failed,calls_cancelled,clients_vanished,connections,kafka_produced,kafka_consumed,after_full_gc';
  const rows = [...samples, collected].map((s) =>
    [
      s.seconds,
      s.rssMb.toFixed(1),
      s.heapMb.toFixed(1),
      s.handles,
      s.offerEvents,
      s.counts.ok,
      s.counts.failed,
      s.counts.cancelled,
      s.counts.vanished,
      s.counts.connections,
      s.counts.produced,
      s.counts.consumed,
      s === collected ? 1 : 0,
    ].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      out: { type: 'string', default: '.soak' },
      // Keeps the server's heap snapshot (taken after the load, see collectGarbage) for a look.
      'keep-snapshot': { type: 'boolean', default: false },
    },
  });
  const minutes = Number(values.minutes);
  if (!(minutes > 0))
    throw new Error(`--minutes must be a number above 0, not "${values.minutes}"`);
  const out = path.resolve(values.out!);
  mkdirSync(out, { recursive: true });
  const diagnostics = mkdtempSync(path.join(tmpdir(), 'handwire-soak-'));
  const serve = await startServe(diagnostics);
  const admin = new Kafka({
    clientId: 'soak-sampler',
    brokers: [serve.kafka],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const started = Date.now();
  const until = started + minutes * 60_000;
  const counts = emptyCounts();
  const samples: Sample[] = [];
  const sampler = setInterval(() => {
    sample(serve.metrics, admin, started, counts).then(
      (s) => {
        samples.push(s);
        console.log(
          `${s.seconds}s rss ${s.rssMb.toFixed(1)} MB heap ${s.heapMb.toFixed(1)} MB handles ${s.handles} events ${s.offerEvents} ok ${s.counts.ok} failed ${s.counts.failed}`,
        );
      },
      () => {},
    );
  }, SAMPLE_MS);
  const load = [
    ...Array.from({ length: 4 }, () => unaryCaller(serve.grpc, until, counts)),
    ...Array.from({ length: 2 }, () => streamingCaller(serve.grpc, until, counts)),
    ...Array.from({ length: 2 }, () => churningCaller(serve.grpc, until, counts)),
    kafkaLoad(serve.kafka, until, counts),
  ];
  const outcomes = await Promise.allSettled(load);
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') console.error('a load worker failed:', outcome.reason);
  }
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  clearInterval(sampler);
  const quiet = await sample(serve.metrics, admin, started, counts);
  samples.push(quiet);
  // Heap used counts garbage not yet collected: the last sample follows a full collection (its
  // RSS is not comparable: writing the snapshot takes memory of its own).
  await collectGarbage(serve.child, serve.metrics, diagnostics);
  const collected = await sample(serve.metrics, admin, started, counts);
  if (values['keep-snapshot']) console.log(`the heap snapshot is in ${diagnostics}`);
  else rmSync(diagnostics, { recursive: true, force: true });
  await admin.disconnect();
  serve.child.kill('SIGTERM');
  writeFileSync(path.join(out, 'soak.csv'), toCsv(samples, collected));
  writeFileSync(
    path.join(out, 'soak.png'),
    plotSeries([
      { name: 'RSS MB', values: samples.map((s) => s.rssMb), colour: [200, 40, 40] },
      { name: 'heap used MB', values: samples.map((s) => s.heapMb), colour: [40, 90, 200] },
      { name: 'active handles', values: samples.map((s) => s.handles), colour: [30, 150, 60] },
      {
        name: 'offer events held (thousands)',
        values: samples.map((s) => s.offerEvents / 1000),
        colour: [120, 120, 120],
      },
    ]),
  );
  const first = samples[0]!;
  const events = collected.offerEvents - first.offerEvents;
  console.log(
    `wrote ${path.join(out, 'soak.csv')} and soak.png: ${samples.length} samples; ` +
      `RSS ${first.rssMb.toFixed(1)} → ${quiet.rssMb.toFixed(1)} MB (quiet, before the snapshot), ` +
      `heap used ${first.heapMb.toFixed(1)} → ${quiet.heapMb.toFixed(1)} MB, ${collected.heapMb.toFixed(1)} MB after a full GC, ` +
      `handles ${first.handles} → ${collected.handles}; ${events} offer events added ` +
      `(${collected.offerEvents} held); ${JSON.stringify(collected.counts)}`,
  );
}

await main();
