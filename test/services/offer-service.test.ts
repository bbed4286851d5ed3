// offers.v1.OfferService as docs/contract.md §2 describe it, through a @grpc/grpc-js client.

import { fileURLToPath } from 'node:url';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import {
  createOfferService,
  OfferServiceDefinition,
} from '../../src/services/offers/offer-service.js';
import { createUserService, UserServiceDefinition } from '../../src/services/user/user-service.js';
import { OfferStore } from '../../src/store/offer-store.js';
import { UserStore } from '../../src/store/user-store.js';
import { violatedFields } from '../helpers/bad-request.js';
import { call, callClientStream, collect, grpc, grpcJsClient } from '../helpers/grpc-js-proto.js';
import { readStream } from './grpc-js-streams.js';

const OFFERS_PROTO = fileURLToPath(new URL('../../proto/offers.proto', import.meta.url));
const UNKNOWN_UUID = '3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b';

async function setup(t: any, userCount = 3) {
  const users = new UserStore();
  const offers = new OfferStore(users);
  const ids = users
    .createMany(
      Array.from({ length: userCount }, (_, i) => ({
        username: `user${i}`,
        email: `user${i}@example.com`,
        fullName: '',
        role: 1,
      })),
    )
    .map((user) => user.id);
  const server = new Server();
  server.addService(UserServiceDefinition, createUserService(users));
  server.addService(OfferServiceDefinition, createOfferService(offers));
  const { address } = await server.listen();
  const client = grpcJsClient(OFFERS_PROTO, 'offers.v1.OfferService', address);
  t.teardown(async () => {
    client.close();
    await server.forceClose();
  });
  return { client, users, offers, ids, server };
}

const fails = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call should have failed');
    },
    (error: grpc.ServiceError) => error,
  );

const rows = (...list: Array<[string, string, string]>) =>
  list.map(([userId, currentOffer, targetOffer]) => ({ userId, currentOffer, targetOffer }));

/** Polls `check` every few ms until it holds, for at most `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

t.test('SetUserOffer validates, then needs the user; a change bumps the version', async (t) => {
  const { client, offers, ids } = await setup(t);
  const id = ids[0]!;
  const invalid: Array<[object, string[]]> = [
    [{ userId: '', offerCode: 'BASIC' }, ['user_id']],
    [{ userId: id, offerCode: '' }, ['offer_code']],
    [{ userId: id, offerCode: 'basic' }, ['offer_code']],
    [{ userId: id, offerCode: 'A'.repeat(65) }, ['offer_code']],
    [{ userId: '', offerCode: 'no spaces' }, ['user_id', 'offer_code']],
  ];
  for (const [request, fields] of invalid) {
    const error = await fails(call(client, 'SetUserOffer', request));
    t.equal(error.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(request).slice(0, 50));
    t.same(violatedFields(error), fields);
  }
  t.equal(
    (await fails(call(client, 'SetUserOffer', { userId: UNKNOWN_UUID, offerCode: 'BASIC' }))).code,
    grpc.status.NOT_FOUND,
  );
  t.equal(
    (await fails(call(client, 'SetUserOffer', { userId: 'not-a-uuid', offerCode: 'BASIC' }))).code,
    grpc.status.NOT_FOUND,
  );
  t.equal(offers.log.endOffset, 0, 'no failed call left an event');

  const before = Date.now();
  const set = await call(client, 'SetUserOffer', { userId: id, offerCode: 'A'.repeat(64) });
  t.match(set, { userId: id, offerCode: 'A'.repeat(64), version: 1 });
  t.ok(set.updatedAt >= before && set.updatedAt <= Date.now());
  const same = await call(client, 'SetUserOffer', { userId: id, offerCode: 'A'.repeat(64) });
  t.same(same, set, 'setting the same code again changes nothing');
  t.equal(offers.log.endOffset, 1, 'and emits no event');
  const changed = await call(client, 'SetUserOffer', { userId: id, offerCode: 'SPRING_2026-X' });
  t.equal(changed.version, 2);
  t.equal(offers.log.endOffset, 2);
});

t.test('GetUserOffer: "" and 0 before any offer; NOT_FOUND for unknown users', async (t) => {
  const { client, users, ids } = await setup(t);
  const [a, b] = ids as [string, string];
  t.same(await call(client, 'GetUserOffer', { userId: a }), {
    userId: a,
    offerCode: '',
    version: 0,
    updatedAt: 0,
  });
  await call(client, 'SetUserOffer', { userId: a, offerCode: 'BASIC' });
  t.match(await call(client, 'GetUserOffer', { userId: a }), { offerCode: 'BASIC', version: 1 });
  t.equal(
    (await fails(call(client, 'GetUserOffer', { userId: '' }))).code,
    grpc.status.INVALID_ARGUMENT,
  );
  t.equal(
    (await fails(call(client, 'GetUserOffer', { userId: UNKNOWN_UUID }))).code,
    grpc.status.NOT_FOUND,
  );
  // Deleting the user deletes the offer (and no event says so).
  await call(client, 'SetUserOffer', { userId: b, offerCode: 'PLUS' });
  users.delete(b);
  t.equal((await fails(call(client, 'GetUserOffer', { userId: b }))).code, grpc.status.NOT_FOUND);
});

t.test(
  'MigrateOffers: exact counts, 1-based rows in the errors, one event per migration',
  async (t) => {
    const { client, users, offers, ids } = await setup(t, 5);
    const [a, b, c, d, e] = ids as [string, string, string, string, string];
    await call(client, 'SetUserOffer', { userId: a, offerCode: 'OLD' });
    await call(client, 'SetUserOffer', { userId: b, offerCode: 'NEW' });
    await call(client, 'SetUserOffer', { userId: c, offerCode: 'OTHER' });
    await call(client, 'SetUserOffer', { userId: e, offerCode: 'OLD' });
    users.delete(e);
    const start = offers.log.endOffset;

    const report = await callClientStream(
      client,
      'MigrateOffers',
      rows(
        [a, 'OLD', 'NEW'], // 1 migrated
        [b, 'OLD', 'NEW'], // 2 skipped: already on the target
        [c, 'OLD', 'NEW'], // 3 failed: mismatch
        [d, '', 'NEW'], // 4 migrated: "" matches a user with no offer
        [UNKNOWN_UUID, 'OLD', 'NEW'], // 5 failed: unknown user
        [e, 'OLD', 'NEW'], // 6 failed: deleted user
        [a, 'NEW', 'bad code'], // 7 failed: invalid target
        ['', 'OLD', 'NEW'], // 8 failed: no user id
        [b, 'lower', 'NEW'], // 9 failed: invalid current, even though b is on the target
      ),
    );
    t.match(report.migrationId, /^[0-9a-f-]{36}$/);
    t.match(report, { rows: 9, migrated: 2, skipped: 1, failed: 6 });
    t.same(
      report.errors.map((error: any) => [error.row, error.userId]),
      [
        [3, c],
        [5, UNKNOWN_UUID],
        [6, e],
        [7, a],
        [8, ''],
        [9, b],
      ],
    );
    t.match(report.errors[0].reason, /"OTHER", not "OLD"/);
    t.match(report.errors[1].reason, /no user/);
    t.match(report.errors[3].reason, /target_offer/);
    t.match(report.errors[5].reason, /current_offer/);

    const events = offers.log.slice(start);
    t.same(
      events.map((event) => [event.userId, event.fromOffer, event.toOffer, event.migrationId]),
      [
        [a, 'OLD', 'NEW', report.migrationId],
        [d, '', 'NEW', report.migrationId],
      ],
    );

    const again = await callClientStream(
      client,
      'MigrateOffers',
      rows([a, 'OLD', 'NEW'], [d, '', 'NEW']),
    );
    t.match(again, { rows: 2, migrated: 0, skipped: 2, failed: 0 }, 'a re-run migrates nothing');
    t.not(again.migrationId, report.migrationId);
    t.equal(offers.log.endOffset, start + 2);

    const empty = await callClientStream(client, 'MigrateOffers', []);
    t.match(empty, { rows: 0, migrated: 0, skipped: 0, failed: 0, errors: [] });
  },
);

t.test('MigrateOffers lists the first 1000 failures and counts them all', async (t) => {
  const { client } = await setup(t, 1);
  const many = Array.from({ length: 1500 }, (_, i) => ({
    userId: `missing-${i}`,
    currentOffer: '',
    targetOffer: 'NEW',
  }));
  const report = await callClientStream(client, 'MigrateOffers', many);
  t.match(report, { rows: 1500, failed: 1500, migrated: 0 });
  t.equal(report.errors.length, 1000);
  t.equal(report.errors[999].row, 1000);
  t.equal(report.errors[999].userId, 'missing-999');
});

t.test(
  'a cancelled upload keeps the rows applied before the cancel, each with its event',
  async (t) => {
    const { client, offers, ids } = await setup(t, 200);
    const stream = client.MigrateOffers(new grpc.Metadata(), () => {});
    stream.on('error', () => {});
    for (const id of ids.slice(0, 100))
      stream.write({ userId: id, currentOffer: '', targetOffer: 'NEW' });
    await until(() => offers.log.endOffset === 100);
    stream.cancel();
    // Rows written after the cancel never arrive.
    for (const id of ids.slice(100))
      stream.write({ userId: id, currentOffer: '', targetOffer: 'NEW' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal(offers.log.endOffset, 100, 'the applied rows stay applied, nothing after the cancel');
    for (const [i, id] of ids.entries()) {
      const offer = offers.get(id)!;
      const events = offers.log.slice().filter((event) => event.userId === id);
      t.equal(offer.version, events.length, `user ${i}: version matches its events`);
      t.equal(offer.offerCode, i < 100 ? 'NEW' : '');
    }
  },
);

t.test('WatchOfferEvents replays from an offset, then delivers live events', async (t) => {
  const { client, ids } = await setup(t);
  const [a, b] = ids as [string, string];
  for (const code of ['A1', 'A2'])
    await call(client, 'SetUserOffer', { userId: a, offerCode: code });
  await call(client, 'SetUserOffer', { userId: b, offerCode: 'B1' });

  const all = client.WatchOfferEvents({ fromOffset: 1 });
  const reader = readStream<any>(all);
  t.match(await reader.next(), { offset: 1, userId: a, fromOffer: 'A1', toOffer: 'A2' });
  t.match(await reader.next(), { offset: 2, userId: b, toOffer: 'B1', migrationId: '' });
  const onlyB = readStream<any>(client.WatchOfferEvents({ fromOffset: 0, userId: b }));
  t.match(await onlyB.next(), { offset: 2, userId: b });

  await call(client, 'SetUserOffer', { userId: a, offerCode: 'A3' });
  await call(client, 'SetUserOffer', { userId: b, offerCode: 'B2' });
  const live = await reader.next();
  t.match(live, { offset: 3, userId: a, toOffer: 'A3' });
  t.match(live.eventId, /^[0-9a-f-]{36}$/);
  t.ok(live.occurredAt > 0);
  t.match(await reader.next(), { offset: 4, userId: b });
  t.match(await onlyB.next(), { offset: 4, userId: b, fromOffer: 'B1', toOffer: 'B2' });
  all.cancel();
  t.equal((await reader.ended).code, grpc.status.CANCELLED);
});

t.test(
  'WatchOfferEvents: negative offset, offsets beyond the end, unknown users, deadline',
  async (t) => {
    const { client, offers, ids } = await setup(t);
    const error = await fails(collect(client, 'WatchOfferEvents', { fromOffset: -1 }));
    t.equal(error.code, grpc.status.INVALID_ARGUMENT);
    t.same(violatedFields(error), ['from_offset']);

    const ahead = readStream<any>(client.WatchOfferEvents({ fromOffset: 2 }));
    const nobody = client.WatchOfferEvents(
      { fromOffset: 0, userId: UNKNOWN_UUID },
      new grpc.Metadata(),
      {
        deadline: Date.now() + 300,
      },
    );
    const nobodyReader = readStream<any>(nobody);
    for (const code of ['X0', 'X1', 'X2']) {
      await call(client, 'SetUserOffer', { userId: ids[0], offerCode: code });
    }
    t.match(
      await ahead.next(),
      { offset: 2, toOffer: 'X2' },
      'waited, then delivered from offset 2',
    );
    const end = await nobodyReader.ended;
    t.equal(
      end.code,
      grpc.status.DEADLINE_EXCEEDED,
      'an unknown user simply waits, until the deadline',
    );
    t.equal(nobodyReader.buffered, 0);
    // The server-side reader of the ended call is gone: no waiter is left on the log.
    await until(() => (offers.log as any).waiters.length <= 1);
  },
);

t.test(
  'WatchOfferEvents honours backpressure: a paused client stops the server reading the log',
  async (t) => {
    const { client, offers, ids } = await setup(t, 1);
    const total = 100_000;
    for (let i = 0; i < total; i++) offers.set(ids[0]!, `CODE${i}`);
    let reads = 0;
    const at = offers.log.at.bind(offers.log);
    offers.log.at = (offset: number) => {
      reads++;
      return at(offset);
    };
    const stream = client.WatchOfferEvents({ fromOffset: 0 });
    stream.on('error', () => {});
    let received = 0;
    stream.on('data', () => {
      received++;
    });
    stream.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const readWhilePaused = reads;
    t.ok(
      readWhilePaused < total / 4,
      `the server read ${readWhilePaused} of ${total} events while the client was paused`,
    );
    stream.resume();
    await until(() => received === total, 20_000);
    t.equal(reads >= total, true, 'every event was read once the client resumed');
    stream.cancel();
  },
);
