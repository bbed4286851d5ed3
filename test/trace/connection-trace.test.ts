// ConnectionTrace on hand-built frames: header blocks split over CONTINUATION, padding, the frames
// a gRPC call rarely shows (PING, PRIORITY, GOAWAY with debug data), DATA on an unknown stream.

import t from 'tap';
import { ConnectionTrace, type TracedFrame } from '../../src/trace/connection-trace.js';
import { CLIENT_PREFACE } from '../../src/trace/http2-frames.js';
import { formatFrame } from '../../src/trace/trace-format.js';

const frame = (type: number, flags: number, stream: number, payload: number[] | Buffer): Buffer => {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(9);
  header.writeUIntBE(body.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, body]);
};

t.test('the frames of one client direction, explained', async (t) => {
  const traced: TracedFrame[] = [];
  const trace = new ConnectionTrace((f) => traced.push(f));
  trace.push(
    'client',
    Buffer.concat([
      CLIENT_PREFACE,
      // HEADERS, padded, without END_HEADERS: ":method: POST" then the block goes on.
      frame(1, 0x8, 1, [1, 0x83, 0]),
      frame(9, 0x4, 1, [0x86]), // CONTINUATION with END_HEADERS: ":scheme: http"
      frame(6, 0, 0, Buffer.alloc(8)),
      frame(2, 0, 3, [0x80, 0, 0, 1, 255]),
      frame(0, 0, 5, [0, 0, 0, 0, 0]),
      frame(7, 0, 0, [0, 0, 0, 1, 0, 0, 0, 11, 0x62, 0x79, 0x65]),
      frame(8, 0, 1, [0, 0, 0, 10]),
    ]),
  );
  const text = traced.flatMap((f) => formatFrame(f)).join('\n');
  t.match(text, /a header block fragment: the block goes on in a CONTINUATION frame/);
  t.match(text, /pad length 1/);
  t.match(text, /:method: POST — indexed, static table 3/);
  t.match(text, /:scheme: http — indexed, static table 6/);
  t.match(text, /8 opaque bytes the peer must echo/);
  t.match(
    text,
    /priority \(deprecated, RFC 9113 §5\.3\.2\): exclusive, depends on stream 1, weight 256/,
  );
  t.match(text, /5 bytes on a stream whose headers were not seen/);
  t.match(text, /error code 11 ENHANCE_YOUR_CALM/);
  t.match(text, /debug data: "bye"/);
  t.match(text, /window size increment 10 \(this stream\)/);
  t.same(traced.find((f) => f.frame?.typeName === 'CONTINUATION')?.headers?.length, 2);
});

t.test('a CONTINUATION out of nowhere stops the trace of that direction', async (t) => {
  const traced: TracedFrame[] = [];
  const trace = new ConnectionTrace((f) => traced.push(f));
  trace.push('server', frame(9, 0x4, 1, [0x88]));
  trace.push('server', frame(4, 0, 0, []));
  t.equal(traced.length, 1, 'nothing more is traced after the error');
  t.match(traced[0]!.lines[0]!.text, /CONTINUATION frame with no HEADERS before it/);
});
