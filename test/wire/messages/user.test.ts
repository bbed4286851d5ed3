// Tests of the codecs for proto/user.proto (protobuf.dev "Encoding"; proto3 semantics): property
// tests against protobufjs, then the proto3 rules on hand-made bytes.

import fc from 'fast-check';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js';
import {
  BatchCreateResponseCodec,
  CreateUserRequestCodec,
  DeleteUserRequestCodec,
  DeleteUserResponseCodec,
  GetUserRequestCodec,
  ListUsersRequestCodec,
  Role,
  type User,
  UserCodec,
  UserUpdateRequestCodec,
  UserUpdateResponseCodec,
} from '../../../src/wire/messages/user.js';
import { Reader } from '../../../src/wire/reader.js';
import { WireError } from '../../../src/wire/wire-error.js';
import {
  protoBool,
  protoEnum,
  protoInt32,
  protoInt64,
  protoRepeated,
  protoString,
} from '../../helpers/codec-arbitraries.js';
import { testCodecAgainstProtobufjs } from '../../helpers/codec-properties.js';
import { referenceDecode, referenceEncode, referenceRoot } from '../../helpers/codec-protobufjs.js';

const roleArb = protoEnum(Object.values(Role));

const userArb: fc.Arbitrary<User> = fc.record({
  id: protoString,
  username: protoString,
  email: protoString,
  fullName: protoString,
  role: roleArb,
  createdAt: protoInt64,
  updatedAt: protoInt64,
});

testCodecAgainstProtobufjs({ codec: UserCodec, arbitrary: userArb });
testCodecAgainstProtobufjs({
  codec: CreateUserRequestCodec,
  arbitrary: fc.record({
    username: protoString,
    email: protoString,
    fullName: protoString,
    role: roleArb,
  }),
});
testCodecAgainstProtobufjs({
  codec: GetUserRequestCodec,
  arbitrary: fc.record({ id: protoString }),
});
testCodecAgainstProtobufjs({
  codec: ListUsersRequestCodec,
  arbitrary: fc.record({ roleFilter: protoString, limit: protoInt32 }),
});
testCodecAgainstProtobufjs({
  codec: BatchCreateResponseCodec,
  arbitrary: fc.record({ createdCount: protoInt32, userIds: protoRepeated(protoString) }),
});
testCodecAgainstProtobufjs({
  codec: UserUpdateRequestCodec,
  arbitrary: fc.record({ userId: protoString, field: protoString, value: protoString }),
});
testCodecAgainstProtobufjs({
  codec: UserUpdateResponseCodec,
  arbitrary: fc.record({ userId: protoString, success: protoBool, message: protoString }),
});
testCodecAgainstProtobufjs({
  codec: DeleteUserRequestCodec,
  arbitrary: fc.record({ id: protoString }),
});
testCodecAgainstProtobufjs({
  codec: DeleteUserResponseCodec,
  arbitrary: fc.record({ success: protoBool }),
});

/** Bytes from hex digits; whitespace and `-- comments` to the end of a line are ignored. */
const hex = (text: string): Buffer =>
  Buffer.from(text.replace(/--[^\n]*/g, '').replace(/\s+/g, ''), 'hex');

/** What UTF-8 can carry of a string: each lone surrogate replaced by U+FFFD. */
const wellFormed = (text: string): string =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const sampleUser: User = {
  id: '0b9e8f5c-3c1d-4a8e-9c55-2f7a9d1e6b40',
  username: 'ada',
  email: 'ada@example.com',
  fullName: 'Ada Lovelace',
  role: Role.ROLE_ADMIN,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_123_456,
};

t.test('Role lists the enum values of user.proto', (t) => {
  const reference = referenceRoot.lookupEnum('user.Role').values;
  t.same({ ...Role }, reference);
  t.end();
});

t.test('a message with every field at its default encodes to no bytes', (t) => {
  t.equal(encodeMessage(CreateUserRequestCodec, CreateUserRequestCodec.create()).length, 0);
  t.equal(encodeMessage(UserCodec, UserCodec.create()).length, 0);
  t.equal(CreateUserRequestCodec.size({ username: '', email: '', fullName: '', role: 0 }), 0);
  t.same(decodeMessage(CreateUserRequestCodec, new Uint8Array(0)), CreateUserRequestCodec.create());
  t.end();
});

t.test('a known User encodes to the bytes the encoding guide gives', (t) => {
  const bytes = encodeMessage(UserCodec, {
    ...UserCodec.create(),
    id: 'a',
    role: Role.ROLE_MODERATOR,
    createdAt: 150,
  });
  // 0a 01 'a' | 28 03 | 30 96 01 (150 as in protobuf.dev's first varint example)
  t.equal(bytes.toString('hex'), '0a0161280330' + '9601');
  t.end();
});

t.test('a scalar seen twice keeps the last value', (t) => {
  const user = decodeMessage(
    UserCodec,
    hex(`0a 01 61   28 01   30 01
         0a 01 62   28 02   30 02`),
  );
  t.equal(user.id, 'b');
  t.equal(user.role, 2);
  t.equal(user.createdAt, 2);
  // A later field at its default still wins: the sender meant it.
  const reset = decodeMessage(CreateUserRequestCodec, hex('20 02 20 00 0a 01 78 0a 00'));
  t.same(reset, { username: '', email: '', fullName: '', role: 0 });
  t.end();
});

t.test('an unknown enum value is kept as its number and written back unchanged', (t) => {
  for (const role of [4, 99, 2147483647, -1, -2147483648]) {
    const request = { username: 'u', email: '', fullName: '', role };
    const bytes = encodeMessage(CreateUserRequestCodec, request);
    t.equal(decodeMessage(CreateUserRequestCodec, bytes).role, role, `role ${role}`);
    const reference = referenceDecode(referenceRoot.lookupType('user.CreateUserRequest'), bytes);
    t.equal(reference.role, role, `protobufjs reads role ${role} the same`);
  }
  // A negative enum is an int32: sign-extended to a ten-byte varint, as protobuf requires.
  const negative = encodeMessage(CreateUserRequestCodec, {
    username: '',
    email: '',
    fullName: '',
    role: -1,
  });
  t.equal(negative.toString('hex'), '20ffffffffffffffffff01');
  t.end();
});

t.test('a known field arriving with another wire type is skipped', (t) => {
  const user = decodeMessage(
    UserCodec,
    hex(`08 96 01                   -- id (a string) as a varint
         2a 02 08 01                -- role (a varint) as length-delimited
         31 01 02 03 04 05 06 07 08 -- createdAt (a varint) as fixed64
         3d 01 02 03 04             -- updatedAt as fixed32
         13 08 01 14                -- username as a group holding a field
         12 03 62 6f 62             -- username, as it should be`),
  );
  t.same(user, { ...UserCodec.create(), username: 'bob' });
  t.end();
});

t.test('a scalar read merges into an existing message', (t) => {
  const into = { ...sampleUser };
  const merged = UserCodec.read(new Reader(hex('12 03 62 6f 62')), into);
  t.equal(merged, into, 'fills the message it was given');
  t.same(merged, { ...sampleUser, username: 'bob' });
  const batch = { createdCount: 1, userIds: ['x'] };
  BatchCreateResponseCodec.read(new Reader(hex('12 01 79 08 02')), batch);
  t.same(batch, { createdCount: 2, userIds: ['x', 'y'] }, 'a repeated field appends');
  t.end();
});

t.test('repeated strings keep empty elements and their order', (t) => {
  const response = { createdCount: 3, userIds: ['', 'a', 'bc'] };
  const bytes = encodeMessage(BatchCreateResponseCodec, response);
  t.equal(bytes.toString('hex'), '0803' + '1200' + '120161' + '12026263');
  t.same(decodeMessage(BatchCreateResponseCodec, bytes), response);
  t.end();
});

t.test('int64 beyond the safe range: a RangeError to encode, a WireError to decode', (t) => {
  t.throws(() => encodeMessage(UserCodec, { ...sampleUser, createdAt: 2 ** 53 }), RangeError);
  t.throws(() => encodeMessage(UserCodec, { ...sampleUser, updatedAt: 1.5 }), RangeError);
  const beyond = referenceEncode(referenceRoot.lookupType('user.User'), {
    createdAt: '9007199254740992',
  });
  t.throws(() => decodeMessage(UserCodec, beyond), WireError);
  const largest = referenceEncode(referenceRoot.lookupType('user.User'), {
    createdAt: '-9007199254740991',
  });
  t.equal(decodeMessage(UserCodec, largest).createdAt, -9007199254740991);
  t.end();
});

t.test('a bool is true for any non-zero varint, written as 1', (t) => {
  t.equal(decodeMessage(DeleteUserResponseCodec, hex('08 02')).success, true);
  t.equal(decodeMessage(DeleteUserResponseCodec, hex('08 80 80 80 80 10')).success, true);
  t.equal(decodeMessage(DeleteUserResponseCodec, hex('08 00')).success, false);
  t.equal(encodeMessage(DeleteUserResponseCodec, { success: true }).toString('hex'), '0801');
  t.equal(encodeMessage(UserUpdateResponseCodec, UserUpdateResponseCodec.create()).length, 0);
  t.end();
});

t.test('strings: a lone surrogate is written as U+FFFD and sized to match', (t) => {
  for (const id of ['\ud800', 'a\udc00b', `${'x'.repeat(70)}\ud83d`, '\ud83d\ude00']) {
    const bytes = encodeMessage(GetUserRequestCodec, { id });
    t.equal(bytes.length, GetUserRequestCodec.size({ id }), JSON.stringify(id));
    t.equal(decodeMessage(GetUserRequestCodec, bytes).id, wellFormed(id), JSON.stringify(id));
  }
  t.end();
});

t.test('decodes from a plain Uint8Array view that starts inside a larger buffer', (t) => {
  const bytes = encodeMessage(UserCodec, sampleUser);
  const backing = new ArrayBuffer(bytes.length + 10);
  const view = new Uint8Array(backing, 7, bytes.length);
  view.set(bytes);
  new Uint8Array(backing).fill(0xff, 0, 7);
  t.same(decodeMessage(UserCodec, view), sampleUser);
  t.end();
});

t.test('malformed input is a WireError, not a wrong message', (t) => {
  const bytes = encodeMessage(UserCodec, sampleUser);
  for (let cut = 1; cut < bytes.length; cut++) {
    const prefix = bytes.subarray(0, cut);
    try {
      const user = decodeMessage(UserCodec, prefix);
      // A cut on a field boundary is a valid, shorter message: every field it has is right.
      for (const [name, value] of Object.entries(user)) {
        if (value !== UserCodec.create()[name as keyof User]) {
          t.equal(value, sampleUser[name as keyof User], `cut ${cut}: ${name}`);
        }
      }
    } catch (error) {
      t.type(error, WireError, `cut at ${cut}`);
    }
  }
  t.throws(() => decodeMessage(UserCodec, hex('0a 02 c3 28')), WireError, 'invalid UTF-8');
  t.throws(() => decodeMessage(UserCodec, hex('0c')), WireError, 'end-group with no group');
  t.throws(() => decodeMessage(UserCodec, hex('00')), WireError, 'field number 0');
  t.end();
});
