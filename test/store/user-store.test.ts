// The user store's rules and its atomicity under interleaved async callers (docs/contract.md §2),
// explored with fast-check's scheduler through the user service's handlers, where the awaits are.

import fc from 'fast-check';
import t from 'tap';
import { createUserService } from '../../src/services/user/user-service.js';
import { ConflictError, UserNotFoundError, UserStore } from '../../src/store/user-store.js';
import { Role } from '../../src/wire/messages/user.js';

const newUser = (name: string, email = `${name}@example.com`) => ({
  username: name,
  email,
  fullName: name,
  role: Role.ROLE_USER,
});

t.test(
  'usernames and emails are unique, compared case-insensitively, stored as given',
  async (t) => {
    let clock = 1000;
    const store = new UserStore({ now: () => clock++ });
    const ada = store.create(newUser('Ada', 'Ada@Example.com'));
    t.equal(ada.username, 'Ada');
    t.equal(ada.createdAt, ada.updatedAt);
    t.match(ada.id, /^[0-9a-f-]{36}$/);
    t.throws(() => store.create(newUser('ADA', 'other@example.com')), ConflictError);
    t.throws(() => store.create(newUser('other', 'ada@EXAMPLE.com')), ConflictError);
    t.equal(store.size, 1);
  },
);

t.test('a user may change the case of their own email; nobody else may take it', async (t) => {
  let clock = 1000;
  const store = new UserStore({ now: () => clock++ });
  const ada = store.create(newUser('ada'));
  const bob = store.create(newUser('bob'));
  const updated = store.update(ada.id, 'email', 'ADA@example.com');
  t.equal(updated.email, 'ADA@example.com');
  t.ok(updated.updatedAt > ada.updatedAt);
  t.throws(() => store.update(bob.id, 'email', 'ada@example.com'), ConflictError);
  t.equal(store.update(ada.id, 'fullName', 'ada'), store.get(ada.id), 'same value: no change');
  t.equal(store.get(ada.id)!.updatedAt, updated.updatedAt);
  t.throws(() => store.update('nope', 'role', 2), UserNotFoundError);
});

t.test('a batch is all or nothing; within it the later request is named', async (t) => {
  const store = new UserStore();
  store.create(newUser('taken'));
  let error: ConflictError | undefined;
  try {
    store.createMany([
      newUser('a'),
      newUser('b'),
      newUser('A', 'x@example.com'),
      newUser('taken', 'y@example.com'),
    ]);
  } catch (e) {
    error = e as ConflictError;
  }
  t.same(
    error?.conflicts.map((c) => [c.index, c.field]),
    [
      [2, 'username'],
      [3, 'username'],
    ],
  );
  t.equal(store.size, 1, 'nothing of the batch was stored');
  t.equal(store.createMany([newUser('a'), newUser('b')]).length, 2);
});

t.test('delete frees the username and email; list keeps creation order', async (t) => {
  const store = new UserStore();
  const [a, b, c] = store.createMany([newUser('a'), newUser('b'), newUser('c')]);
  store.update(a!.id, 'username', 'a2');
  t.same(
    store.list().map((u) => u.username),
    ['a2', 'b', 'c'],
    'an update keeps the position',
  );
  t.equal(store.delete(b!.id)?.id, b!.id);
  t.equal(store.delete(b!.id), undefined);
  t.ok(store.create(newUser('b')));
  t.same(
    store.list().map((u) => u.username),
    ['a2', 'c', 'b'],
  );
  t.same(
    store.list({ limit: 2 }).map((u) => u.username),
    ['a2', 'c'],
  );
  t.same(store.list({ role: Role.ROLE_ADMIN }), []);
  t.ok(c);
});

t.test('the change feed reports creates, updates and deletes', async (t) => {
  const store = new UserStore();
  const changes = store.changes.subscribe();
  const user = store.create(newUser('a'));
  store.update(user.id, 'role', Role.ROLE_ADMIN);
  store.delete(user.id);
  const kinds = [];
  for (let i = 0; i < 3; i++) kinds.push((await changes.next()).value.kind);
  t.same(kinds, ['created', 'updated', 'deleted']);
});

// --- interleavings -------------------------------------------------------------------------

type Op =
  | { kind: 'create'; name: number }
  | { kind: 'batch'; names: number[] }
  | { kind: 'rename'; target: number; name: number }
  | { kind: 'delete'; target: number }
  | { kind: 'list' };

const nameArb = fc.integer({ min: 0, max: 7 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), name: nameArb }),
  fc.record({
    kind: fc.constant('batch' as const),
    names: fc.array(nameArb, { minLength: 0, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('rename' as const), target: nameArb, name: nameArb }),
  fc.record({ kind: fc.constant('delete' as const), target: nameArb }),
  fc.record({ kind: fc.constant('list' as const) }),
);

/** Resolves with the value, or undefined for a call that failed (the invariants are what count). */
const settle = <T>(value: T | Promise<T>): Promise<T | undefined> =>
  Promise.resolve(value).catch(() => undefined);

/**
 * Lets the scheduler release one step at a time until `work` settles. Between steps, a turn of
 * the event loop lets calls that are not waiting on the scheduler reach their next scheduled step.
 */
async function runToCompletion(s: fc.Scheduler, work: Promise<unknown>): Promise<void> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  while (!settled) {
    if (s.count() > 0) await s.waitOne();
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
}

/** Names differ only by case across ops, so case-insensitive collisions are common. */
const spell = (n: number, variant: number) => (variant % 2 === 0 ? `user${n}` : `USER${n}`);

t.test('invariants hold under every interleaving of concurrent calls', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(opArb, { minLength: 1, maxLength: 12 }),
      async (s, ops) => {
        const store = new UserStore();
        const service = createUserService(store);
        const batchesCommitted: string[][] = [];
        const context = {} as never;

        const run = ops.map(async (op, i) => {
          switch (op.kind) {
            case 'create':
              await s.schedule(Promise.resolve());
              await settle(service.CreateUser(newUser(spell(op.name, i)), context));
              return;
            case 'batch': {
              const names = op.names;
              // The batch's requests arrive one by one, with other calls running in between.
              async function* requests() {
                for (const n of names) {
                  await s.schedule(Promise.resolve());
                  yield newUser(spell(n, i), `${spell(n, i)}-${i}@example.com`);
                }
              }
              const result = await settle(service.BatchCreateUsers(requests(), context));
              if (result) batchesCommitted.push(result.userIds);
              return;
            }
            case 'rename': {
              await s.schedule(Promise.resolve());
              const target = store
                .list()
                .find((u) => u.username.toLowerCase() === `user${op.target}`);
              if (target === undefined) return;
              const updates = service.StreamUserUpdates(
                (async function* () {
                  await s.schedule(Promise.resolve());
                  yield { userId: target.id, field: 'username', value: spell(op.name, i) };
                })(),
                context,
              );
              for await (const _ of updates);
              return;
            }
            case 'delete': {
              await s.schedule(Promise.resolve());
              const target = store
                .list()
                .find((u) => u.username.toLowerCase() === `user${op.target}`);
              if (target) await settle(service.DeleteUser({ id: target.id }, context));
              return;
            }
            case 'list': {
              const listed = [];
              for await (const user of service.ListUsers({ roleFilter: '', limit: 0 }, context)) {
                await s.schedule(Promise.resolve());
                listed.push(user);
              }
              for (const user of listed)
                if (!user.id || !user.username) throw new Error('half a user');
              return;
            }
          }
        });
        // Release scheduled steps, in the order fast-check picks, until every call has finished.
        await runToCompletion(s, Promise.all(run));

        const users = store.list();
        const usernames = users.map((u) => u.username.toLowerCase());
        const emails = users.map((u) => u.email.toLowerCase());
        if (new Set(usernames).size !== usernames.length)
          throw new Error(`duplicate username: ${usernames}`);
        if (new Set(emails).size !== emails.length) throw new Error(`duplicate email: ${emails}`);
        if (users.length !== store.size) throw new Error('size disagrees with the list');
        for (const user of users)
          if (store.get(user.id) !== user) throw new Error('index out of step');
        // A committed batch was stored whole: all its ids existed together (some may be deleted since).
        for (const ids of batchesCommitted)
          if (new Set(ids).size !== ids.length) throw new Error('duplicate ids');
        // Every free name can be taken again: deletes and renames freed what they released.
        for (let n = 0; n < 8; n++) {
          if (!usernames.includes(`user${n}`))
            store.create(newUser(`user${n}`, `fresh${n}@example.com`));
        }
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 interleavings checked');
});

t.test('200 parallel creates of 100 distinct usernames: exactly 100 succeed', async (t) => {
  const store = new UserStore();
  const service = createUserService(store);
  const results = await Promise.allSettled(
    Array.from({ length: 200 }, (_, i) =>
      service.CreateUser(newUser(`name${i % 100}`, `mail${i}@example.com`), {} as never),
    ),
  );
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 100);
  t.equal(store.size, 100);
});
