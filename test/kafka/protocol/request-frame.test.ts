// Tests whole frames: request header + body typed by API key, response header versions per API
// (ApiVersions always v0), unknown keys and versions, and zero-copy records in responses
// (kafka.apache.org/protocol "Common Request and Response Structure"; KIP-482; KIP-511).

import t from 'tap';
import { ADVERTISED_API_VERSIONS, kafkaApi } from '../../../src/kafka/protocol/apis/index.js';
import { ErrorCode } from '../../../src/kafka/protocol/error-codes.js';
import { FrameDecoder } from '../../../src/kafka/protocol/framing.js';
import {
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  readRequestHeader,
} from '../../../src/kafka/protocol/request-frame.js';
import { cat, cstr, i16, i32, str, uv } from './wire-bytes.js';

const unframe = (chunks: Buffer[]) => {
  const frames = new FrameDecoder().push(Buffer.concat(chunks));
  if (frames.length !== 1) throw new Error(`expected one frame, got ${frames.length}`);
  return frames[0]!;
};

t.test('a request frame decodes to a body typed by its API key', async (t) => {
  const frame = unframe(
    encodeRequestFrame(
      { requestApiKey: 12, requestApiVersion: 4, correlationId: 9, clientId: 'c' },
      { groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: null },
    ),
  );
  t.same(
    frame,
    cat(i16(12), i16(4), i32(9), str('c'), uv(0), cstr('g'), i32(3), cstr('m'), uv(0), uv(0)),
  );
  const request = decodeRequestFrame(frame);
  t.equal(request.apiKey, 12);
  if (request.apiKey === 12) t.equal(request.body.generationId, 3, 'narrowed to HeartbeatRequest');
  t.same(request.header, {
    requestApiKey: 12,
    requestApiVersion: 4,
    correlationId: 9,
    clientId: 'c',
  });
});

t.test('ApiVersions responses use header v0 even for the flexible v3 body', async (t) => {
  const frame = unframe(
    encodeResponseFrame(18, 3, 77, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
    }),
  );
  t.same(frame, cat(i32(77), i16(0), uv(2), i16(18), i16(0), i16(3), uv(0), i32(0), uv(0)));
  t.same(decodeResponseFrame(18, 3, frame).correlationId, 77);
});

t.test(
  'flexible responses carry header v1 (a tagged-field byte after the correlation id)',
  async (t) => {
    const v9 = unframe(encodeResponseFrame(0, 9, 5, { responses: [], throttleTimeMs: 0 }));
    t.same(v9, cat(i32(5), uv(0), uv(1), i32(0), uv(0)));
    const v7 = unframe(encodeResponseFrame(0, 7, 5, { responses: [], throttleTimeMs: 0 }));
    t.same(v7, cat(i32(5), i32(0), i32(0)));
    t.same(decodeResponseFrame(0, 9, v9).body.responses, []);
  },
);

t.test(
  'an unsupported version still yields its header, so ApiVersions can be answered',
  async (t) => {
    const frame = cat(
      i16(18),
      i16(9),
      i32(1),
      str('librdkafka'),
      uv(0),
      cstr('x'),
      cstr('y'),
      uv(0),
    );
    t.throws(() => decodeRequestFrame(frame), {
      name: 'KafkaProtocolError',
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      message: 'ApiVersions version 9 is not supported (0-4)',
    });
    const { header, reader } = readRequestHeader(frame);
    t.same(header, {
      requestApiKey: 18,
      requestApiVersion: 9,
      correlationId: 1,
      clientId: 'librdkafka',
    });
    t.equal(reader.pos, 2 + 2 + 4 + 12 + 1, 'positioned at the body');
    t.throws(() => decodeRequestFrame(cat(i16(71), i16(0), i32(1), str(null))), {
      errorCode: ErrorCode.INVALID_REQUEST,
      message: 'API key 71 is not implemented',
    });
    t.throws(() => readRequestHeader(Buffer.alloc(3)), /no header/);
    t.throws(() => encodeResponseFrame(0, 12, 1, { responses: [] }), {
      name: 'KafkaProtocolError',
      errorCode: 35,
    });
    t.throws(() => decodeResponseFrame(1, -1, Buffer.alloc(8)), {
      name: 'KafkaProtocolError',
      errorCode: 35,
    });
  },
);

t.test('a Fetch response references stored batches instead of copying them', async (t) => {
  const stored = [Buffer.alloc(1000, 1), Buffer.alloc(2000, 2)];
  const chunks = encodeResponseFrame(1, 11, 3, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 't',
        partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 2, records: stored }],
      },
    ],
  });
  t.ok(
    chunks.includes(stored[0]!) && chunks.includes(stored[1]!),
    'the batches are chunks themselves',
  );
  const decoded = decodeResponseFrame(1, 11, unframe(chunks));
  const partition = decoded.body.responses[0]!.partitions[0]!;
  t.same(partition.records, Buffer.concat(stored));
  t.equal(partition.lastStableOffset, -1);
  t.same(partition.abortedTransactions, [], 'nullable array given no value encodes empty');
});

t.test('a Produce request keeps its records as a view of the frame', async (t) => {
  const records = Buffer.alloc(700, 9);
  const frame = unframe(
    encodeRequestFrame(
      { requestApiKey: 0, requestApiVersion: 7, correlationId: 1, clientId: null },
      {
        transactionalId: null,
        acks: 1,
        timeoutMs: 10,
        topicData: [
          {
            name: 't',
            partitionData: [
              { index: 0, records: [records.subarray(0, 300), records.subarray(300)] },
            ],
          },
        ],
      },
    ),
  );
  const request = decodeRequestFrame(frame);
  if (request.apiKey !== 0) throw new Error('not produce');
  const got = request.body.topicData[0]!.partitionData[0]!.records!;
  t.same(got, records);
  t.equal(got.buffer, frame.buffer, 'no copy');
});

t.test('advertised ranges lie within what the codecs implement', async (t) => {
  for (const { apiKey, maxVersion } of ADVERTISED_API_VERSIONS) {
    const api = kafkaApi(apiKey)!;
    t.ok(api.minVersion === 0 && maxVersion <= api.maxVersion, `${api.name} 0-${maxVersion}`);
  }
  t.notOk(
    ADVERTISED_API_VERSIONS.some((v) => (v.apiKey as number) === 71),
    'GetTelemetrySubscriptions is never advertised (librdkafka would call it in a loop)',
  );
});
