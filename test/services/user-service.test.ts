// user.UserService as docs/contract.md §2 describe it, through a @grpc/grpc-js client.

import { fileURLToPath } from 'node:url';
import t from 'tap';
import { Server } from '../../src/server/server.js';
import { createUserService, UserServiceDefinition } from '../../src/services/user/user-service.js';
import { UserStore } from '../../src/store/user-store.js';
import { violatedFields } from '../helpers/bad-request.js';
import { call, callClientStream, collect, grpc, grpcJsClient } from '../helpers/grpc-js-proto.js';

const USER_PROTO = fileURLToPath(new URL('../../proto/user.proto', import.meta.url));

async function setup(t: any) {
  const store = new UserStore();
  const server = new Server();
  server.addService(UserServiceDefinition, createUserService(store));
  const { address } = await server.listen();
  const client = grpcJsClient(USER_PROTO, 'user.UserService', address);
  t.teardown(async () => {
    client.close();
    await server.forceClose();
  });
  return { client, store };
}

const fails = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call should have failed');
    },
    (error: grpc.ServiceError) => error,
  );

t.test('CreateUser stores and returns the user; GetUser finds it', async (t) => {
  const { client } = await setup(t);
  const before = Date.now();
  const user = await call(client, 'CreateUser', {
    username: 'ada.l',
    email: 'ada@example.com',
    fullName: 'Ada',
    role: 'ROLE_ADMIN',
  });
  t.match(user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(user.role, 'ROLE_ADMIN');
  t.ok(user.createdAt >= before && user.createdAt <= Date.now());
  t.equal(user.createdAt, user.updatedAt);
  t.same(await call(client, 'GetUser', { id: user.id }), user);
  const defaulted = await call(client, 'CreateUser', { username: 'bob', email: 'bob@example.com' });
  t.equal(defaulted.role, 'ROLE_USER', 'ROLE_UNSPECIFIED is stored as ROLE_USER');
});

t.test('CreateUser validation names every bad field', async (t) => {
  const { client } = await setup(t);
  const error = await fails(
    call(client, 'CreateUser', {
      username: 'a b',
      email: 'no-at-sign',
      fullName: 'x'.repeat(201),
      role: 7,
    }),
  );
  t.equal(error.code, grpc.status.INVALID_ARGUMENT);
  t.same(violatedFields(error).sort(), ['email', 'full_name', 'role', 'username']);
  const cases: Array<[object, string]> = [
    [{ username: 'ab', email: 'a@b.co' }, 'username'],
    [{ username: 'x'.repeat(33), email: 'a@b.co' }, 'username'],
    [{ username: 'okay', email: 'a@@b.co' }, 'email'],
    [{ username: 'okay', email: '@b.co' }, 'email'],
    [{ username: 'okay', email: 'a@bco' }, 'email'],
    [{ username: 'okay', email: 'a b@c.co' }, 'email'],
    [{ username: 'okay', email: `${'a'.repeat(250)}@b.co` }, 'email'],
  ];
  for (const [request, field] of cases) {
    const e = await fails(call(client, 'CreateUser', request));
    t.same(violatedFields(e), [field], JSON.stringify(request).slice(0, 60));
  }
  const ok = await call(client, 'CreateUser', {
    username: 'fine',
    email: 'a@b.co',
    fullName: '😈'.repeat(200),
  });
  t.equal(ok.fullName.length, 400, '200 characters are counted as characters, not UTF-16 units');
});

t.test('duplicates are ALREADY_EXISTS, case-insensitively', async (t) => {
  const { client } = await setup(t);
  await call(client, 'CreateUser', { username: 'Ada', email: 'ada@example.com' });
  for (const request of [
    { username: 'ADA', email: 'other@example.com' },
    { username: 'other', email: 'ADA@EXAMPLE.COM' },
  ]) {
    const error = await fails(call(client, 'CreateUser', request));
    t.equal(error.code, grpc.status.ALREADY_EXISTS);
  }
});

t.test('GetUser: empty id INVALID_ARGUMENT; unknown or non-UUID id NOT_FOUND', async (t) => {
  const { client } = await setup(t);
  t.equal((await fails(call(client, 'GetUser', { id: '' }))).code, grpc.status.INVALID_ARGUMENT);
  t.equal((await fails(call(client, 'GetUser', { id: 'not-a-uuid' }))).code, grpc.status.NOT_FOUND);
  t.equal(
    (await fails(call(client, 'GetUser', { id: '3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b' }))).code,
    grpc.status.NOT_FOUND,
  );
});

t.test('ListUsers streams in creation order, filtered by role and limited', async (t) => {
  const { client } = await setup(t);
  const roles = ['ROLE_USER', 'ROLE_ADMIN', 'ROLE_MODERATOR'];
  for (let i = 0; i < 9; i++) {
    await call(client, 'CreateUser', {
      username: `user${i}`,
      email: `u${i}@example.com`,
      role: roles[i % 3],
    });
  }
  const all = await collect(client, 'ListUsers', {});
  t.same(
    all.map((u) => u.username),
    Array.from({ length: 9 }, (_, i) => `user${i}`),
  );
  const admins = await collect(client, 'ListUsers', { roleFilter: 'ROLE_ADMIN' });
  t.same(
    admins.map((u) => u.username),
    ['user1', 'user4', 'user7'],
  );
  t.equal((await collect(client, 'ListUsers', { limit: 4 })).length, 4);
  for (const bad of [{ roleFilter: 'ROLE_UNSPECIFIED' }, { roleFilter: 'admin' }, { limit: -1 }]) {
    const error = await fails(collect(client, 'ListUsers', bad));
    t.equal(error.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(bad));
  }
});

t.test('BatchCreateUsers is all or nothing and names requests[i].field', async (t) => {
  const { client } = await setup(t);
  await call(client, 'CreateUser', { username: 'taken', email: 'taken@example.com' });
  const invalid = await fails(
    callClientStream(client, 'BatchCreateUsers', [
      { username: 'good', email: 'good@example.com' },
      { username: 'x', email: 'bad' },
    ]),
  );
  t.equal(invalid.code, grpc.status.INVALID_ARGUMENT);
  t.same(violatedFields(invalid), ['requests[1].username', 'requests[1].email']);

  const collision = await fails(
    callClientStream(client, 'BatchCreateUsers', [
      { username: 'first', email: 'first@example.com' },
      { username: 'FIRST', email: 'second@example.com' },
      { username: 'taken', email: 'third@example.com' },
    ]),
  );
  t.equal(collision.code, grpc.status.ALREADY_EXISTS);
  t.same(violatedFields(collision), ['requests[1].username', 'requests[2].username']);
  t.equal(
    (await collect(client, 'ListUsers', {})).length,
    1,
    'nothing of a failed batch was stored',
  );

  const created = await callClientStream(client, 'BatchCreateUsers', [
    { username: 'one', email: 'one@example.com' },
    { username: 'two', email: 'two@example.com' },
  ]);
  t.equal(created.createdCount, 2);
  const listed = await collect(client, 'ListUsers', {});
  t.same(
    created.userIds,
    listed.slice(1).map((u) => u.id),
    'ids in request order',
  );
  const empty = await callClientStream(client, 'BatchCreateUsers', []);
  t.equal(empty.createdCount, 0);
});

t.test('StreamUserUpdates answers each request in order; failures are in band', async (t) => {
  const { client } = await setup(t);
  const ada = await call(client, 'CreateUser', { username: 'ada', email: 'ada@example.com' });
  const bob = await call(client, 'CreateUser', { username: 'bob', email: 'bob@example.com' });
  const stream = client.StreamUserUpdates();
  const requests = [
    { userId: ada.id, field: 'full_name', value: 'Ada Lovelace' },
    { userId: ada.id, field: 'email', value: 'BOB@example.com' },
    { userId: 'nobody', field: 'role', value: 'ROLE_ADMIN' },
    { userId: ada.id, field: 'role', value: 'ROLE_UNSPECIFIED' },
    { userId: ada.id, field: 'nickname', value: 'x' },
    { userId: ada.id, field: 'email', value: 'ADA@example.com' },
    { userId: ada.id, field: 'role', value: 'ROLE_MODERATOR' },
    { userId: ada.id, field: 'username', value: 'ada' },
  ];
  const responses: any[] = [];
  const done = (async () => {
    for await (const response of stream) responses.push(response);
  })();
  for (const request of requests) stream.write(request);
  stream.end();
  await done;
  t.same(
    responses.map((r) => r.success),
    [true, false, false, false, false, true, true, true],
  );
  t.match(responses[1].message, /already taken/);
  t.match(responses[2].message, /no user/);
  t.same(
    responses.map((r) => r.userId),
    requests.map((r) => r.userId),
  );
  const after = await call(client, 'GetUser', { id: ada.id });
  t.equal(after.fullName, 'Ada Lovelace');
  t.equal(after.email, 'ADA@example.com');
  t.equal(after.role, 'ROLE_MODERATOR');
  t.ok(after.updatedAt >= ada.updatedAt);
  t.ok(bob);
});

t.test('DeleteUser frees the username and email', async (t) => {
  const { client } = await setup(t);
  const ada = await call(client, 'CreateUser', { username: 'ada', email: 'ada@example.com' });
  t.equal((await fails(call(client, 'DeleteUser', { id: '' }))).code, grpc.status.INVALID_ARGUMENT);
  t.equal((await fails(call(client, 'DeleteUser', { id: 'nope' }))).code, grpc.status.NOT_FOUND);
  t.same(await call(client, 'DeleteUser', { id: ada.id }), { success: true });
  t.equal((await fails(call(client, 'GetUser', { id: ada.id }))).code, grpc.status.NOT_FOUND);
  t.ok(await call(client, 'CreateUser', { username: 'ADA', email: 'Ada@Example.com' }));
});

t.test(
  '200 parallel creates of 100 distinct usernames over the wire: exactly 100 succeed',
  async (t) => {
    const { client } = await setup(t);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        call(client, 'CreateUser', { username: `name${i % 100}`, email: `mail${i}@example.com` }),
      ),
    );
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 100);
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    t.ok(rejected.every((r) => r.reason.code === grpc.status.ALREADY_EXISTS));
    t.equal((await collect(client, 'ListUsers', {})).length, 100);
  },
);
