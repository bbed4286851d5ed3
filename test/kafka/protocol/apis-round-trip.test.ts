// Tests every implemented API in every version: request and response encode → decode is the
// identity on version-appropriate values, and nothing is left unread (kafka.apache.org/protocol
// "The Messages"; flexible versions and tagged fields: KIP-482).

import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import * as protocol from '../../../src/kafka/protocol/index.js';
import type { MessageCodec } from '../../../src/kafka/protocol/message-codec.js';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';
import { messageArbitrary } from './message-arbitrary.js';

const SEED = 4711;
// 14 APIs × ~8 versions × 2 messages: a few runs each keeps the file to a few seconds.
const RUNS = 12;

function roundTrip(codec: MessageCodec<unknown>, version: number, value: unknown) {
  const w = new KafkaWriter(32);
  codec.encode(w, version, value);
  const bytes = w.toBuffer();
  const r = new KafkaReader(bytes);
  const decoded = codec.decode(r, version);
  return { bytes, decoded, left: r.remaining };
}

for (const api of KAFKA_APIS) {
  t.test(`${api.name} (key ${api.apiKey}) v${api.minVersion}-${api.maxVersion}`, async (t) => {
    for (let version = api.minVersion; version <= api.maxVersion; version++) {
      for (const codec of [api.request, api.response] as MessageCodec<unknown>[]) {
        fc.assert(
          fc.property(messageArbitrary(codec.fields, version), (value) => {
            const { bytes, decoded, left } = roundTrip(codec, version, value);
            // One assertion per message, with tap's diff only when it fails.
            if (!isDeepStrictEqual(decoded, value) || left !== 0) {
              t.same(decoded, value, `${codec.name} v${version}`);
              t.equal(left, 0, `${codec.name} v${version} reads every byte`);
              return false;
            }
            // Encoding what was decoded gives the same bytes back.
            return roundTrip(codec, version, decoded).bytes.equals(bytes);
          }),
          { seed: SEED + version, numRuns: RUNS },
        );
      }
      t.pass(`v${version}: requests and responses round-trip`);
    }
  });
}

t.test('every API states its key, range and first flexible version', async (t) => {
  t.same(
    KAFKA_APIS.map((a) => [a.name, a.apiKey, a.minVersion, a.maxVersion, a.firstFlexibleVersion]),
    [
      ['Produce', 0, 0, 11, 9],
      ['Fetch', 1, 0, 17, 12],
      ['ListOffsets', 2, 0, 10, 6],
      ['Metadata', 3, 0, 12, 9],
      ['OffsetCommit', 8, 0, 9, 8],
      ['OffsetFetch', 9, 0, 9, 6],
      ['FindCoordinator', 10, 0, 6, 3],
      ['JoinGroup', 11, 0, 9, 6],
      ['Heartbeat', 12, 0, 4, 4],
      ['LeaveGroup', 13, 0, 5, 4],
      ['SyncGroup', 14, 0, 5, 4],
      ['ApiVersions', 18, 0, 4, 3],
      ['CreateTopics', 19, 0, 7, 5],
      ['InitProducerId', 22, 0, 5, 2],
    ],
  );
});

t.test(
  'each API module exports its four named codecs, and they agree with the tables',
  async (t) => {
    const exported = protocol as unknown as Record<string, (...args: any[]) => any>;
    for (const api of KAFKA_APIS) {
      for (const version of [api.minVersion, api.maxVersion]) {
        for (const kind of ['Request', 'Response'] as const) {
          const encode = exported[`encode${api.name}${kind}`]!;
          const decode = exported[`decode${api.name}${kind}`]!;
          const codec = (kind === 'Request' ? api.request : api.response) as MessageCodec<unknown>;
          const value = fc.sample(messageArbitrary(codec.fields, version), {
            seed: SEED,
            numRuns: 1,
          })[0];
          const w = new KafkaWriter();
          encode(w, version, value);
          t.same(
            decode(new KafkaReader(w.toBuffer()), version),
            value,
            `${api.name}${kind} v${version}`,
          );
        }
      }
    }
  },
);

t.test('API keys and error codes have their protocol guide names', async (t) => {
  t.equal(protocol.apiKeyName(18), 'ApiVersions');
  t.equal(protocol.apiKeyName(1000), 'ApiKey1000');
  t.equal(protocol.errorCodeName(6), 'NOT_LEADER_OR_FOLLOWER');
  t.equal(protocol.errorCodeName(-1), 'UNKNOWN_SERVER_ERROR');
  t.equal(protocol.errorCodeName(9999), 'UNKNOWN_ERROR_CODE_9999');
  t.equal(protocol.ErrorCode.UNKNOWN_TOPIC_ID, 100);
  t.equal(protocol.ErrorCode.PRODUCER_FENCED, 90);
});
