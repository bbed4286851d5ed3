// The --demo data set: a thousand users with reproducible ids and a first offer each, so that
// `handwire gen-csv` can write a migration file that matches a --demo server it never talked to
// (README "handwire migrate"; docs/contract.md §2 offers.v1.OfferService).

import { createHash } from 'node:crypto';
import type { OfferStore } from '../store/offer-store.js';
import type { StoredUser, UserStore } from '../store/user-store.js';
import { Role } from '../wire/messages/user.js';

/** How many users `handwire serve --demo` seeds. */
export const DEMO_USER_COUNT = 1000;

/** The offers demo users start on, by index: user i has DEMO_OFFERS[i % 3]. */
export const DEMO_OFFERS = ['BASIC', 'PLUS', 'PREMIUM'] as const;

const ROLES = [Role.ROLE_USER, Role.ROLE_USER, Role.ROLE_MODERATOR, Role.ROLE_ADMIN];

/**
 * The id of demo user `index`: a UUID of the version-4 shape (RFC 9562 §5.4) whose bits come from
 * SHA-256 of "handwire-demo-<index>" instead of a random source, so every --demo server and every
 * generated file agree on it.
 */
export function demoUserId(index: number): string {
  const bytes = createHash('sha256').update(`handwire-demo-${index}`).digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10xx (RFC 9562)
  const hex = bytes.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The offer demo user `index` starts on. */
export function demoOffer(index: number): string {
  return DEMO_OFFERS[index % DEMO_OFFERS.length]!;
}

/**
 * Creates `count` users named demo0000, demo0001, … with the ids of `demoUserId`, gives user i the
 * offer `demoOffer(i)` (one offer event each), and returns the users in creation order.
 */
export function seedDemoUsers(
  users: UserStore,
  offers: Pick<OfferStore, 'set'>,
  count = DEMO_USER_COUNT,
): StoredUser[] {
  const width = Math.max(4, String(count - 1).length);
  const created = users.createMany(
    Array.from({ length: count }, (_, i) => {
      const name = `demo${String(i).padStart(width, '0')}`;
      return {
        id: demoUserId(i),
        username: name,
        email: `${name}@example.com`,
        fullName: `Demo User ${i}`,
        role: ROLES[i % ROLES.length]!,
      };
    }),
  );
  created.forEach((user, i) => {
    offers.set(user.id, demoOffer(i));
  });
  return created;
}
