// The grpc.health.v1 codecs against protobufjs reading proto/grpc/health/v1/health.proto
// (grpc doc/health-checking.md; protobuf.dev "Encoding", section "Maps").

import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import t from 'tap';
import { decodeMessage } from '../../src/wire/codec.js';
import {
  HealthCheckRequestCodec,
  type HealthCheckResponse,
  HealthCheckResponseCodec,
  HealthListRequestCodec,
  HealthListResponseCodec,
  ServingStatus,
  servingStatusName,
} from '../../src/wire/messages/health.js';
import { protoEnum, protoRepeated, protoString } from '../helpers/codec-arbitraries.js';
import { checkAgainstProtobufjs } from './protobufjs-properties.js';

const root = protobuf.loadSync(
  fileURLToPath(new URL('../../proto/grpc/health/v1/health.proto', import.meta.url)),
);
root.resolveAll();
const type = (name: string) => root.lookupType(`grpc.health.v1.${name}`);

const status = protoEnum(Object.values(ServingStatus));
const response = fc.record({ status });

t.test('HealthCheckRequest', async (t) => {
  checkAgainstProtobufjs(t, {
    codec: HealthCheckRequestCodec,
    type: type('HealthCheckRequest'),
    arbitrary: fc.record({ service: protoString }),
    toReference: (m) => ({ ...m }),
    fromReference: (o) => ({ service: o.service as string }),
  });
});

t.test('HealthCheckResponse: any int32 status, unknown values kept', async (t) => {
  checkAgainstProtobufjs(t, {
    codec: HealthCheckResponseCodec,
    type: type('HealthCheckResponse'),
    arbitrary: response,
    toReference: (m) => ({ ...m }),
    fromReference: (o) => ({ status: o.status as number }),
  });
});

t.test('HealthListRequest: no fields', async (t) => {
  checkAgainstProtobufjs(t, {
    codec: HealthListRequestCodec,
    type: type('HealthListRequest'),
    arbitrary: fc.constant({}),
    toReference: () => ({}),
    fromReference: () => ({}),
    numRuns: 5,
  });
});

t.test('HealthListResponse: a map of service to status', async (t) => {
  // protobufjs holds a map as a plain object: "__proto__" cannot be one of its keys.
  const entries = protoRepeated(fc.tuple(protoString, response), 60).map(
    (pairs) => new Map(pairs.filter(([key]) => key !== '__proto__')),
  );
  checkAgainstProtobufjs(t, {
    codec: HealthListResponseCodec,
    type: type('HealthListResponse'),
    arbitrary: fc.record({ statuses: entries }),
    toReference: (m) => ({ statuses: Object.fromEntries(m.statuses) }),
    fromReference: (o) => ({
      statuses: new Map(Object.entries(o.statuses as Record<string, HealthCheckResponse>)),
    }),
  });
  // An entry without its key or value: "" and UNKNOWN, as protobuf reads a missing one.
  const bare = Buffer.from([0x0a, 0x00, 0x0a, 0x03, 0x0a, 0x01, 0x61]);
  t.same(decodeMessage(HealthListResponseCodec, bare), {
    statuses: new Map([
      ['', { status: 0 }],
      ['a', { status: 0 }],
    ]),
  });
});

t.test('servingStatusName names listed values and shows others as numbers', async (t) => {
  t.equal(servingStatusName(ServingStatus.SERVICE_UNKNOWN), 'SERVICE_UNKNOWN');
  t.equal(servingStatusName(ServingStatus.UNKNOWN), 'UNKNOWN');
  t.equal(servingStatusName(9), '9');
});
