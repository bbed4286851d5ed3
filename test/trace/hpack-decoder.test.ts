// The HPACK decoder against RFC 7541's own examples (Appendix C): integers, Huffman strings, the
// dynamic table across requests, never-indexed literals and size updates.

import t from 'tap';
import { decodeInteger, HpackDecoder } from '../../src/trace/hpack-decoder.js';
import { huffmanCode, huffmanDecode } from '../../src/trace/hpack-huffman.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

t.test('C.1: integers with a prefix', async (t) => {
  t.same(decodeInteger(hex('0a'), 0, 5), { value: 10, next: 1 });
  t.same(decodeInteger(hex('1f9a0a'), 0, 5), { value: 1337, next: 3 });
  t.same(decodeInteger(hex('2a'), 0, 8), { value: 42, next: 1 });
  t.throws(() => decodeInteger(hex('1f9a'), 0, 5), /runs past the block/);
});

t.test('Appendix B codes rebuilt from their lengths', async (t) => {
  t.same(huffmanCode(48), { bits: 0x0, length: 5 }); // '0'
  t.same(huffmanCode(97), { bits: 0x3, length: 5 }); // 'a'
  t.same(huffmanCode(0), { bits: 0x1ff8, length: 13 });
  t.same(huffmanCode(255), { bits: 0x3ffffee, length: 26 });
  t.same(huffmanCode(256), { bits: 0x3fffffff, length: 30 }); // EOS
  t.equal(huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff')).toString(), 'www.example.com');
  t.throws(() => huffmanDecode(hex('ffffffff')), /EOS|padding/);
  t.throws(() => huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4')), /padding/);
});

t.test('C.4: three requests with Huffman coding share one dynamic table', async (t) => {
  const decoder = new HpackDecoder();
  const first = decoder.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'));
  t.same(
    first.map((f) => [f.representation, f.field?.name, f.field?.value]),
    [
      ['indexed', ':method', 'GET'],
      ['indexed', ':scheme', 'http'],
      ['indexed', ':path', '/'],
      ['incremental', ':authority', 'www.example.com'],
    ],
  );
  t.same(first[3]!.value, { text: 'www.example.com', huffman: true, length: 12 });
  t.equal(first[3]!.table, 'static');
  t.equal(first[3]!.index, 1);

  const second = decoder.decode(hex('8286 84be 5886 a8eb 1064 9cbf'));
  t.same(second[3], {
    representation: 'indexed',
    field: { name: ':authority', value: 'www.example.com' },
    index: 62,
    table: 'dynamic',
    bytes: hex('be'),
  });
  t.same(second[4]!.field, { name: 'cache-control', value: 'no-cache' });

  const third = decoder.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'));
  t.same(third[3]!.field, { name: ':authority', value: 'www.example.com' });
  t.equal(third[3]!.index, 63);
  t.same(third[4]!.field, { name: 'custom-key', value: 'custom-value' });
  t.equal(third[4]!.name?.huffman, true);
  t.equal(decoder.table.length, 3);
  t.equal(decoder.table.octets, 164);
});

t.test('C.2.3 never indexed, C.2.2 without indexing, and a size update', async (t) => {
  const decoder = new HpackDecoder();
  const [secret] = decoder.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'));
  t.equal(secret!.representation, 'never-indexed');
  t.same(secret!.field, { name: 'password', value: 'secret' });
  t.same(secret!.name, { text: 'password', huffman: false, length: 8 });
  const [path] = decoder.decode(hex('040c 2f73 616d 706c 652f 7061 7468'));
  t.equal(path!.representation, 'without-indexing');
  t.same(path!.field, { name: ':path', value: '/sample/path' });
  t.equal(decoder.table.length, 0);

  decoder.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
  t.equal(decoder.table.length, 1);
  const [update] = decoder.decode(hex('20'));
  t.same(update, { representation: 'size-update', newMaxSize: 0, bytes: hex('20') });
  t.equal(decoder.table.length, 0, 'a smaller maximum evicts at once');
  t.throws(() => decoder.decode(hex('be')), /index 62 is in neither table/);
});
