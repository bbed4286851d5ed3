import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import t from 'tap';
import { MalformedMetadataError, Metadata } from '../../src/transport/metadata.js';

t.test('set, add, get, getAll, has, delete, size, keys', async (t) => {
  const md = new Metadata();
  t.equal(md.get('x-a'), undefined);
  t.same(md.getAll('x-a'), []);
  t.equal(md.set('X-A', 'one'), md, 'set returns the metadata');
  t.equal(md.get('x-a'), 'one', 'keys are lowercased');
  t.equal(md.get('X-A'), 'one', 'lookups are too');
  t.equal(md.add('x-a', 'two'), md, 'add returns the metadata');
  t.same(md.getAll('x-a'), ['one', 'two']);
  md.getAll('x-a').push('not stored');
  t.same(md.getAll('x-a'), ['one', 'two'], 'getAll returns a copy');
  md.set('x-a', 'three');
  t.same(md.getAll('x-a'), ['three'], 'set replaces every value');
  md.add('trace-bin', new Uint8Array([1, 2]));
  const bin = md.get('trace-bin');
  t.ok(Buffer.isBuffer(bin), 'a Uint8Array is stored as a Buffer');
  t.same([...bin!], [1, 2]);
  md.add('trace-bin', Buffer.from([3]));
  t.same(
    md.getAll('trace-bin').map((value) => [...value]),
    [[1, 2], [3]],
  );
  t.equal(md.size, 2);
  t.same([...md.keys()], ['x-a', 'trace-bin']);
  t.ok(md.has('X-A'));
  t.equal(md.delete('X-A'), true);
  t.equal(md.delete('x-a'), false);
  t.notOk(md.has('x-a'));
  t.equal(md.size, 1);
});

t.test('the constructor and the iterator speak [key, value] pairs', async (t) => {
  const md = new Metadata([
    ['a', '1'],
    ['b-bin', Buffer.from('hi')],
    ['a', '2'],
  ]);
  t.same(
    [...md].map(([key, value]) => [key, typeof value === 'string' ? value : value.toString()]),
    [
      ['a', '1'],
      ['a', '2'],
      ['b-bin', 'hi'],
    ],
  );
  t.throws(() => new Metadata([['grpc-status', '0']]), TypeError, 'the constructor checks too');
});

t.test('keys are checked: the Header-Name grammar, not reserved', async (t) => {
  const md = new Metadata();
  const valid = [
    'a',
    'x-request-id',
    'a_b.c-d',
    '0-9',
    'user-agent',
    'authorization',
    'grpc-retry-pushback-ms',
    'UPPER',
  ];
  for (const key of valid) t.doesNotThrow(() => md.set(key, 'v'), key);
  const invalid: [string, string][] = [
    ['', 'metadata key "" is invalid: use only 0-9 a-z _ - . (upper case is lowered)'],
    [
      'has space',
      'metadata key "has space" is invalid: use only 0-9 a-z _ - . (upper case is lowered)',
    ],
    ['x:y', 'metadata key "x:y" is invalid: use only 0-9 a-z _ - . (upper case is lowered)'],
    [':path', 'metadata key ":path" is invalid: use only 0-9 a-z _ - . (upper case is lowered)'],
    ['é', 'metadata key "é" is invalid: use only 0-9 a-z _ - . (upper case is lowered)'],
    [
      'grpc-status',
      'metadata key "grpc-status" is reserved for the gRPC protocol or HTTP/2 and cannot be set as metadata',
    ],
    [
      'Grpc-Timeout',
      'metadata key "Grpc-Timeout" is reserved for the gRPC protocol or HTTP/2 and cannot be set as metadata',
    ],
    [
      'content-type',
      'metadata key "content-type" is reserved for the gRPC protocol or HTTP/2 and cannot be set as metadata',
    ],
    [
      'grpc-status-details-bin',
      'metadata key "grpc-status-details-bin" is reserved for the gRPC protocol or HTTP/2 and cannot be set as metadata',
    ],
    [
      'grpc-anything',
      'metadata key "grpc-anything" is reserved for the gRPC protocol or HTTP/2 and cannot be set as metadata',
    ],
    [
      'connection',
      'metadata key "connection" is reserved for the gRPC protocol or HTTP/2 and cannot be set as metadata',
    ],
    [
      'te',
      'metadata key "te" is reserved for the gRPC protocol or HTTP/2 and cannot be set as metadata',
    ],
  ];
  for (const [key, message] of invalid) {
    t.throws(() => md.set(key, 'v'), { name: 'TypeError', message }, `set ${JSON.stringify(key)}`);
    t.throws(() => md.add(key, 'v'), { name: 'TypeError', message }, `add ${JSON.stringify(key)}`);
  }
});

t.test('values are checked: printable ASCII for text keys, bytes for -bin keys', async (t) => {
  const md = new Metadata();
  t.doesNotThrow(() => md.set('a', ''), 'an empty value');
  t.doesNotThrow(() => md.set('a', ' ~ printable ascii !'), 'the whole 0x20-0x7E range');
  const badText: [unknown, string][] = [
    [
      'café',
      'metadata value of "a" must be printable ASCII (0x20-0x7E); put other text in a -bin key as UTF-8 bytes',
    ],
    [
      'a\nb',
      'metadata value of "a" must be printable ASCII (0x20-0x7E); put other text in a -bin key as UTF-8 bytes',
    ],
    [
      '\x7f',
      'metadata value of "a" must be printable ASCII (0x20-0x7E); put other text in a -bin key as UTF-8 bytes',
    ],
    [
      Buffer.from('x'),
      'metadata key "a" takes a string value; binary values need a key ending in -bin',
    ],
    [42, 'metadata key "a" takes a string value; binary values need a key ending in -bin'],
  ];
  for (const [value, message] of badText) {
    t.throws(
      () => md.set('a', value as string),
      { name: 'TypeError', message },
      JSON.stringify(value),
    );
  }
  t.throws(() => md.add('a-bin', 'text' as unknown as Buffer), {
    name: 'TypeError',
    message: 'metadata key "a-bin" ends in -bin: its value must be a Buffer or Uint8Array',
  });
});

t.test('clone and merge', async (t) => {
  const md = new Metadata().add('a', '1').add('b-bin', Buffer.from([1]));
  const copy = md.clone();
  copy.add('a', '2');
  copy.set('c', '3');
  t.same(md.getAll('a'), ['1'], 'the clone has its own value lists');
  t.notOk(md.has('c'));
  t.same(copy.getAll('a'), ['1', '2']);

  const target = new Metadata().add('a', '0');
  t.equal(target.merge(copy), target, 'merge returns the target');
  t.same(target.getAll('a'), ['0', '1', '2'], "merge appends after the target's own values");
  t.equal(target.get('c'), '3');
  t.same([...target.get('b-bin')!], [1]);
  t.same(copy.getAll('a'), ['1', '2'], 'the source is unchanged');
});

t.test('fromHttp2Headers: custom metadata only, -bin values decoded', async (t) => {
  const md = Metadata.fromHttp2Headers({
    ':path': '/a.B/C',
    ':authority': 'localhost',
    'content-type': 'application/grpc',
    te: 'trailers',
    'grpc-timeout': '1S',
    'grpc-encoding': 'gzip',
    'grpc-accept-encoding': 'gzip',
    'grpc-status': '0',
    'grpc-message': 'x',
    'grpc-status-details-bin': 'AAAA',
    'grpc-future': 'x',
    connection: 'close',
    host: 'x',
    'user-agent': 'grpc-go/1.0',
    authorization: 'Bearer abc',
    'x-request-id': 'r1',
    'grpc-retry-pushback-ms': '100',
    'a-bin': 'AAE', // unpadded
    'b-bin': 'AAE=', // padded
    'c-bin': 'AAE, AgM', // two values node:http2 joined
    'd-bin': ['AA', 'AQ=='], // two values given as an array
    'e-bin': '',
    'x-list': 'a, b', // an ASCII value keeps its comma
    'x-array': ['1', '2'],
    'x-latin1': 'caf\u00e9', // node:http2 gives bytes 0x80-0xFF as latin1: not ASCII-Value, dropped
    'x-ctl': 'a\u0001b',
    'bad!key': 'x', // a valid HTTP token but not a Header-Name: dropped
    'x-undefined': undefined,
  });
  t.same(
    [...md].map(([key, value]) => [key, typeof value === 'string' ? value : [...value]]),
    [
      ['user-agent', 'grpc-go/1.0'],
      ['authorization', 'Bearer abc'],
      ['x-request-id', 'r1'],
      ['grpc-retry-pushback-ms', '100'],
      ['a-bin', [0, 1]],
      ['b-bin', [0, 1]],
      ['c-bin', [0, 1]],
      ['c-bin', [2, 3]],
      ['d-bin', [0]],
      ['d-bin', [1]],
      ['e-bin', []],
      ['x-list', 'a, b'],
      ['x-array', '1'],
      ['x-array', '2'],
    ],
  );
});

t.test(
  'fromHttp2Headers: a -bin value that is not base64 throws MalformedMetadataError',
  async (t) => {
    for (const value of ['!!', 'A', 'AA=A', 'AAE, A', '-_8']) {
      t.throws(
        () => Metadata.fromHttp2Headers({ 'x-bin': value }),
        {
          name: 'MalformedMetadataError',
          message: 'binary metadata "x-bin" is not valid base64',
          key: 'x-bin',
        },
        JSON.stringify(value),
      );
    }
    t.type(
      catchError(() => Metadata.fromHttp2Headers({ 'x-bin': '!' })),
      MalformedMetadataError,
    );
  },
);

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

t.test('fromRawHeaders keeps repeated headers apart', async (t) => {
  const md = Metadata.fromRawHeaders([
    ':path',
    '/a/b',
    'x-list',
    'a, b',
    'x-list',
    'c',
    'X-Upper',
    'u',
    'grpc-status',
    '0',
    'bad key',
    'x',
    'x-bin',
    'AAE',
    'x-bin',
    'AgM=',
    'x-odd', // a name without a value is ignored
  ]);
  t.same(md.getAll('x-list'), ['a, b', 'c']);
  t.same(md.getAll('x-upper'), ['u']);
  t.same(
    md.getAll('x-bin').map((value) => [...value]),
    [
      [0, 1],
      [2, 3],
    ],
  );
  t.notOk(md.has('grpc-status'));
  t.notOk(md.has('x-odd'));
  t.equal(md.size, 3);
});

t.test(
  'toHttp2Headers: unpadded base64, arrays for repeats, joined for single-value names',
  async (t) => {
    const md = new Metadata()
      .add('x-one', 'a')
      .add('x-two', 'a')
      .add('x-two', 'b')
      .add('a-bin', Buffer.from([0, 1]))
      .add('b-bin', Buffer.from([0]))
      .add('b-bin', Buffer.from([1, 2, 3]))
      .add('authorization', 'Bearer a')
      .add('authorization', 'Bearer b')
      .add('user-agent', 'x');
    t.same(md.toHttp2Headers(), {
      'x-one': 'a',
      'x-two': ['a', 'b'],
      'a-bin': 'AAE',
      'b-bin': ['AA', 'AQID'],
      authorization: 'Bearer a, Bearer b',
      'user-agent': 'x',
    });
    const target = { ':status': 200 };
    t.equal(md.toHttp2Headers(target), target, 'writes into the target given');
    t.equal(target[':status' as keyof typeof target], 200);
    t.same(new Metadata().toHttp2Headers(), {});
  },
);

t.test('property: metadata survives toHttp2Headers → fromHttp2Headers', async () => {
  // Keys start with x, so none is reserved; text values have no comma, which would be ambiguous
  // once node:http2 joins repeated values with ", ".
  const key = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,10}$/);
  const entry = fc.oneof(
    fc.tuple(
      key.map((k) => `x${k}-bin`),
      fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
    ),
    fc.tuple(
      // A text key must not end in -bin itself ('x0-bin' from k = '0-bin' needs a Buffer).
      key.filter((k) => !k.endsWith('-bin')).map((k) => `x${k}`),
      fc.stringMatching(/^[\x20-\x2b\x2d-\x7e]{0,20}$/),
    ),
  );
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
      const md = new Metadata(entries);
      // Node joins repeated plain values with ", ": emulate what it hands over.
      const wire = md.toHttp2Headers();
      const received: http2.IncomingHttpHeaders = {};
      for (const [k, v] of Object.entries(wire)) {
        received[k] = Array.isArray(v) ? v.join(', ') : String(v);
      }
      const back = Metadata.fromHttp2Headers(received);
      for (const k of md.keys()) {
        const sent = md.getAll(k);
        const got = back.getAll(k);
        if (k.endsWith('-bin')) {
          if (got.length !== sent.length) return false;
          for (let i = 0; i < sent.length; i++) {
            if (!(sent[i] as Buffer).equals(got[i] as Buffer)) return false;
          }
        } else if (got.join(', ') !== (sent as string[]).join(', ')) {
          return false;
        }
      }
      return back.size === md.size;
    }),
  );
});

t.test('over a real node:http2 stream, both ways', async (t) => {
  let received: { headers: http2.IncomingHttpHeaders; raw: string[] } | undefined;
  const server = http2.createServer();
  // node:http2 passes the raw header list as a fourth argument, which @types/node leaves out.
  server.on(
    'stream',
    (
      stream: http2.ServerHttp2Stream,
      headers: http2.IncomingHttpHeaders,
      _flags: number,
      raw: string[],
    ) => {
      received = { headers, raw };
      const reply = new Metadata()
        .add('x-reply', 'r1')
        .add('x-reply', 'r2')
        .add('reply-bin', Buffer.from([0xff]));
      stream.respond({ ':status': 200, ...reply.toHttp2Headers() }, { waitForTrailers: true });
      stream.on('wantTrailers', () => {
        stream.sendTrailers(new Metadata().add('t-bin', Buffer.from([1, 2])).toHttp2Headers());
      });
      stream.end();
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const client = http2.connect(`http://127.0.0.1:${port}`);
  t.teardown(() => {
    client.close();
    server.close();
  });

  const sent = new Metadata()
    .add('x-list', 'a, b')
    .add('x-list', 'c')
    .add('authorization', 'Bearer x')
    .add('authorization', 'Bearer y')
    .add('x-bin', Buffer.from([0, 1, 2, 3, 4]))
    .add('x-bin', Buffer.from([]))
    .add('x-bin', Buffer.from('héllo'));
  const request = client.request({ ':method': 'POST', ':path': '/a/b', ...sent.toHttp2Headers() });
  request.end();
  const [responseHeaders] = (await once(request, 'response')) as [http2.IncomingHttpHeaders];
  const [trailers] = (await once(request, 'trailers')) as [http2.IncomingHttpHeaders];
  request.resume();
  await once(request, 'close');

  const fromRaw = Metadata.fromRawHeaders(received!.raw);
  t.same(fromRaw.getAll('x-list'), ['a, b', 'c'], 'raw headers keep ASCII values apart');
  t.same(fromRaw.getAll('authorization'), ['Bearer x, Bearer y']);
  const fromObject = Metadata.fromHttp2Headers(received!.headers);
  t.same(fromObject.getAll('x-list'), ['a, b, c'], 'node:http2 joins repeated values with ", "');
  for (const md of [fromRaw, fromObject]) {
    t.same(
      md.getAll('x-bin').map((value) => value.toString('latin1')),
      ['\x00\x01\x02\x03\x04', '', Buffer.from('héllo').toString('latin1')],
      'every -bin value arrives whole',
    );
  }
  const replyMetadata = Metadata.fromHttp2Headers(responseHeaders);
  t.same(replyMetadata.getAll('x-reply'), ['r1, r2']);
  t.same([...replyMetadata.get('reply-bin')!], [0xff]);
  t.same([...Metadata.fromHttp2Headers(trailers).get('t-bin')!], [1, 2]);
});
