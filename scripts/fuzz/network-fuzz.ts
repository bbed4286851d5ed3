// The long network fuzzing run, outside CI: `npm run fuzz -- --seconds N [--seed S]` starts
// `handwire serve` (gRPC and Kafka on free ports), runs the seeded cases of
// test/abuse/support/network-fuzzer.ts for N seconds (60 by default), then checks what the CI test
// checks: the server still runs, still answers, and holds no more sockets than before.

import { parseArgs } from 'node:util';
import { fuzzFor, healthAnswers, kafkaAnswers } from '../../test/abuse/support/network-fuzzer.js';
import { canMeasure, usageOf } from '../../test/abuse/support/server-usage.js';
import { startServe } from '../../test/helpers/serve-process.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
  },
});
const seconds = Number(values.seconds);
const seed = Number(values.seed);
if (!(seconds > 0) || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- --seconds N (above 0) [--seed S (an integer)]');
  process.exit(2);
}

const serve = await startServe(['--headers-timeout', '1']);
const target = { grpc: serve.address, kafka: serve.kafkaAddress! };
const pid = serve.child.pid!;
const socketsBefore = canMeasure() ? usageOf(pid).sockets : 0;
console.log(
  `fuzzing handwire serve (gRPC ${target.grpc}, Kafka ${target.kafka}) for ${seconds} s, seed ${seed}`,
);
const report = await fuzzFor(target, { seed, durationMs: seconds * 1000 }, (first, cases) => {
  console.log(
    `no answer after cases ${first}…${first + cases.length - 1}: ${JSON.stringify(cases)}`,
  );
});
await new Promise((resolve) => setTimeout(resolve, 3000));
const alive = serve.child.exitCode === null;
const answers = alive && (await healthAnswers(target.grpc)) && (await kafkaAnswers(target.kafka));
const socketsAfter = canMeasure() && alive ? usageOf(pid).sockets : 0;
console.log(
  `${report.cases} cases ${JSON.stringify(report.byKind)}; unanswered batches ${report.unanswered}; ` +
    `server ${alive ? 'running' : 'EXITED'}, ${answers ? 'answering' : 'NOT answering'}; ` +
    `sockets ${socketsBefore} before, ${socketsAfter} after`,
);
await serve.stop('SIGKILL');
const ok = report.unanswered === 0 && answers && socketsAfter <= socketsBefore;
process.exit(ok ? 0 : 1);
