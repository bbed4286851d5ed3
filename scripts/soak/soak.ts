// The soak run (`npm run soak -- [--minutes N] [--out DIR]`): `handwire serve` under mixed gRPC and
// Kafka load for N minutes (10 by default), its RSS, heap and open handles sampled every two
// seconds from its own Prometheus metrics (prom-client's process_resident_memory_bytes,
// nodejs_heap_size_used_bytes, nodejs_active_handles_total), written as CSV and plotted as a PNG.
// After the load stops it waits for a last quiet sample: what is still held then is a leak.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
  counts: LoadCounts;
}

async function startServe() {
  const child = spawn(
    process.execPath,
    [
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

async function sample(metricsUrl: string, started: number, counts: LoadCounts): Promise<Sample> {
  const text = await (await fetch(metricsUrl)).text();
  const metric = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  return {
    seconds: Math.round((Date.now() - started) / 1000),
    rssMb: metric('process_resident_memory_bytes') / 2 ** 20,
    heapMb: metric('nodejs_heap_size_used_bytes') / 2 ** 20,
    handles: metric('nodejs_active_handles_total'),
    counts: { ...counts },
  };
}

function toCsv(samples: Sample[]): string {
  const header =
    'seconds,rss_mb,heap_used_mb,active_handles,calls_ok,calls_failed,calls_cancelled,clients_vanished,connections,kafka_produced,kafka_consumed';
  const rows = samples.map((s) =>
    [
      s.seconds,
      s.rssMb.toFixed(1),
      s.heapMb.toFixed(1),
      s.handles,
      s.counts.ok,
      s.counts.failed,
      s.counts.cancelled,
      s.counts.vanished,
      s.counts.connections,
      s.counts.produced,
      s.counts.consumed,
    ].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      out: { type: 'string', default: '.soak' },
    },
  });
  const minutes = Number(values.minutes);
  if (!(minutes > 0))
    throw new Error(`--minutes must be a number above 0, not "${values.minutes}"`);
  const out = path.resolve(values.out!);
  mkdirSync(out, { recursive: true });
  const serve = await startServe();
  const started = Date.now();
  const until = started + minutes * 60_000;
  const counts = emptyCounts();
  const samples: Sample[] = [];
  const sampler = setInterval(() => {
    sample(serve.metrics, started, counts).then(
      (s) => {
        samples.push(s);
        console.log(
          `${s.seconds}s rss ${s.rssMb.toFixed(1)} MB heap ${s.heapMb.toFixed(1)} MB handles ${s.handles} ok ${s.counts.ok} failed ${s.counts.failed}`,
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
  samples.push(await sample(serve.metrics, started, counts));
  serve.child.kill('SIGTERM');
  writeFileSync(path.join(out, 'soak.csv'), toCsv(samples));
  writeFileSync(
    path.join(out, 'soak.png'),
    plotSeries([
      { name: 'RSS MB', values: samples.map((s) => s.rssMb), colour: [200, 40, 40] },
      { name: 'heap used MB', values: samples.map((s) => s.heapMb), colour: [40, 90, 200] },
      { name: 'active handles', values: samples.map((s) => s.handles), colour: [30, 150, 60] },
    ]),
  );
  const first = samples[0]!;
  const last = samples.at(-1)!;
  console.log(
    `wrote ${path.join(out, 'soak.csv')} and soak.png: ${samples.length} samples; ` +
      `RSS ${first.rssMb.toFixed(1)} → ${last.rssMb.toFixed(1)} MB, heap ${first.heapMb.toFixed(1)} → ${last.heapMb.toFixed(1)} MB, ` +
      `handles ${first.handles} → ${last.handles}; ${JSON.stringify(last.counts)}`,
  );
}

await main();
