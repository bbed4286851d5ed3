import t from 'tap';
import { grpcStatusForHttpStatus } from '../../src/transport/http-status.js';
import { Status } from '../../src/transport/status.js';

t.test('http-grpc-status-mapping.md, row by row', async (t) => {
  const cases: [number, number][] = [
    [400, Status.INTERNAL],
    [401, Status.UNAUTHENTICATED],
    [403, Status.PERMISSION_DENIED],
    [404, Status.UNIMPLEMENTED],
    [429, Status.UNAVAILABLE],
    [431, Status.INTERNAL],
    [502, Status.UNAVAILABLE],
    [503, Status.UNAVAILABLE],
    [504, Status.UNAVAILABLE],
    // "All other codes": UNKNOWN, 200 included (a real OK carries grpc-status).
    [200, Status.UNKNOWN],
    [415, Status.UNKNOWN],
    [500, Status.UNKNOWN],
    [302, Status.UNKNOWN],
  ];
  for (const [http, grpc] of cases) t.equal(grpcStatusForHttpStatus(http), grpc, `HTTP ${http}`);
});
