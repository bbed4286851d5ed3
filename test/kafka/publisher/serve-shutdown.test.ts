// `handwire serve --kafka-brokers` with nothing listening at the brokers' address (no JVM needed):
// serve is ready anyway, the publisher's health is NOT_SERVING while the server's is SERVING, and
// SIGTERM ends the process within its grace, saying how many events could not be published.

import t from 'tap';
import { downAddress } from '../../helpers/free-port.js';
import { startServe } from '../../helpers/serve-process.js';
import { getUserP99, healthOf, PUBLISHER_SERVICE } from './publisher-fixtures.js';

t.test('a cluster that never answers: ready, NOT_SERVING, shutdown within the grace', async (t) => {
  const serve = await startServe([
    '--demo',
    '--no-kafka',
    '--shutdown-grace',
    '1',
    '--kafka-brokers',
    await downAddress(),
  ]);
  t.teardown(() => serve.stop('SIGKILL'));
  t.equal(await healthOf(serve.address, ''), 'SERVING');
  t.equal(await healthOf(serve.address, PUBLISHER_SERVICE), 'NOT_SERVING');
  t.ok(await getUserP99(serve.address, 5), 'GetUser answers');
  const started = performance.now();
  t.equal(await serve.stop('SIGTERM'), 0);
  t.ok(performance.now() - started < 10_000, 'the grace (1 s) bounds the shutdown');
  t.match(serve.stderr(), /1000 offer events were not published to Kafka within the grace/);
});
