// The --demo data set: ids that are the same on every run and shaped like version-4 UUIDs, and a
// first offer per user, so a file generated without a server matches any --demo server.

import t from 'tap';
import {
  DEMO_OFFERS,
  DEMO_USER_COUNT,
  demoOffer,
  demoUserId,
  seedDemoUsers,
} from '../../src/cli/demo-data.js';
import { OfferStore } from '../../src/store/offer-store.js';
import { UserStore } from '../../src/store/user-store.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('demo ids are reproducible, distinct and version-4 shaped', async (t) => {
  // Pinned: a change here would break every file generated before it.
  t.equal(demoUserId(0), '742a1b72-69c4-4492-b44e-9918dcb002a6');
  const ids = Array.from({ length: 5000 }, (_, i) => demoUserId(i));
  t.ok(ids.every((id) => UUID_V4.test(id)));
  t.equal(new Set(ids).size, ids.length);
  t.equal(demoUserId(123), ids[123]);
});

t.test('demo offers go round BASIC, PLUS, PREMIUM', async (t) => {
  t.same([0, 1, 2, 3, 999].map(demoOffer), ['BASIC', 'PLUS', 'PREMIUM', 'BASIC', 'BASIC']);
  t.same(DEMO_OFFERS, ['BASIC', 'PLUS', 'PREMIUM']);
});

t.test('seeding creates the users with those ids and gives each its offer', async (t) => {
  const users = new UserStore();
  const offers = new OfferStore(users);
  const seeded = seedDemoUsers(users, offers);
  t.equal(seeded.length, DEMO_USER_COUNT);
  t.match(seeded[0], { id: demoUserId(0), username: 'demo0000', email: 'demo0000@example.com' });
  t.match(seeded[999], { id: demoUserId(999), username: 'demo0999' });
  for (const i of [0, 1, 2, 500, 999]) {
    t.match(offers.get(demoUserId(i)), { offerCode: demoOffer(i), version: 1 });
  }
  t.equal(offers.log.endOffset, DEMO_USER_COUNT, 'one offer event per user');
});

t.test('a smaller count keeps the same ids and offers', async (t) => {
  const users = new UserStore();
  const offers = new OfferStore(users);
  const seeded = seedDemoUsers(users, offers, 3);
  t.same(
    seeded.map((user) => user.id),
    [demoUserId(0), demoUserId(1), demoUserId(2)],
  );
  t.equal(users.get(demoUserId(3)), undefined);
  t.equal(offers.get(demoUserId(2))?.offerCode, 'PREMIUM');
});
