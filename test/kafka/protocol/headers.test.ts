// Tests request headers v0-v2 and response headers v0-v1, and which version each API version
// uses (kafka.apache.org/protocol "Headers"; flexible versions: KIP-482; ApiVersions: KIP-511).

import t from 'tap';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import {
  decodeRequestHeader,
  encodeRequestHeader,
  type RequestHeader,
  requestHeaderVersion,
} from '../../../src/kafka/protocol/request-header.js';
import {
  decodeResponseHeader,
  encodeResponseHeader,
  responseHeaderVersion,
} from '../../../src/kafka/protocol/response-header.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';
import { cat, i16, i32, str, uv } from './wire-bytes.js';

const header: RequestHeader = {
  requestApiKey: 3,
  requestApiVersion: 9,
  correlationId: 42,
  clientId: 'rdkafka',
};

function encodedRequest(version: 0 | 1 | 2, h = header): Buffer {
  const w = new KafkaWriter();
  encodeRequestHeader(w, version, h);
  return w.toBuffer();
}

t.test('request header v1 and v2 bytes; client id stays an int16 string in v2', async (t) => {
  const v1 = cat(i16(3), i16(9), i32(42), str('rdkafka'));
  t.same(encodedRequest(1), v1);
  t.same(encodedRequest(2), cat(v1, uv(0)));
  t.same(encodedRequest(1, { ...header, clientId: null }), cat(i16(3), i16(9), i32(42), i16(-1)));
  t.same(encodedRequest(0, { ...header, clientId: null }), cat(i16(3), i16(9), i32(42)));
  t.throws(() => encodedRequest(0), /v0 has no client id/);
});

t.test('request headers decode, skipping unknown tagged fields in v2', async (t) => {
  t.same(decodeRequestHeader(new KafkaReader(encodedRequest(1)), 1), header);
  const withTag = cat(
    i16(3),
    i16(9),
    i32(42),
    str('rdkafka'),
    uv(1),
    uv(5),
    uv(2),
    i16(7),
    i32(99),
  );
  const r = new KafkaReader(withTag);
  t.same(decodeRequestHeader(r, 2), header);
  t.equal(r.int32(), 99, 'the body starts right after the tagged fields');
  t.same(decodeRequestHeader(new KafkaReader(cat(i16(0), i16(0), i32(1))), 0), {
    requestApiKey: 0,
    requestApiVersion: 0,
    correlationId: 1,
    clientId: null,
  });
  t.throws(() => decodeRequestHeader(new KafkaReader(cat(i16(3), i16(9))), 1), {
    name: 'KafkaProtocolError',
    message: /header.correlationId/,
  });
});

t.test('response headers v0 and v1', async (t) => {
  const w = new KafkaWriter();
  encodeResponseHeader(w, 0, { correlationId: 7 });
  encodeResponseHeader(w, 1, { correlationId: 8 });
  const bytes = w.toBuffer();
  t.same(bytes, cat(i32(7), i32(8), uv(0)));
  const r = new KafkaReader(cat(bytes, uv(1), uv(0), uv(1), Buffer.from([5])));
  t.same(decodeResponseHeader(r, 0), { correlationId: 7 });
  t.same(decodeResponseHeader(r, 1), { correlationId: 8 });
  t.throws(() => decodeResponseHeader(r, 1), /tagged fields/);
});

t.test('header versions follow each API first flexible version', async (t) => {
  const cases: [number, number, number, number][] = [
    // apiKey, version, request header, response header
    [0, 8, 1, 0],
    [0, 9, 2, 1],
    [1, 11, 1, 0],
    [1, 12, 2, 1],
    [3, 8, 1, 0],
    [3, 9, 2, 1],
    [22, 1, 1, 0],
    [22, 2, 2, 1],
    [10, 3, 2, 1],
    [12, 4, 2, 1],
    // ApiVersions: request header follows the rule, the response header is always v0.
    [18, 2, 1, 0],
    [18, 3, 2, 0],
    [18, 7, 2, 0],
    // A version above the implemented maximum still counts as flexible.
    [0, 42, 2, 1],
    // An unknown key gets header v1, which reads as far as the client id.
    [999, 5, 1, 0],
  ];
  for (const [apiKey, version, request, response] of cases) {
    t.equal(requestHeaderVersion(apiKey, version), request, `request ${apiKey} v${version}`);
    t.equal(responseHeaderVersion(apiKey, version), response, `response ${apiKey} v${version}`);
  }
});
