// A replica whose source does not answer (docs/kafka-replica.md "How it follows"): it starts
// anyway and serves; handwire.kafka.Replica is NOT_SERVING with the error in its log; once a
// primary listens at that address, it follows it and turns SERVING. No Apache Kafka needed.

import t from 'tap';
import { freePort } from '../../helpers/free-port.js';
import { call } from '../../helpers/grpc-js-proto.js';
import { createUsers, healthClient, offersClient, startChild } from './replica-support.js';

t.test('starts without its source, reports it, and follows once it is there', async (t) => {
  t.setTimeout(90_000);
  const port = await freePort();
  const replica = await startChild(t, ['--replica-of', `127.0.0.1:${port}`, '--group', 'late']);
  t.match(replica.stdout(), /replica of 127\.0\.0\.1:\d+ \(consumer group late\)/);
  const health = healthClient(replica.address);
  const offers = offersClient(replica.address);
  t.teardown(() => {
    health.close();
    offers.close();
  });
  const status = async () =>
    (await call(health, 'Check', { service: 'handwire.kafka.Replica' })).status as string;
  t.equal(await status(), 'NOT_SERVING', 'not serving without its source');
  const deadline = Date.now() + 30_000;
  while (!/"level":50.*replica cannot follow 127\.0\.0\.1:\d+: /.test(replica.stderr())) {
    if (Date.now() > deadline) throw new Error(`no error logged:\n${replica.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.pass('the failure is logged at error level with its sentence');
  await t.rejects(
    call(offers, 'GetUserOffer', { userId: 'someone' }),
    { code: 5 },
    'still answers',
  );

  const primary = await startChild(t, ['--kafka-port', String(port)]);
  const [userId] = await createUsers(primary.address, 1, 'late');
  const primaryOffers = offersClient(primary.address);
  t.teardown(() => primaryOffers.close());
  await call(primaryOffers, 'SetUserOffer', { userId, offerCode: 'PLUS' });
  // The backoff is at most 10 s (±20 %); then a session finds the primary.
  const serving = Date.now() + 40_000;
  while ((await status()) !== 'SERVING') {
    if (Date.now() > serving) throw new Error(`not SERVING in 40 s:\n${replica.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.match(await call(offers, 'GetUserOffer', { userId }), { offerCode: 'PLUS', version: 1 });
});
