// The message annotators on every wire type: protobuf fields by schema (ZigZag, two's complement,
// fixed widths, packed, enums, nested and Any-wrapped messages) and without one, gRPC messages
// split across DATA frames or compressed, and gRPC's own header values.

import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import t from 'tap';
import { GrpcMessageAnnotator } from '../../src/trace/grpc-message-annotator.js';
import { annotateHeaderBlock } from '../../src/trace/header-annotator.js';
import { HpackDecoder } from '../../src/trace/hpack-decoder.js';
import { ProtoSchema } from '../../src/trace/proto-schema.js';
import { annotateMessage } from '../../src/trace/protobuf-annotator.js';

const root = protobuf.parse(
  `syntax = "proto3";
   message Sample {
     sint32 zig = 1; int32 negative = 2; fixed32 f32 = 3; double d = 4; repeated int32 packed = 5;
     bool flag = 6; sfixed64 s64 = 7; float f = 8; bytes raw = 9; Color color = 10; Sample child = 11;
   }
   enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }`,
  { keepCase: true },
).root;
root.resolveAll();
const Sample = root.lookupType('Sample');

const texts = (lines: { text: string }[]): string[] => lines.map((l) => l.text);

t.test('every wire type, named by the schema', async (t) => {
  const message = {
    zig: -3,
    negative: -1,
    f32: 7,
    d: 1.5,
    packed: [1, 300],
    flag: true,
    s64: -2,
    f: 0.5,
    raw: Buffer.from([0, 1]),
    color: 1,
    child: { zig: 1 },
  };
  const bytes = Sample.encode(Sample.fromObject(message)).finish();
  const lines = texts(annotateMessage(bytes, Sample));
  t.ok(lines.includes('5, ZigZag-decoded -3'));
  t.ok(lines.some((l) => l.endsWith("→ -1 (negative: two's complement, 10 bytes)")));
  t.ok(lines.includes('7 (little-endian)'));
  t.ok(lines.includes('1.5 (little-endian double)'));
  t.ok(lines.includes('packed repeated int32'));
  t.ok(lines.includes('1 = true'));
  t.ok(lines.includes('-2 (little-endian)'));
  t.ok(lines.includes('0.5 (little-endian float)'));
  t.ok(lines.includes('2 bytes'));
  t.ok(lines.includes('1 = RED'));
  t.ok(lines.includes('a Sample message:'));
  t.ok(lines.includes('field 11 child (Sample), wire type 2 LEN: key = 11 << 3 | 2'));
});

t.test('without a schema, fields by number; broken messages are refused', async (t) => {
  const bytes = Sample.encode(
    Sample.fromObject({ negative: 150, raw: Buffer.from('hi') }),
  ).finish();
  t.same(texts(annotateMessage(bytes, undefined)), [
    'field 2 (not in the schema), wire type 0 VARINT: key = 2 << 3 | 0',
    '7-bit groups, low first: 0010110 0000001 → 150',
    'field 9 (not in the schema), wire type 2 LEN: key = 9 << 3 | 2',
    'length 2',
    'UTF-8 "hi"',
  ]);
  t.throws(() => annotateMessage(Buffer.from([0x0a, 0x05, 0x61]), undefined), /runs past/);
  t.throws(() => annotateMessage(Buffer.from([0x0b]), undefined), /wire type 3/);
  t.throws(() => annotateMessage(Buffer.from([0x08]), undefined), /varint runs past/);
});

t.test('gRPC messages across DATA frames, empty and compressed', async (t) => {
  const schema = ProtoSchema.load();
  const types = schema.methodTypes('/user.UserService/GetUser')!;
  t.equal(types.request.fullName, '.user.GetUserRequest');
  t.equal(schema.methodTypes('/no.Such/Method'), undefined);
  t.equal(schema.methodTypes('not a path'), undefined);
  const annotator = new GrpcMessageAnnotator(types.request);
  const body = Buffer.from([0x0a, 0x02, 0x69, 0x64]);
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 4]), body]);
  t.same(texts(annotator.push(framed.subarray(0, 3))), [
    '3 bytes of a message that goes on in the next DATA frame',
  ]);
  const rest = texts(annotator.push(framed.subarray(3)));
  t.equal(rest[0], '(3 bytes of this message came in earlier DATA frames)');
  t.ok(rest.includes('UTF-8 "id"'));
  t.ok(
    texts(annotator.push(Buffer.from([0, 0, 0, 0, 0]))).includes(
      'a user.GetUserRequest with every field at its default: no bytes',
    ),
  );
  const zipped = gzipSync(body);
  const compressed = Buffer.concat([Buffer.from([1, 0, 0, 0, zipped.length]), zipped]);
  const gzipped = new GrpcMessageAnnotator(types.request, undefined, 'gzip');
  t.ok(texts(gzipped.push(compressed)).includes('UTF-8 "id"'));
  const unknown = new GrpcMessageAnnotator(undefined, undefined, 'snappy');
  t.ok(texts(unknown.push(compressed)).includes(`${zipped.length} bytes compressed with snappy`));
});

t.test("gRPC's header values: -bin, grpc-message, grpc-timeout", async (t) => {
  const literal = (name: string, value: string) =>
    Buffer.concat([
      Buffer.from([0x00, name.length]),
      Buffer.from(name),
      Buffer.from([value.length]),
      Buffer.from(value),
    ]);
  const block = Buffer.concat([
    literal('trace-bin', Buffer.from([1, 2, 3]).toString('base64')),
    literal('grpc-message', 'caf%C3%A9'),
    literal('grpc-timeout', '250m'),
    literal('grpc-timeout', '5x'),
    literal('grpc-message', '%E0%A4%A'),
  ]);
  const lines = texts(annotateHeaderBlock(new HpackDecoder().decode(block)));
  t.ok(lines.includes('base64 of 3 bytes'));
  t.ok(lines.includes('percent-decoded: café'));
  t.ok(lines.includes('250 milliseconds left before the deadline'));
  t.ok(lines.includes('not a grpc-timeout PROTOCOL-HTTP2.md accepts'));
  t.ok(lines.some((l) => l.includes('not valid percent-encoding')));
  t.match(
    lines[0],
    /trace-bin: AQID — literal without indexing; name raw, 9 octets; value raw, 4 octets/,
  );
});
