// Tests the field-table interpreter on a small made-up schema: absent fields and defaults, null
// only where allowed, tagged fields written only when not default and in tag order, unknown tags
// skipped, value errors naming the field path, version checks (kafka.apache.org/protocol; KIP-482).

import t from 'tap';
import { ErrorCode } from '../../../src/kafka/protocol/error-codes.js';
import { MessageCodec } from '../../../src/kafka/protocol/message-codec.js';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import {
  arrayOf,
  field,
  parseVersions,
  struct,
  structs,
} from '../../../src/kafka/protocol/schema.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';
import { carr, cat, cstr, i16, i32, str, uv } from './wire-bytes.js';

const codec = new MessageCodec<Record<string, unknown>>('Toy', '0-3', '2+', [
  field('count', 'uint16', '0+'),
  field('big', 'uint32', '1+', { default: 7 }),
  field('ratio', 'float64', '1+'),
  field('name', 'string', '0+', { nullable: '1+' }),
  arrayOf('ids', 'int32', '0+', { nullable: '3+' }),
  structs('items', '0+', [
    field('key', 'string', '0+'),
    field('n', 'int16', '1+', { default: -1 }),
  ]),
  field('note', 'string', '2+', { nullable: '2+', default: null, tag: 5, tagged: '2+' }),
  struct('leader', '2+', [field('id', 'int32', '2+', { default: -1 })], { tag: 1, tagged: '2+' }),
]);

const encode = (version: number, value: Record<string, unknown>) => {
  const w = new KafkaWriter();
  codec.encode(w, version, value);
  return w.toBuffer();
};
const decode = (version: number, bytes: Buffer) => codec.decode(new KafkaReader(bytes), version);

t.test('v0: absent fields are not written and read as their defaults', async (t) => {
  const bytes = encode(0, {
    count: 65535,
    big: 123,
    ratio: 2.5,
    name: 'a',
    ids: [1],
    items: [{ key: 'k', n: 9 }],
  });
  t.same(bytes, cat(Buffer.from([0xff, 0xff]), str('a'), i32(1), i32(1), i32(1), str('k')));
  t.same(decode(0, bytes), {
    count: 65535,
    big: 7,
    ratio: 0,
    name: 'a',
    ids: [1],
    items: [{ key: 'k', n: -1 }],
    note: null,
    leader: { id: -1 },
  });
});

t.test('undefined values are written as their defaults', async (t) => {
  const bytes = encode(1, { count: 1, name: null, ids: [], items: [] });
  // count, big (default 7), ratio (0.0), name (null), ids [], items []
  t.same(bytes, cat(Buffer.from([0, 1]), i32(7), Buffer.alloc(8), i16(-1), i32(0), i32(0)));
});

t.test(
  'flexible v2: compact forms, tagged fields only when not default, ascending tags',
  async (t) => {
    const base = { count: 1, big: 2, ratio: 0.5, name: 'n', ids: [], items: [] };
    const plain = encode(2, { ...base, note: null, leader: { id: -1 } });
    const head = cat(
      Buffer.from([0, 1]),
      i32(2),
      Buffer.from('3fe0000000000000', 'hex'),
      cstr('n'),
      carr(0),
      carr(0),
    );
    t.same(plain, cat(head, uv(0)), 'defaults: no tagged fields at all');
    const tagged = encode(2, { ...base, note: 'hi', leader: { id: 4 } });
    t.same(tagged, cat(head, uv(2), uv(1), uv(5), i32(4), uv(0), uv(5), uv(3), cstr('hi')));
    t.same(decode(2, tagged), { ...base, note: 'hi', leader: { id: 4 } });
    // An unknown tag (9) between known ones is skipped.
    const withUnknown = cat(head, uv(2), uv(5), uv(3), cstr('hi'), uv(9), uv(2), i16(0));
    t.match(decode(2, withUnknown), { note: 'hi', leader: { id: -1 } });
  },
);

t.test('null only where the version allows it', async (t) => {
  t.throws(() => encode(0, { count: 0, name: null, ids: [], items: [] }), {
    name: 'KafkaProtocolError',
    message: 'name is null, which version 0 does not allow',
  });
  t.throws(() => encode(2, { count: 0, name: 'x', ids: null, items: [] }), /ids is null/);
  t.same(
    decode(
      3,
      cat(Buffer.from([0, 0]), i32(0), Buffer.alloc(8), cstr(null), carr(null), carr(0), uv(0)),
    ).ids,
    null,
  );
  t.throws(
    () => decode(2, cat(Buffer.from([0, 0]), i32(0), Buffer.alloc(8), cstr('x'), carr(null))),
    {
      message: /ids: invalid length -1/,
    },
  );
});

t.test('bad values name the field path', async (t) => {
  const value = { count: 0, name: 'x', ids: [], items: [{ key: 'k', n: 40000 }] };
  t.throws(() => encode(1, value), {
    name: 'KafkaProtocolError',
    message: 'items.n: int16 value 40000 is not an integer in -32768..32767',
  });
  t.throws(() => encode(0, { ...value, items: [{ key: 5 }] }), {
    name: 'KafkaProtocolError',
    message: 'items.key: cannot write 5 as string',
  });
  t.throws(() => encode(0, { ...value, count: -1 }), /count: uint16 value -1/);
});

t.test('versions outside the range are UNSUPPORTED_VERSION both ways', async (t) => {
  for (const version of [-1, 4, 1.5]) {
    t.throws(() => decode(version, Buffer.alloc(0)), {
      name: 'KafkaProtocolError',
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      message: `Toy version ${version} is not supported (0-3)`,
    });
    t.throws(() => encode(version, {}), { name: 'KafkaProtocolError', errorCode: 35 });
  }
});

t.test('version ranges parse as the schemas write them', async (t) => {
  t.same(parseVersions('3+'), { min: 3, max: Number.POSITIVE_INFINITY });
  t.same(parseVersions('0-7'), { min: 0, max: 7 });
  t.same(parseVersions('5'), { min: 5, max: 5 });
  t.same(parseVersions('none'), { min: 1, max: 0 });
  t.throws(() => parseVersions('1,2'), /not a version range/);
});

t.test('a broken tagged-field section is named by the struct that holds it', async (t) => {
  const head = cat(
    Buffer.from([0, 1]),
    i32(2),
    Buffer.alloc(8),
    cstr('n'),
    carr(0),
    carr(1),
    cstr('k'),
    i16(1),
  );
  t.throws(() => decode(2, cat(head, uv(1), uv(0), uv(9))), {
    name: 'KafkaProtocolError',
    message: /^items tagged fields: length 9 exceeds/,
  });
  t.throws(() => decode(2, cat(head, uv(0), uv(1))), {
    message: /^tagged fields: varint runs past the end/,
  });
});
