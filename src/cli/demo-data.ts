// The --demo data set: a thousand users to call right away (README: ghz and grpcurl examples).

import type { StoredUser, UserStore } from '../store/user-store.js';
import { Role } from '../wire/messages/user.js';

const ROLES = [Role.ROLE_USER, Role.ROLE_USER, Role.ROLE_MODERATOR, Role.ROLE_ADMIN];

/** Creates `count` users named demo0000, demo0001, … and returns them in creation order. */
export function seedDemoUsers(store: UserStore, count = 1000): StoredUser[] {
  const width = Math.max(4, String(count - 1).length);
  return store.createMany(
    Array.from({ length: count }, (_, i) => {
      const name = `demo${String(i).padStart(width, '0')}`;
      return {
        username: name,
        email: `${name}@example.com`,
        fullName: `Demo User ${i}`,
        role: ROLES[i % ROLES.length]!,
      };
    }),
  );
}
