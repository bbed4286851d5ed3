// The offer store: versions, compare-and-set moves, offers deleted with their users, and — under
// fc.scheduler() interleavings of concurrent calls — an offer change and its event are never
// visible one without the other.

import fc from 'fast-check';
import t from 'tap';
import { createOfferService } from '../../src/services/offers/offer-service.js';
import { OfferStore } from '../../src/store/offer-store.js';
import { UserNotFoundError, UserStore } from '../../src/store/user-store.js';
import type { MigrationRow } from '../../src/wire/messages/offers.js';

function setup(userCount = 3) {
  let clock = 1000;
  let eventNumber = 0;
  const users = new UserStore();
  const ids = users
    .createMany(
      Array.from({ length: userCount }, (_, i) => ({
        username: `user${i}`,
        email: `user${i}@example.com`,
        fullName: `User ${i}`,
        role: 1,
      })),
    )
    .map((user) => user.id);
  const offers = new OfferStore(users, {
    now: () => clock++,
    newEventId: () => `event-${eventNumber++}`,
  });
  return { users, offers, ids };
}

t.test(
  'a user starts with no offer; each change adds one to the version and one event',
  async (t) => {
    const { offers, ids } = setup();
    const [id] = ids as [string];
    t.same(offers.get(id), { userId: id, offerCode: '', version: 0, updatedAt: 0 });
    t.equal(offers.get('nobody'), undefined);

    const first = offers.set(id, 'BASIC');
    t.match(first, { userId: id, offerCode: 'BASIC', version: 1 });
    const again = offers.set(id, 'BASIC');
    t.equal(again, first, 'setting the current code again changes nothing');
    const second = offers.set(id, 'PREMIUM', 'm-1');
    t.match(second, { offerCode: 'PREMIUM', version: 2 });
    t.ok(second.updatedAt > first.updatedAt);

    t.same(
      offers.log.slice().map((e) => [e.offset, e.eventId, e.fromOffer, e.toOffer, e.migrationId]),
      [
        [0, 'event-0', '', 'BASIC', ''],
        [1, 'event-1', 'BASIC', 'PREMIUM', 'm-1'],
      ],
    );
    t.equal(offers.log.at(1)?.occurredAt, second.updatedAt, 'the event carries the change time');
    t.throws(() => offers.set('nobody', 'BASIC'), UserNotFoundError);
  },
);

t.test('move is a compare-and-set: migrated, skipped, mismatch, unknown user', async (t) => {
  const { offers, ids } = setup();
  const [a, b] = ids as [string, string];
  t.match(offers.move(a, '', 'BASIC', 'm'), { kind: 'migrated', offer: { version: 1 } });
  t.same(offers.move(a, 'WHATEVER', 'BASIC', 'm'), { kind: 'skipped' }, 'already on target');
  t.same(offers.move(a, 'PLUS', 'PREMIUM', 'm'), { kind: 'mismatch', currentOffer: 'BASIC' });
  t.same(offers.move(b, 'PLUS', 'PREMIUM', 'm'), { kind: 'mismatch', currentOffer: '' });
  t.same(offers.move('nobody', '', 'BASIC', 'm'), { kind: 'unknownUser' });
  t.equal(offers.log.endOffset, 1, 'only the migrated row made an event');
});

t.test('deleting a user deletes their offer and emits no event', async (t) => {
  const { users, offers, ids } = setup();
  const [id] = ids as [string];
  offers.set(id, 'BASIC');
  users.delete(id);
  t.equal(offers.get(id), undefined);
  t.same(offers.move(id, 'BASIC', 'PLUS', 'm'), { kind: 'unknownUser' });
  t.equal(offers.log.endOffset, 1);
});

/** An async iterable of rows that lets the scheduler decide when each next row arrives. */
async function* scheduledRows(s: fc.Scheduler, rows: MigrationRow[], label: string) {
  for (const [i, row] of rows.entries()) {
    await s.schedule(Promise.resolve(), `${label} row ${i}`);
    yield row;
  }
}

const OFFERS = ['', 'A', 'B', 'C'] as const;

t.test(
  'concurrent sets, migrations, deletes and watchers keep offers and log consistent',
  async (t) => {
    const rowArb = (userCount: number) =>
      fc.record({
        user: fc.nat(userCount),
        currentOffer: fc.constantFrom(...OFFERS),
        targetOffer: fc.constantFrom(...OFFERS.slice(1)),
      });
    const opArb = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        user: fc.nat(3),
        offer: fc.constantFrom('A', 'B', 'C'),
      }),
      fc.record({
        kind: fc.constant('migrate' as const),
        rows: fc.array(rowArb(3), { maxLength: 6 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), user: fc.nat(3) }),
    );

    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(opArb, { minLength: 1, maxLength: 8 }),
        async (s, ops) => {
          const { users, offers, ids } = setup(4);
          const service = createOfferService(offers, { newMigrationId: () => 'm' });
          const idOf = (n: number) => ids[n] ?? 'unknown-user';
          const problems: string[] = [];

          // An observer that looks between every scheduled step: for each user still there, the
          // number of their events in the log equals their version (neither seen without the other).
          const observe = (when: string) => {
            const eventsPerUser = new Map<string, number>();
            for (const event of offers.log.slice()) {
              eventsPerUser.set(event.userId, (eventsPerUser.get(event.userId) ?? 0) + 1);
            }
            for (const id of ids) {
              const offer = offers.get(id);
              if (offer !== undefined && offer.version !== (eventsPerUser.get(id) ?? 0)) {
                problems.push(
                  `${when}: ${id} version ${offer.version}, events ${eventsPerUser.get(id)}`,
                );
              }
            }
          };

          // A watcher from offset 0, reading as the scheduler lets it: it must see the log in order.
          const controller = new AbortController();
          const seen: number[] = [];
          const watcher = (async () => {
            const stream = service.WatchOfferEvents({ fromOffset: 0, userId: '' }, {
              signal: controller.signal,
            } as any);
            for await (const event of stream) {
              seen.push(event.offset);
              await s.schedule(Promise.resolve(), `watcher after ${event.offset}`);
            }
          })();

          const reports: Array<
            Promise<{ rows: number; migrated: number; skipped: number; failed: number }>
          > = [];
          const tasks = ops.map(async (op, i) => {
            await s.schedule(Promise.resolve(), `op ${i} ${op.kind}`);
            observe(`before op ${i}`);
            if (op.kind === 'set') {
              if (users.get(idOf(op.user)) !== undefined) offers.set(idOf(op.user), op.offer);
            } else if (op.kind === 'delete') {
              users.delete(idOf(op.user));
            } else {
              const rows = op.rows.map((r) => ({
                userId: idOf(r.user),
                currentOffer: r.currentOffer,
                targetOffer: r.targetOffer,
              }));
              const report = service.MigrateOffers(
                scheduledRows(s, rows, `op ${i}`),
                {} as any,
              ) as Promise<any>;
              reports.push(report);
              const done = await report;
              if (done.rows !== rows.length)
                problems.push(`op ${i}: rows ${done.rows} of ${rows.length}`);
              if (done.migrated + done.skipped + done.failed !== done.rows) {
                problems.push(`op ${i}: counts do not add up: ${JSON.stringify(done)}`);
              }
            }
            observe(`after op ${i}`);
          });
          await s.waitFor(Promise.all(tasks));
          // Let the watcher catch up with the end of the log, then stop it.
          // (Its next step is scheduled only once its read resolves: between, let microtasks run.)
          for (let spins = 0; seen.length < offers.log.endOffset && spins < 10_000; spins++) {
            if (s.count() > 0) await s.waitOne();
            else await new Promise((resolve) => setImmediate(resolve));
          }
          controller.abort();
          await s.waitFor(watcher);

          const log = offers.log.slice();
          t.same(
            log.map((e) => e.offset),
            log.map((_, i) => i),
            'offsets are dense from 0',
          );
          t.same(
            seen,
            log.map((e) => e.offset),
            'the watcher saw the whole log, in order',
          );
          // Each user's events chain: every event starts from the previous one's target.
          for (const id of ids) {
            const own = log.filter((e) => e.userId === id);
            own.forEach((e, k) => {
              const expected = k === 0 ? '' : own[k - 1]!.toOffer;
              if (e.fromOffer !== expected)
                problems.push(`${id} event ${e.offset} from ${e.fromOffer}`);
            });
            const offer = offers.get(id);
            if (offer !== undefined && offer.offerCode !== (own.at(-1)?.toOffer ?? '')) {
              problems.push(`${id}: offer ${offer.offerCode} is not where its events lead`);
            }
          }
          const migrated = (await Promise.all(reports)).reduce((sum, r) => sum + r.migrated, 0);
          if (migrated !== log.filter((e) => e.migrationId === 'm').length) {
            problems.push(`${migrated} migrated rows but a different number of migration events`);
          }
          if (problems.length > 0) throw new Error(`${problems.join('\n')}\n${s.report()}`);
        },
      ),
      { numRuns: 150, seed: 20261122 },
    );
    t.pass('every interleaving kept the store and the log consistent');
  },
);
