// Network fuzzing of `handwire serve` (RFC 9113 §5.4 "Error Handling": a malformed frame ends a
// stream or the connection, never the server; Kafka's protocol guide: a request that cannot be
// parsed closes the connection): seeded random and mutated HTTP/2 frames, garbage gRPC messages
// and mutated Kafka requests for FUZZ_MS. The server must not crash, must keep answering health
// checks and ApiVersions after every batch, and must hold no more sockets afterwards than before.
// A longer run, outside CI: `npm run fuzz -- --seconds N [--seed S]`.

import t from 'tap';
import { startServe } from '../helpers/serve-process.js';
import { fuzzFor, healthAnswers, kafkaAnswers } from './support/network-fuzzer.js';
import { canMeasure, usageOf } from './support/server-usage.js';

const FUZZ_MS = 20_000;
const SEED = Number(process.env.HANDWIRE_FUZZ_SEED ?? 20_261_203);

t.test('handwire serve survives seeded network fuzzing', async (t) => {
  t.setTimeout(90_000);
  const serve = await startServe(['--headers-timeout', '1']);
  t.teardown(() => serve.stop('SIGKILL'));
  const target = { grpc: serve.address, kafka: serve.kafkaAddress! };
  t.ok(await healthAnswers(target.grpc), 'health answers before');
  t.ok(await kafkaAnswers(target.kafka), 'Kafka answers before');
  const pid = serve.child.pid!;
  const socketsBefore = canMeasure() ? usageOf(pid).sockets : 0;

  const report = await fuzzFor(target, { seed: SEED, durationMs: FUZZ_MS }, (first, cases) => {
    t.comment(
      `no answer after cases ${first}…${first + cases.length - 1} (seed ${SEED}): ${JSON.stringify(cases).slice(0, 2000)}`,
    );
  });
  t.comment(`seed ${SEED}: ${report.cases} cases ${JSON.stringify(report.byKind)}`);
  t.ok(report.cases > 100, 'a few hundred cases at least');
  t.equal(report.unanswered, 0, 'health and Kafka answered after every batch');
  t.equal(serve.child.exitCode, null, 'the server is still running');

  if (canMeasure()) {
    // Connections the fuzzer left half-open close by the headers timeout (1 s) at the latest.
    const deadline = Date.now() + 5000;
    while (usageOf(pid).sockets > socketsBefore && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    t.equal(usageOf(pid).sockets, socketsBefore, 'no connection left open by the fuzzing');
  }
  t.notMatch(serve.stderr(), /uncaught|unhandled/i, 'no uncaught error in the log');
});
