// The frame parser and splitter (RFC 9113 §4.1, §6): each frame type's fields and flags, frames
// cut from arbitrary chunks, and malformed input refused with a sentence naming the rule.

import t from 'tap';
import { FrameSplitter } from '../../src/trace/frame-splitter.js';
import { CLIENT_PREFACE, parseFrame } from '../../src/trace/http2-frames.js';

const frame = (type: number, flags: number, stream: number, payload: Buffer): Buffer => {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
};

t.test('each frame type and its fields', async (t) => {
  const data = parseFrame(frame(0, 0x9, 1, Buffer.from([2, 0x61, 0x62, 0, 0])));
  t.same(
    [data.typeName, data.flagNames, data.padLength, data.content?.toString()],
    ['DATA', ['END_STREAM', 'PADDED'], 2, 'ab'],
  );
  const headers = parseFrame(frame(1, 0x24, 3, Buffer.from([0x80, 0, 0, 1, 15, 0x82])));
  t.same(headers.priority, { exclusive: true, dependency: 1, weight: 16 });
  t.same([...headers.content!], [0x82]);
  const settings = parseFrame(frame(4, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100, 0, 9, 0, 0, 0, 1])));
  t.same(
    settings.settings?.map((s) => [s.name, s.value]),
    [
      ['SETTINGS_MAX_CONCURRENT_STREAMS', 100],
      ['unknown setting 0x9', 1],
    ],
  );
  t.equal(parseFrame(frame(3, 0, 1, Buffer.from([0, 0, 0, 8]))).errorCode, 8);
  const goaway = parseFrame(frame(7, 0, 0, Buffer.from([0, 0, 0, 5, 0, 0, 0, 2, 0x68, 0x69])));
  t.same([goaway.lastStreamId, goaway.errorCode, goaway.debugData?.toString()], [5, 2, 'hi']);
  t.equal(parseFrame(frame(8, 0, 0, Buffer.from([0x80, 0, 1, 0]))).windowIncrement, 256);
  t.equal(parseFrame(frame(6, 1, 0, Buffer.alloc(8))).flagNames[0], 'ACK');
  t.equal(parseFrame(frame(0xfa, 0, 0, Buffer.alloc(0))).typeName, 'unknown type 0xfa');
});

t.test('malformed frames are refused with the rule they break', async (t) => {
  t.throws(() => parseFrame(frame(4, 0, 0, Buffer.alloc(5))), /multiple of 6 octets/);
  t.throws(() => parseFrame(frame(3, 0, 1, Buffer.alloc(3))), /RST_STREAM payload is 4 octets/);
  t.throws(() => parseFrame(frame(0, 0x8, 1, Buffer.from([9, 0]))), /padding longer/);
});

t.test('the splitter reports the preface, then whole frames whatever the chunks', async (t) => {
  const splitter = new FrameSplitter(true);
  const bytes = Buffer.concat([
    CLIENT_PREFACE,
    frame(4, 0, 0, Buffer.alloc(0)),
    frame(6, 0, 0, Buffer.alloc(8)),
  ]);
  const pieces = [];
  for (let i = 0; i < bytes.length; i += 5) pieces.push(...splitter.push(bytes.subarray(i, i + 5)));
  t.same(
    pieces.map((p) => p.kind),
    ['preface', 'frame', 'frame'],
  );
  t.equal(splitter.pending, 0);
  t.throws(
    () => new FrameSplitter(true).push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')),
    /connection preface/,
  );
});
