// grpcurl (github.com/fullstorydev/grpcurl v1.9.3, grpc-go inside), the tool the README gives
// learners, against `handwire serve --demo` the way the README runs it: no --proto, everything
// learned through server reflection. Listing and describing (checked against proto/*.proto field
// for field), every method of user.UserService and offers.v1.OfferService in all four call shapes
// (several request messages on stdin with `-d @`), error details decoded (google.rpc.BadRequest),
// request metadata and the response headers and trailers `-v` shows.

import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { demoUserId } from '../../src/cli/demo-data.js';
import { Status } from '../../src/transport/status.js';
import { callClientStream, grpcJsClient } from '../helpers/grpc-js-proto.js';
import {
  formattedStatus,
  type GrpcurlStatus,
  jsonObjects,
  verboseCall,
} from '../helpers/grpcurl-output.js';
import { requireGoTool, skipUnless } from '../helpers/peer-tools.js';
import {
  declarationLines,
  declaredTypes,
  describedLines,
  fullName,
  loadProtos,
} from '../helpers/proto-declarations.js';
import { runTool, stopRunningTools, type ToolRun } from '../helpers/run-tool.js';
import { serverTrouble } from '../helpers/serve-log.js';
import { type ServeProcess, startServe } from '../helpers/serve-process.js';

const skip = skipUnless('grpcurl');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';
const USER_PROTO = fileURLToPath(new URL('../../proto/user.proto', import.meta.url));

/** What one grpcurl call printed, read: its messages, and its status when it failed. */
interface Outcome {
  run: ToolRun;
  messages: any[];
  /** `-format-error`'s status, undefined when the call succeeded (exit code 0). */
  status: GrpcurlStatus | undefined;
}

/** grpcurl against one server, plaintext, with a time limit on every run. */
function grpcurlAt(address: string) {
  const path = requireGoTool('grpcurl');
  const run = (args: string[], stdin?: string): Promise<ToolRun> =>
    runTool(path, ['-plaintext', ...args], { stdin, timeoutMs: 30_000 });
  return {
    run,
    address,
    /**
     * Calls `method` with `requests` written to stdin (`-d @`), several for the client-streaming
     * and bidi shapes: grpcurl reads them as JSON objects one after another.
     */
    async call(method: string, requests: object | object[], args: string[] = []): Promise<Outcome> {
      const stdin = (Array.isArray(requests) ? requests : [requests])
        .map((request) => JSON.stringify(request))
        .join('\n');
      const result = await run(
        ['-emit-defaults', '-format-error', ...args, '-d', '@', address, method],
        stdin,
      );
      if (result.timedOut) throw new Error(`grpcurl ${method} did not finish in 30 s`);
      return {
        run: result,
        messages: args.includes('-v')
          ? verboseCall(result.stdout).messages
          : jsonObjects(result.stdout),
        status: result.code === 0 ? undefined : formattedStatus(result.stderr),
      };
    },
  };
}

/** The field violations of the one google.rpc.BadRequest detail, as grpcurl decoded it. */
function fieldViolations(t: Test, status: GrpcurlStatus | undefined): string[] {
  const details = status?.details ?? [];
  t.equal(details.length, 1, 'one detail');
  const detail = details[0] ?? {};
  t.equal(detail['@type'], BAD_REQUEST);
  const error = detail['@error'];
  t.notOk(
    '@error' in detail,
    error === undefined ? 'decoded, no "@error"' : `not decoded: ${error}`,
  );
  t.notOk('@value' in detail, 'no raw bytes left undecoded');
  return (detail.fieldViolations ?? []).map((violation: { field: string }) => violation.field);
}

/** Asserts a failed call: grpcurl exits 64 + the code and prints the status. */
function failed(t: Test, outcome: Outcome, code: number, message?: RegExp): void {
  t.equal(outcome.status?.code, code, `status ${code}`);
  t.equal(outcome.run.code, 64 + code, 'grpcurl exits 64 + the status code');
  if (message !== undefined) t.match(outcome.status?.message, message);
}

/** The demo user `index` as grpcurl prints it (-emit-defaults; int64 as JSON strings). */
function demoUser(index: number): object {
  const name = `demo${String(index).padStart(4, '0')}`;
  const roles = ['ROLE_USER', 'ROLE_USER', 'ROLE_MODERATOR', 'ROLE_ADMIN'];
  return {
    id: demoUserId(index),
    username: name,
    email: `${name}@example.com`,
    fullName: `Demo User ${index}`,
    role: roles[index % 4],
  };
}

t.test('grpcurl against handwire serve --demo', { skip }, async (t) => {
  t.teardown(stopRunningTools);
  const serve = await startServe(['--demo']);
  t.teardown(() => serve.stop('SIGKILL'));
  const grpcurl = grpcurlAt(serve.address);

  t.test('list: the services reflection names, then the methods of one', async (t) => {
    const services = await grpcurl.run([serve.address, 'list']);
    t.equal(services.code, 0, services.stderr);
    t.same(services.stdout.trim().split('\n'), [
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'offers.v1.OfferService',
      'user.UserService',
    ]);
    const methods = await grpcurl.run([serve.address, 'list', 'user.UserService']);
    t.same(methods.stdout.trim().split('\n').sort(), [
      'user.UserService.BatchCreateUsers',
      'user.UserService.CreateUser',
      'user.UserService.DeleteUser',
      'user.UserService.GetUser',
      'user.UserService.ListUsers',
      'user.UserService.StreamUserUpdates',
    ]);
  });

  t.test('describe: every service, message and enum reads as in the .proto files', async (t) => {
    const root = loadProtos([
      'proto/user.proto',
      'proto/offers.proto',
      'proto/grpc/health/v1/health.proto',
    ]);
    const { messages, enums, services } = declaredTypes(root);
    t.equal(services.length, 3, 'UserService, OfferService, Health');
    t.equal(messages.length, 9 + 8 + 4, 'every message of user.proto, offers.proto, health.proto');
    const kinds: Array<[Array<Parameters<typeof declarationLines>[0]>, string]> = [
      [services, 'a service'],
      [messages, 'a message'],
      [enums, 'an enum'],
    ];
    for (const [types, kind] of kinds) {
      for (const type of types) {
        const symbol = fullName(type);
        const described = await grpcurl.run([serve.address, 'describe', symbol]);
        t.equal(described.code, 0, `describe ${symbol}: ${described.stderr}`);
        t.equal(described.stdout.split('\n')[0], `${symbol} is ${kind}:`);
        t.same(describedLines(described.stdout), declarationLines(type), symbol);
      }
    }
  });

  t.test(
    'describe google.rpc.BadRequest: the detail type the errors carry is served',
    async (t) => {
      const described = await grpcurl.run([serve.address, 'describe', 'google.rpc.BadRequest']);
      t.equal(described.code, 0, described.stderr);
      t.match(described.stdout, /^google\.rpc\.BadRequest is a message:\n/);
      t.same(describedLines(described.stdout), [
        'repeated .google.rpc.BadRequest.FieldViolation field_violations = 1;',
      ]);
      t.match(described.stdout, /\n {4}string field = 1;\n {4}string description = 2;\n/);
    },
  );

  t.test('CreateUser, then GetUser finds what it created', async (t) => {
    const created = await grpcurl.call('user.UserService/CreateUser', {
      username: 'ada_l',
      email: 'ada@example.com',
      full_name: 'Ada Lovelace',
      role: 'ROLE_ADMIN',
    });
    t.equal(created.run.code, 0, created.run.stderr);
    t.equal(created.messages.length, 1);
    const user = created.messages[0];
    t.match(user, { username: 'ada_l', email: 'ada@example.com', fullName: 'Ada Lovelace' });
    t.equal(user.role, 'ROLE_ADMIN');
    t.match(user.id, UUID);
    t.match(user.createdAt, /^\d{13}$/, 'int64 milliseconds, a JSON string');
    t.equal(user.updatedAt, user.createdAt);
    const found = await grpcurl.call('user.UserService/GetUser', { id: user.id });
    t.same(found.messages, [user]);

    const again = await grpcurl.call('user.UserService/CreateUser', {
      username: 'ada_l',
      email: 'other@example.com',
    });
    failed(t, again, Status.ALREADY_EXISTS, /ada_l/);
  });

  t.test('CreateUser with invalid fields: the BadRequest violations printed decoded', async (t) => {
    const outcome = await grpcurl.call('user.UserService/CreateUser', {
      username: 'x',
      email: 'nope',
      role: 'ROLE_ADMIN',
    });
    failed(t, outcome, Status.INVALID_ARGUMENT, /username/);
    t.same(fieldViolations(t, outcome.status), ['username', 'email']);
    const detail = outcome.status?.details?.[0];
    t.match(detail?.fieldViolations?.[0]?.description, /3 to 32 characters/);
    t.notMatch(outcome.run.stderr, /is not recognized/);
  });

  t.test('GetUser: a demo user by its reproducible id; unknown and empty ids', async (t) => {
    const found = await grpcurl.call('user.UserService/GetUser', { id: demoUserId(0) });
    t.equal(found.run.code, 0, found.run.stderr);
    t.match(found.messages, [demoUser(0)]);
    const missing = await grpcurl.call('user.UserService/GetUser', { id: 'nope' });
    failed(t, missing, Status.NOT_FOUND, /no user has id "nope"/);
    const empty = await grpcurl.call('user.UserService/GetUser', { id: '' });
    failed(t, empty, Status.INVALID_ARGUMENT);
    t.same(fieldViolations(t, empty.status), ['id']);
  });

  t.test('ListUsers: a server stream, filtered and limited; a bad filter', async (t) => {
    const admins = await grpcurl.call('user.UserService/ListUsers', {
      role_filter: 'ROLE_ADMIN',
      limit: 5,
    });
    t.equal(admins.run.code, 0, admins.run.stderr);
    // Every fourth demo user is an admin, listed in creation order.
    t.match(admins.messages, [3, 7, 11, 15, 19].map(demoUser));
    t.equal(admins.messages.length, 5);
    const bad = await grpcurl.call('user.UserService/ListUsers', { role_filter: 'ROLE_KING' });
    failed(t, bad, Status.INVALID_ARGUMENT);
    t.same(fieldViolations(t, bad.status), ['role_filter']);
  });

  t.test('BatchCreateUsers: a client stream of several messages on stdin', async (t) => {
    const requests = ['grace', 'alan', 'edsger'].map((name) => ({
      username: `${name}_b`,
      email: `${name}@example.org`,
      role: 'ROLE_MODERATOR',
    }));
    const batch = await grpcurl.call('user.UserService/BatchCreateUsers', requests);
    t.equal(batch.run.code, 0, batch.run.stderr);
    t.equal(batch.messages.length, 1, 'one response');
    const { createdCount, userIds } = batch.messages[0];
    t.equal(createdCount, 3);
    t.equal(userIds.length, 3);
    for (const [i, id] of (userIds as string[]).entries()) {
      const user = await grpcurl.call('user.UserService/GetUser', { id });
      t.match(user.messages, [{ id, username: requests[i]!.username, role: 'ROLE_MODERATOR' }]);
    }
    const invalid = await grpcurl.call('user.UserService/BatchCreateUsers', [
      { username: 'fine_one', email: 'fine@example.org' },
      { username: 'fine_two', email: 'not an email' },
    ]);
    failed(t, invalid, Status.INVALID_ARGUMENT);
    t.same(fieldViolations(t, invalid.status), ['requests[1].email']);
  });

  t.test('StreamUserUpdates: bidi, one answer per update, failures in band', async (t) => {
    const id = demoUserId(1);
    const updated = await grpcurl.call('user.UserService/StreamUserUpdates', [
      { user_id: id, field: 'full_name', value: 'Ada Byron' },
      { user_id: 'nope', field: 'email', value: 'a@b.co' },
      { user_id: id, field: 'color', value: 'blue' },
      { user_id: id, field: 'role', value: 'ROLE_ADMIN' },
    ]);
    t.equal(updated.run.code, 0, updated.run.stderr);
    t.same(
      updated.messages.map((m) => [m.userId, m.success]),
      [
        [id, true],
        ['nope', false],
        [id, false],
        [id, true],
      ],
    );
    t.equal(updated.messages[0].message, 'full_name updated');
    t.match(updated.messages[1].message, /nope/);
    t.match(updated.messages[2].message, /"color" is not one of/);
    const user = await grpcurl.call('user.UserService/GetUser', { id });
    t.match(user.messages, [{ fullName: 'Ada Byron', role: 'ROLE_ADMIN' }]);
  });

  t.test('DeleteUser: once, then the user is gone', async (t) => {
    const id = demoUserId(999);
    const deleted = await grpcurl.call('user.UserService/DeleteUser', { id });
    t.same(deleted.messages, [{ success: true }]);
    failed(t, await grpcurl.call('user.UserService/GetUser', { id }), Status.NOT_FOUND);
    failed(t, await grpcurl.call('user.UserService/DeleteUser', { id }), Status.NOT_FOUND);
  });

  t.test('SetUserOffer and GetUserOffer: a version per user, +1 per change', async (t) => {
    const id = demoUserId(5);
    const before = await grpcurl.call('offers.v1.OfferService/GetUserOffer', { user_id: id });
    t.match(before.messages, [{ userId: id, offerCode: 'PREMIUM', version: '1' }]);
    const set = await grpcurl.call('offers.v1.OfferService/SetUserOffer', {
      user_id: id,
      offer_code: 'GOLD',
    });
    t.equal(set.run.code, 0, set.run.stderr);
    t.match(set.messages, [{ userId: id, offerCode: 'GOLD', version: '2' }]);
    const after = await grpcurl.call('offers.v1.OfferService/GetUserOffer', { user_id: id });
    t.same(after.messages, set.messages);
    const invalid = await grpcurl.call('offers.v1.OfferService/SetUserOffer', {
      user_id: '',
      offer_code: 'gold!',
    });
    failed(t, invalid, Status.INVALID_ARGUMENT);
    t.same(fieldViolations(t, invalid.status), ['user_id', 'offer_code']);
    const unknown = await grpcurl.call('offers.v1.OfferService/GetUserOffer', { user_id: 'nope' });
    failed(t, unknown, Status.NOT_FOUND);
  });

  let migrationId = '';
  t.test('MigrateOffers: rows on stdin, one report with exact counts', async (t) => {
    const [plus, premium, basic] = [demoUserId(10), demoUserId(11), demoUserId(12)];
    const migrated = await grpcurl.call('offers.v1.OfferService/MigrateOffers', [
      { user_id: plus, current_offer: 'PLUS', target_offer: 'UNLIMITED' },
      { user_id: plus, current_offer: 'PLUS', target_offer: 'UNLIMITED' },
      { user_id: premium, current_offer: 'BASIC', target_offer: 'UNLIMITED' },
      { user_id: 'nope', current_offer: 'BASIC', target_offer: 'UNLIMITED' },
      { user_id: basic, current_offer: 'BASIC', target_offer: 'not a code' },
    ]);
    t.equal(migrated.run.code, 0, migrated.run.stderr);
    t.equal(migrated.messages.length, 1);
    const report = migrated.messages[0];
    t.match(report, { rows: 5, migrated: 1, skipped: 1, failed: 3 });
    t.match(report.migrationId, UUID);
    migrationId = report.migrationId;
    t.same(
      report.errors.map((error: { row: number; userId: string }) => [error.row, error.userId]),
      [
        [3, premium],
        [4, 'nope'],
        [5, basic],
      ],
    );
    t.match(report.errors[0].reason, /"PREMIUM", not "BASIC"/);
    t.match(report.errors[2].reason, /^invalid row: target_offer "not a code"/);
  });

  t.test('WatchOfferEvents: a user history replayed, then live until -max-time', async (t) => {
    const id = demoUserId(10);
    const watched = await grpcurl.call(
      'offers.v1.OfferService/WatchOfferEvents',
      { from_offset: 0, user_id: id },
      // Long enough for reflection and the history on a busy machine: it covers both.
      ['-max-time', '2.5'],
    );
    // The stream never ends by itself: the deadline grpcurl sends (grpc-timeout) ends it.
    failed(t, watched, Status.DEADLINE_EXCEEDED);
    t.match(watched.messages, [
      { userId: id, fromOffer: '', toOffer: 'PLUS', migrationId: '' },
      { userId: id, fromOffer: 'PLUS', toOffer: 'UNLIMITED', migrationId },
    ]);
    t.equal(watched.messages.length, 2, 'the two changes of that user, no other user');
    t.ok(Number(watched.messages[1].offset) > Number(watched.messages[0].offset), 'offsets rise');
  });

  t.test('grpc.health.v1.Health/Check', async (t) => {
    const health = await grpcurl.call('grpc.health.v1.Health/Check', { service: '' });
    t.same(health.messages, [{ status: 'SERVING' }]);
    const user = await grpcurl.call('grpc.health.v1.Health/Check', { service: 'user.UserService' });
    t.same(user.messages, [{ status: 'SERVING' }]);
  });

  t.test('-H x-request-id is echoed in the response headers -v prints', async (t) => {
    const outcome = await grpcurl.call('user.UserService/GetUser', { id: demoUserId(2) }, [
      '-v',
      '-H',
      'x-request-id: abc',
    ]);
    t.equal(outcome.run.code, 0, outcome.run.stderr);
    t.match(outcome.messages, [demoUser(2)]);
    const call = verboseCall(outcome.run.stdout);
    t.same(call.headers.get('x-request-id'), ['abc']);
    t.same(call.headers.get('content-type'), ['application/grpc']);
    // PROTOCOL-HTTP2.md: a server names the encodings it accepts, so a client can compress.
    t.ok(call.headers.has('grpc-accept-encoding'), 'grpc-accept-encoding in the response headers');
    t.match(call.headers.get('grpc-accept-encoding')?.[0], /\bgzip\b/);
  });

  t.test(
    'x-request-id: generated when absent; in the trailers of a Trailers-Only error',
    async (t) => {
      const generated = await grpcurl.call('user.UserService/ListUsers', { limit: 2 }, ['-v']);
      t.equal(generated.run.code, 0, generated.run.stderr);
      t.equal(generated.messages.length, 2);
      t.match(verboseCall(generated.run.stdout).headers.get('x-request-id')?.[0], UUID);

      const missing = await grpcurl.call('user.UserService/GetUser', { id: 'nope' }, [
        '-v',
        '-H',
        'x-request-id: req-404',
      ]);
      failed(t, missing, Status.NOT_FOUND);
      const call = verboseCall(missing.run.stdout);
      t.equal(call.headers.size, 0, 'no headers before the trailers: a Trailers-Only response');
      t.same(call.trailers.get('x-request-id'), ['req-404']);
    },
  );

  t.test('the server logged no error and sent no GOAWAY', async (t) => {
    await new Promise((resolve) => setTimeout(resolve, 100)); // pino writes asynchronously
    t.same(serverTrouble(serve.stderr()), []);
  });
});

/**
 * The long streams of a grpc-go client, on a server of their own (counts are exact there): over
 * a few thousand messages grpc-go starts BDP pings, which a server must not count as abuse.
 */
t.test('grpcurl: long streams run to the end', { skip }, async (t) => {
  t.teardown(stopRunningTools);
  const serve: ServeProcess = await startServe(['--demo']);
  t.teardown(() => serve.stop('SIGKILL'));
  const grpcurl = grpcurlAt(serve.address);
  const USERS = 11_000;
  let uploaded = 0;

  t.test(`BatchCreateUsers: ${USERS} messages on stdin, one response`, async (t) => {
    const requests = Array.from({ length: USERS }, (_, i) => ({
      username: `upload${i}`,
      email: `upload${i}@example.com`,
    }));
    const batch = await grpcurl.call('user.UserService/BatchCreateUsers', requests);
    t.equal(batch.run.code, 0, batch.run.stderr);
    t.equal(batch.messages[0]?.createdCount, USERS);
    uploaded = batch.messages[0]?.createdCount ?? 0;
  });

  t.test('ListUsers: every user, none lost', async (t) => {
    // Created through grpc-js, so that this test does not depend on the upload above.
    const client = grpcJsClient(USER_PROTO, 'user.UserService', serve.address);
    t.teardown(() => client.close());
    const created = await callClientStream(
      client,
      'BatchCreateUsers',
      Array.from({ length: USERS }, (_, i) => ({
        username: `listed${i}`,
        email: `listed${i}@example.com`,
      })),
    );
    t.equal(created.createdCount, USERS);
    const listed = await grpcurl.call('user.UserService/ListUsers', { limit: 0 });
    t.equal(listed.run.code, 0, listed.run.stderr);
    t.notMatch(listed.run.stderr, /too_many_pings/);
    const ids = listed.messages.map((user) => user.id as string);
    // Whatever the upload above managed, the demo users and grpc-js's must all be there, in order.
    const expected = [...Array.from({ length: 1000 }, (_, i) => demoUserId(i)), ...created.userIds];
    const present = new Set(ids);
    t.equal(
      expected.filter((id) => !present.has(id)).length,
      0,
      `every user listed (got ${ids.length})`,
    );
    t.equal(new Set(ids).size, ids.length, 'no user twice');
    t.equal(ids.length, 1000 + uploaded + USERS, "the demo users, the upload and grpc-js's");
  });

  t.test('the server logged no error and sent no GOAWAY', async (t) => {
    await new Promise((resolve) => setTimeout(resolve, 100)); // pino writes asynchronously
    t.same(serverTrouble(serve.stderr()), []);
  });
});
