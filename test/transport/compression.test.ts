import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import zlib from 'node:zlib';
import fc from 'fast-check';
import t from 'tap';
import {
  ACCEPT_ENCODING_HEADER,
  CorruptCompressedMessageError,
  compress,
  DecompressedTooLargeError,
  decompress,
  isSupportedEncoding,
  parseAcceptEncoding,
  SUPPORTED_ENCODINGS,
  selectResponseEncoding,
  UnsupportedEncodingError,
} from '../../src/transport/compression.js';

t.test('the supported encodings', async (t) => {
  t.same(SUPPORTED_ENCODINGS, ['identity', 'gzip', 'deflate']);
  t.same(parseAcceptEncoding(ACCEPT_ENCODING_HEADER).sort(), ['deflate', 'gzip', 'identity']);
  for (const name of ['identity', 'gzip', 'deflate']) t.ok(isSupportedEncoding(name), name);
  for (const name of ['snappy', 'br', 'GZIP', '', 'zstd']) t.notOk(isSupportedEncoding(name), name);
});

t.test('parseAcceptEncoding', async (t) => {
  const cases: [string | string[] | undefined, string[]][] = [
    [undefined, []],
    ['', []],
    ['gzip', ['gzip']],
    ['identity,deflate,gzip', ['identity', 'deflate', 'gzip']],
    [' gzip , snappy ,, ', ['gzip', 'snappy']],
    [
      ['gzip', 'deflate, identity'],
      ['gzip', 'deflate', 'identity'],
    ],
  ];
  for (const [value, names] of cases)
    t.same(parseAcceptEncoding(value), names, JSON.stringify(value));
});

t.test(
  'selectResponseEncoding: the preferred encoding if both sides have it, else identity',
  async (t) => {
    const cases: [string | string[] | undefined, string, string][] = [
      ['identity,deflate,gzip', 'gzip', 'gzip'],
      ['gzip', 'gzip', 'gzip'],
      [['identity', 'deflate'], 'deflate', 'deflate'],
      ['identity,deflate', 'gzip', 'identity'], // the peer does not read gzip
      [undefined, 'gzip', 'identity'], // the peer advertised nothing
      ['snappy', 'snappy', 'identity'], // handwire cannot write snappy
      ['gzip', 'identity', 'identity'],
    ];
    for (const [accept, preferred, selected] of cases) {
      t.equal(
        selectResponseEncoding(accept, preferred),
        selected,
        `${JSON.stringify(accept)} / ${preferred}`,
      );
    }
  },
);

t.test('gzip and deflate round-trip; deflate is the zlib format', async (t) => {
  const body = Buffer.from('hello hello hello hello hello hello');
  for (const encoding of ['gzip', 'deflate'] as const) {
    const compressed = await compress(encoding, body);
    t.same(await decompress(encoding, compressed, 1000), body, encoding);
  }
  // grpc core's deflate is zlib (RFC 1950): the interoperable bytes are zlib.deflate's.
  t.same(
    await decompress('deflate', zlib.deflateSync(body), 1000),
    body,
    'reads zlib-format deflate',
  );
  t.same(zlib.inflateSync(await compress('deflate', body)), body, 'writes zlib-format deflate');
  t.same(zlib.gunzipSync(await compress('gzip', body)), body, 'writes gzip');
  t.same(
    await decompress('gzip', new Uint8Array(zlib.gzipSync(body)), 1000),
    body,
    'takes a Uint8Array',
  );
});

t.test('identity', async (t) => {
  const body = new Uint8Array([1, 2, 3]);
  const out = await compress('identity', body);
  t.ok(Buffer.isBuffer(out));
  t.same([...out], [1, 2, 3]);
  t.equal(out.buffer, body.buffer, 'no copy');
  const buffer = Buffer.from([4]);
  t.equal(await compress('identity', buffer), buffer);
  // A compressed flag under identity breaks the protocol.
  await t.rejects(decompress('identity', body, 100), {
    name: 'CorruptCompressedMessageError',
    encoding: 'identity',
    message: 'a message has the compressed flag set, but the call has no grpc-encoding (identity)',
  });
});

t.test('an unsupported encoding is UnsupportedEncodingError', async (t) => {
  const message =
    'grpc-encoding "snappy" is not supported; supported encodings are identity, gzip, deflate';
  await t.rejects(compress('snappy', Buffer.alloc(1)), {
    name: 'UnsupportedEncodingError',
    encoding: 'snappy',
    message,
  });
  await t.rejects(decompress('snappy', Buffer.alloc(1), 10), {
    name: 'UnsupportedEncodingError',
    message,
  });
  t.type(new UnsupportedEncodingError('x'), Error);
});

/**
 * A small compressed body that inflates to `size` zero bytes, built by streaming one 1 MiB chunk
 * again and again, so that making the bomb does not itself put `size` bytes in memory.
 */
async function zipBomb(encoding: 'gzip' | 'deflate', size: number): Promise<Buffer> {
  const compressor =
    encoding === 'gzip' ? zlib.createGzip({ level: 9 }) : zlib.createDeflate({ level: 9 });
  const chunks: Buffer[] = [];
  compressor.on('data', (chunk: Buffer) => chunks.push(chunk));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < size; written += zeros.length) {
    if (!compressor.write(zeros)) await once(compressor, 'drain');
  }
  compressor.end();
  await once(compressor, 'end');
  return Buffer.concat(chunks);
}

t.test('zip bomb: decompression stops at maxBytes instead of inflating it all', async (t) => {
  const limit = 1024 * 1024;
  const bombSize = 256 * 1024 * 1024;
  for (const encoding of ['gzip', 'deflate'] as const) {
    const bomb = await zipBomb(encoding, bombSize);
    t.ok(bomb.length < 512 * 1024, `${encoding}: the bomb is small (${bomb.length} bytes)`);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 1);
    const error = await decompress(encoding, bomb, limit).catch((e: unknown) => e);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    t.type(error, DecompressedTooLargeError, encoding);
    t.match(error, {
      name: 'DecompressedTooLargeError',
      limit,
      encoding,
      message: `a ${encoding}-compressed message decompresses to more than the limit of ${limit} bytes`,
    });
    // A full inflate would need 256 MiB; stopping at the limit costs about 1 MiB and one chunk.
    t.ok(
      peak - before < 16 * 1024 * 1024,
      `${encoding}: memory grew by ${((peak - before) / 1e6).toFixed(1)} MB, not ${bombSize / 1e6} MB`,
    );
  }
});

t.test('the limit is on the output, inclusive', async (t) => {
  const body = Buffer.alloc(100, 7);
  const gz = zlib.gzipSync(body);
  t.same(await decompress('gzip', gz, 100), body, 'exactly maxBytes is allowed');
  await t.rejects(decompress('gzip', gz, 99), DecompressedTooLargeError);
  const empty = zlib.gzipSync(Buffer.alloc(0));
  t.same(await decompress('gzip', empty, 0), Buffer.alloc(0), 'an empty message fits a limit of 0');
  await t.rejects(decompress('gzip', zlib.gzipSync(Buffer.from([1])), 0), {
    name: 'DecompressedTooLargeError',
    limit: 0,
  });
  t.same(
    await decompress('gzip', gz, Number.MAX_SAFE_INTEGER),
    body,
    'a huge limit is clamped for zlib',
  );
});

t.test('corrupt or truncated input is CorruptCompressedMessageError', async (t) => {
  const gz = zlib.gzipSync(Buffer.from('some text to compress'));
  const cases: [string, Buffer][] = [
    ['gzip', Buffer.from('not gzip at all')],
    ['gzip', gz.subarray(0, gz.length - 6)],
    ['gzip', Buffer.alloc(0)],
    ['deflate', Buffer.from('not zlib')],
    ['deflate', zlib.deflateRawSync(Buffer.from('raw deflate is not gRPC deflate'))],
    ['deflate', gz],
  ];
  for (const [encoding, body] of cases) {
    const error = await decompress(encoding, body, 1000).catch((e: unknown) => e);
    t.type(
      error,
      CorruptCompressedMessageError,
      `${encoding} ${body.toString('hex').slice(0, 16)}`,
    );
    t.match(error, {
      encoding,
      message: new RegExp(`^a ${encoding}-compressed message could not be decompressed: .+`),
    });
    t.match((error as Error).cause, { code: /^Z_/ }, 'the zlib error is the cause');
  }
});

t.test(
  'small bodies are (de)compressed at once, large ones in the pool: the same results',
  async (t) => {
    // Random bytes do not compress: 10 KiB stays under the 16 KiB done synchronously, 40 KiB not.
    for (const size of [10 * 1024, 40 * 1024]) {
      const body = randomBytes(size);
      for (const encoding of ['gzip', 'deflate'] as const) {
        const compressed = await compress(encoding, body);
        t.same(await decompress(encoding, compressed, size), body, `${encoding}, ${size} bytes`);
        await t.rejects(
          decompress(encoding, compressed, size - 1),
          DecompressedTooLargeError,
          `${encoding}, ${size} bytes: the limit holds`,
        );
        await t.rejects(
          decompress(encoding, compressed.subarray(0, compressed.length - 9), size),
          CorruptCompressedMessageError,
          `${encoding}, ${size} bytes: truncated`,
        );
      }
    }
  },
);

t.test('errors that are not about the data pass through', async (t) => {
  await t.rejects(decompress('gzip', 42 as unknown as Uint8Array, 10), {
    code: 'ERR_INVALID_ARG_TYPE',
  });
});

t.test('property: compress → decompress is the identity', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('identity', 'gzip', 'deflate'),
      fc.uint8Array({ maxLength: 2000 }),
      async (encoding, body) => {
        const compressed = await compress(encoding, body);
        const back =
          encoding === 'identity'
            ? compressed
            : await decompress(encoding, compressed, body.length);
        return Buffer.from(body).equals(back);
      },
    ),
    { numRuns: 200 },
  );
});
