// @grpc/grpc-js as a second interop client of the handwire interop server: every case of grpc's
// doc/interop-test-descriptions.md that needs no cloud credentials (the cases are written with
// grpc-js in test/fixtures/interop/grpc-js-interop-cases.ts).

import t from 'tap';
import { INTEROP_CASES } from '../../src/services/interop/client-cases.js';
import { createInteropServer } from '../../src/services/interop/interop-server.js';
import {
  compressionWitness,
  EXPECTED_COMPRESSION,
} from '../fixtures/interop/compression-witness.js';
import {
  GRPC_JS_INTEROP_CASES,
  grpcJsInteropClients,
} from '../fixtures/interop/grpc-js-interop-cases.js';

t.test('@grpc/grpc-js interop client → handwire interop server', async (t) => {
  const witness = compressionWitness();
  const server = createInteropServer({ interceptors: [witness.interceptor] });
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 1000 }));
  const clients = grpcJsInteropClients(address);
  t.teardown(() => clients.close());

  t.same(
    Object.keys(GRPC_JS_INTEROP_CASES),
    Object.keys(INTEROP_CASES),
    'grpc-js runs the same cases as the handwire client',
  );
  for (const [name, run] of Object.entries(GRPC_JS_INTEROP_CASES)) {
    await t.resolves(within(20_000, name, run(clients)), name);
  }
  t.same(
    witness.seen.map(({ expected, compressed }) => [expected, compressed]),
    EXPECTED_COMPRESSION,
    "grpc-js's requests arrived compressed or not as their expect_compressed says",
  );
});

/** `promise`, or a rejection after `ms`: a case that hangs fails instead of stalling the run. */
async function within<T>(ms: number, name: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
