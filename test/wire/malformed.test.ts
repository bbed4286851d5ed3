// Tests that malformed protobuf input fails as a WireError naming the problem and its byte offset (protobuf.dev "Encoding").

import t from 'tap';
import { decodeMessage, type MessageCodec } from '../../src/wire/codec.js';
import { StatusCodec } from '../../src/wire/messages/google-rpc.js';
import { MAX_DEPTH } from '../../src/wire/reader.js';
import { WireError } from '../../src/wire/wire-error.js';
import { KitchenSinkCodec, NestedCodec, Numbers64Codec } from '../fixtures/kitchen-sink-codec.js';

/** Hex with spaces (kept for readability) to bytes. */
const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');

/** The varint of a value taken as unsigned 64-bit, as hex. */
function varint(value: bigint): string {
  let rest = BigInt.asUintN(64, value);
  let out = '';
  while (rest >= 0x80n) {
    out += (Number(rest & 0x7fn) | 0x80).toString(16).padStart(2, '0');
    rest >>= 7n;
  }
  return out + Number(rest).toString(16).padStart(2, '0');
}

/** Eight little-endian bytes of a value taken as unsigned 64-bit, as hex. */
function le64(value: bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, value));
  return b.toString('hex');
}

/**
 * `levels` length-delimited fields, each inside the one before, all with key `key` (hex), around
 * `innermost`. Returns the bytes and where each level's body begins.
 */
function nest(levels: number, key: string, innermost = ''): { bytes: Buffer; bodyAt: number[] } {
  let body = hex(innermost);
  const prefixes: number[] = [];
  for (let i = 0; i < levels; i++) {
    const prefix = hex(key + varint(BigInt(body.length)));
    prefixes.unshift(prefix.length);
    body = Buffer.concat([prefix, body]);
  }
  const bodyAt: number[] = [];
  let at = 0;
  for (const length of prefixes) {
    at += length;
    bodyAt.push(at);
  }
  return { bytes: body, bodyAt };
}

interface Row {
  name: string;
  codec: MessageCodec<any>;
  bytes: Buffer;
  problem: string;
  offset: number;
}

const KS = KitchenSinkCodec;
const row = (
  name: string,
  codec: MessageCodec<any>,
  bytes: string | Buffer,
  problem: string,
  offset: number,
): Row => ({ name, codec, bytes: typeof bytes === 'string' ? hex(bytes) : bytes, problem, offset });

const utf8 = (name: string, bad: string): Row[] => [
  // Field 14 (string): key 72, a length, then the bytes; the error points at the string's start.
  row(
    `invalid UTF-8 (${name})`,
    KS,
    `72 ${varint(BigInt(bad.length / 2))} ${bad}`,
    'invalid UTF-8 in a string field',
    2,
  ),
  // Longer than 16 bytes: the Reader's native path rather than its ASCII loop.
  row(
    `invalid UTF-8 (${name}) after 20 ASCII bytes`,
    KS,
    `72 ${varint(BigInt(20 + bad.length / 2))} ${'61'.repeat(20)} ${bad}`,
    'invalid UTF-8 in a string field',
    2,
  ),
];

const deepMessages = nest(MAX_DEPTH + 1, '1a'); // Nested.child, 101 deep
const deepInKitchenSink = nest(MAX_DEPTH, '1a', ''); // under KitchenSink.f_nested: 1 + 100
const kitchenSinkPrefix = hex(`8a01 ${varint(BigInt(deepInKitchenSink.bytes.length))}`);
const kitchenSinkDeep = Buffer.concat([kitchenSinkPrefix, deepInKitchenSink.bytes]);
const groupKey = (field: number, wireType: 3 | 4) => varint(BigInt((field << 3) | wireType));
const deepGroups = hex(
  groupKey(99, 3).repeat(MAX_DEPTH + 1) + groupKey(99, 4).repeat(MAX_DEPTH + 1),
);
// 50 nested messages, then 51 groups (unknown field 4 of Nested) inside the innermost one.
const mixedInner = groupKey(4, 3).repeat(51) + groupKey(4, 4).repeat(51);
const mixed = nest(50, '1a', mixedInner);

const table: Row[] = [
  row('truncated varint value', KS, '08 96', 'truncated varint', 1),
  row('truncated varint key', KS, '0801 96', 'truncated varint', 2),
  row('truncated 64-bit varint value', KS, '10 ffff', 'truncated varint', 1),
  // Cut after the 4th byte, and within the high half: each stage of the 64-bit varint loop.
  row('truncated 64-bit varint after 4 bytes', KS, '10 80808080', 'truncated varint', 1),
  row('truncated 64-bit varint after 7 bytes', KS, '10 80808080808080', 'truncated varint', 1),
  row('truncated bool varint', KS, '68 80', 'truncated varint', 1),
  row('truncated fixed32', KS, '3d 0102', 'truncated: 4 bytes needed, 2 left', 1),
  row('truncated sfixed32', KS, '4d', 'truncated: 4 bytes needed, 0 left', 1),
  row('truncated float', KS, '5d 000000', 'truncated: 4 bytes needed, 3 left', 1),
  row('truncated fixed64', KS, '41 01020304', 'truncated: 8 bytes needed, 4 left', 1),
  row('truncated sfixed64', KS, '51 01', 'truncated: 8 bytes needed, 1 left', 1),
  row('truncated double', KS, '61 01020304050607', 'truncated: 8 bytes needed, 7 left', 1),
  row('truncated unknown fixed64', KS, 'f906 0102', 'truncated: 8 bytes needed, 2 left', 2),
  row(
    'string length past the end',
    KS,
    '72 05 6869',
    'length 5 runs past the end of the message (2 bytes left)',
    1,
  ),
  row(
    'bytes length past the end',
    KS,
    '7a 03 01',
    'length 3 runs past the end of the message (1 bytes left)',
    1,
  ),
  row(
    'nested message length past the end',
    KS,
    '8a01 04 0801',
    'length 4 runs past the end of the message (2 bytes left)',
    2,
  ),
  row(
    'a length of 2^32-1',
    KS,
    '72 ffffffff0f',
    'length 4294967295 runs past the end of the message (0 bytes left)',
    1,
  ),
  row('truncated length', KS, '72 80', 'truncated varint', 1),
  row(
    'unknown length-delimited field past the end',
    KS,
    'fa06 0a 00',
    'length 10 runs past the end of the message (1 bytes left)',
    2,
  ),
  row(
    'packed run past the end',
    KS,
    'a201 05 0102',
    'length 5 runs past the end of the message (2 bytes left)',
    2,
  ),
  row('field number 0', KS, '00', 'invalid field number 0', 0),
  row('field number 0, length-delimited', KS, '0801 02 00', 'invalid field number 0', 2),
  row('field number 0 in a padded key', KS, '8000', 'invalid field number 0', 0),
  row('wire type 6', KS, '0e', 'invalid wire type 6', 0),
  row('wire type 7', KS, '0801 0f', 'invalid wire type 7', 2),
  row('wire type 7 in a two-byte key', KS, '8f01', 'invalid wire type 7', 0),
  row('wire type 6 inside a nested message', KS, '8a01 02 0e00', 'invalid wire type 6', 3),
  row('key longer than 5 bytes', KS, '888080808001', 'field key longer than 5 bytes', 0),
  row('key beyond 32 bits', KS, '0801 8880808010', 'field number beyond 2^29-1', 2),
  row('an 11-byte varint (int32)', KS, `08 ${'ff'.repeat(10)}01`, 'varint longer than 10 bytes', 1),
  row('an 11-byte varint (int64)', KS, `10 ${'ff'.repeat(10)}01`, 'varint longer than 10 bytes', 1),
  row('an 11-byte varint (bool)', KS, `68 ${'80'.repeat(10)}00`, 'varint longer than 10 bytes', 1),
  row(
    'an 11-byte varint (length)',
    KS,
    `72 ${'80'.repeat(10)}00`,
    'varint longer than 10 bytes',
    1,
  ),
  row(
    'an 11-byte varint (unknown field)',
    KS,
    `f806 ${'80'.repeat(10)}00`,
    'varint longer than 10 bytes',
    2,
  ),
  row(
    'a 10th varint byte past bit 63 (uint32)',
    KS,
    `18 ${'ff'.repeat(9)}02`,
    'varint overflows 64 bits',
    1,
  ),
  row(
    'a 10th varint byte past bit 63 (uint64)',
    KS,
    `20 ${'ff'.repeat(9)}7f`,
    'varint overflows 64 bits',
    1,
  ),
  row(
    'messages nested deeper than 100',
    NestedCodec,
    deepMessages.bytes,
    'messages nested deeper than 100',
    deepMessages.bodyAt[MAX_DEPTH]!,
  ),
  row(
    'messages nested deeper than 100 under KitchenSink',
    KS,
    kitchenSinkDeep,
    'messages nested deeper than 100',
    kitchenSinkPrefix.length + deepInKitchenSink.bodyAt[MAX_DEPTH - 1]!,
  ),
  row(
    'groups nested deeper than 100',
    KS,
    deepGroups,
    'groups nested deeper than 100',
    2 * (MAX_DEPTH + 1),
  ),
  row(
    'groups inside messages, 101 deep in all',
    NestedCodec,
    mixed.bytes,
    'groups nested deeper than 100',
    mixed.bodyAt[49]! + 51,
  ),
  ...utf8('overlong 2-byte NUL', 'c080'),
  ...utf8('overlong 2-byte', 'c1bf'),
  ...utf8('overlong 3-byte', 'e080af'),
  ...utf8('overlong 4-byte', 'f08282ac'),
  ...utf8('lone continuation byte', '80'),
  ...utf8('continuation bytes only', 'bfbf'),
  ...utf8('surrogate D800 in UTF-8', 'eda080'),
  ...utf8('surrogate DFFF in UTF-8', 'edbfbf'),
  ...utf8('CESU-8 surrogate pair', 'eda0bdedb880'),
  ...utf8('truncated 2-byte sequence', 'c3'),
  ...utf8('truncated 3-byte sequence', 'e282'),
  ...utf8('truncated 4-byte sequence', 'f09f98'),
  ...utf8('beyond U+10FFFF', 'f4908080'),
  ...utf8('byte FF', 'ff'),
  ...utf8('byte FE', 'fe'),
  row(
    'invalid UTF-8 in a nested string',
    KS,
    '8a01 04 1202 c080',
    'invalid UTF-8 in a string field',
    5,
  ),
  row('invalid UTF-8 in a map key', KS, 'e203 04 0a02 c080', 'invalid UTF-8 in a string field', 5),
  row(
    'invalid UTF-8 in a repeated string',
    KS,
    '9203 01 61 9203 01 80',
    'invalid UTF-8 in a string field',
    7,
  ),
  row('unterminated group', KS, `${groupKey(99, 3)} 0801`, 'unterminated group 99', 2),
  row('unterminated group at the very end', KS, groupKey(99, 3), 'unterminated group 99', 2),
  row(
    'mismatched end-group',
    KS,
    `${groupKey(99, 3)} ${groupKey(100, 4)}`,
    'end-group for field 100 closes group 99',
    2,
  ),
  row(
    'end-group with no group',
    KS,
    `0801 ${groupKey(99, 4)}`,
    'unexpected end-group for field 99',
    2,
  ),
  row(
    'end-group with no group inside a nested message',
    KS,
    '8a01 01 0c',
    'unexpected end-group for field 1',
    3,
  ),
  row(
    'a varint crossing the end of its nested message',
    KS,
    '8a01 02 0896 01',
    'truncated varint',
    4,
  ),
  row(
    'a string crossing the end of its nested message',
    KS,
    '8a01 03 1205 68 6969',
    'length 5 runs past the end of the message (1 bytes left)',
    4,
  ),
  row(
    'a fixed64 crossing the end of its nested message',
    KS,
    '9201 05 21 01020304 0506070809',
    'truncated: 8 bytes needed, 4 left',
    4,
  ),
  row(
    'a group crossing the end of its nested message',
    KS,
    '8a01 01 23 24',
    'unterminated group 4',
    4,
  ),
  row(
    'a packed element crossing the end of its run',
    KS,
    'a201 03 01 02 96 01',
    'truncated varint',
    5,
  ),
  row(
    'a packed fixed32 crossing the end of its run',
    KS,
    'd201 06 01000000 0200 0000',
    'truncated: 4 bytes needed, 2 left',
    7,
  ),
  row(
    'int64 2^53 read as a number',
    Numbers64Codec,
    `08 ${varint(2n ** 53n)}`,
    'int64 value beyond ±(2^53-1) cannot be read as a number',
    1,
  ),
  row(
    'int64 -2^53 read as a number',
    Numbers64Codec,
    `08 ${varint(-(2n ** 53n))}`,
    'int64 value beyond ±(2^53-1) cannot be read as a number',
    1,
  ),
  row(
    'uint64 2^64-1 read as a number',
    Numbers64Codec,
    `10 ${varint(-1n)}`,
    'uint64 value beyond ±(2^53-1) cannot be read as a number',
    1,
  ),
  row(
    'sint64 2^53 read as a number',
    Numbers64Codec,
    `18 ${varint(2n ** 54n)}`,
    'sint64 value beyond ±(2^53-1) cannot be read as a number',
    1,
  ),
  row(
    'fixed64 2^53 read as a number',
    Numbers64Codec,
    `21 ${le64(2n ** 53n)}`,
    'fixed64 value beyond ±(2^53-1) cannot be read as a number',
    1,
  ),
  row(
    'sfixed64 -2^53 read as a number',
    Numbers64Codec,
    `29 ${le64(-(2n ** 53n))}`,
    'sfixed64 value beyond ±(2^53-1) cannot be read as a number',
    1,
  ),
  row(
    'packed int64 2^63-1 read as a number',
    Numbers64Codec,
    `32 0a 01 ${varint(2n ** 63n - 1n)}`,
    'int64 value beyond ±(2^53-1) cannot be read as a number',
    3,
  ),
  row(
    'int64 2^53 in a nested Numbers64',
    KS,
    `9201 09 08 ${varint(2n ** 53n)}`,
    'int64 value beyond ±(2^53-1) cannot be read as a number',
    4,
  ),
  row(
    'Status: invalid UTF-8 in message',
    StatusCodec,
    '0803 12 03 6162ff',
    'invalid UTF-8 in a string field',
    4,
  ),
  row(
    'Status: Any detail cut short',
    StatusCodec,
    '1a 05 0a 04 6162',
    'length 5 runs past the end of the message (4 bytes left)',
    1,
  ),
  row(
    'Status: Any type_url crossing the detail end',
    StatusCodec,
    '1a 03 0a 04 61 6263',
    'length 4 runs past the end of the message (1 bytes left)',
    3,
  ),
  row('Status: stray end-group', StatusCodec, '0c', 'unexpected end-group for field 1', 0),
  row(
    'Status: code 11 bytes long',
    StatusCodec,
    `08 ${'80'.repeat(10)}01`,
    'varint longer than 10 bytes',
    1,
  ),
];

t.test('every malformed input fails with a WireError at the right offset', async (t) => {
  for (const { name, codec, bytes, problem, offset } of table) {
    let caught: unknown;
    try {
      decodeMessage(codec, bytes);
    } catch (err) {
      caught = err;
    }
    if (!(caught instanceof WireError)) {
      t.fail(
        `${name}: expected a WireError, got ${caught === undefined ? 'no error' : String(caught)}`,
      );
      continue;
    }
    t.equal(caught.offset, offset, `${name}: offset`);
    t.equal(caught.message, `${problem} at byte ${offset}`, `${name}: message`);
  }
});

t.test('the inputs just inside each limit decode', async (t) => {
  // Sanity for the table: one level, one group and one byte fewer than the failing rows.
  t.doesNotThrow(() => decodeMessage(NestedCodec, nest(MAX_DEPTH, '1a').bytes));
  const groups = hex(groupKey(99, 3).repeat(MAX_DEPTH) + groupKey(99, 4).repeat(MAX_DEPTH));
  t.doesNotThrow(() => decodeMessage(KS, groups));
  t.doesNotThrow(() =>
    decodeMessage(
      NestedCodec,
      nest(50, '1a', groupKey(4, 3).repeat(50) + groupKey(4, 4).repeat(50)).bytes,
    ),
  );
  t.equal(decodeMessage(KS, hex(`08 ${'ff'.repeat(9)}01`)).fInt32, -1, 'a 10-byte varint');
  t.equal(decodeMessage(KS, hex(`20 ${'ff'.repeat(9)}01`)).fUint64, 2n ** 64n - 1n);
  t.equal(
    decodeMessage(Numbers64Codec, hex(`08 ${varint(2n ** 53n - 1n)}`)).i64,
    Number.MAX_SAFE_INTEGER,
  );
  t.equal(
    decodeMessage(Numbers64Codec, hex(`08 ${varint(-(2n ** 53n - 1n))}`)).i64,
    Number.MIN_SAFE_INTEGER,
  );
  t.equal(
    decodeMessage(KS, hex('72 04 f48fbfbf')).fString,
    '\u{10FFFF}',
    'U+10FFFF is the last code point',
  );
});
