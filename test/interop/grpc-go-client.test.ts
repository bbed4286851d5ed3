// grpc-go's official interop client (google.golang.org/grpc/interop/client, v1.85.0, installed by
// .ci/install-tools.sh) against `handwire interop-server` run as a child process: every case the
// Go client implements that needs no cloud credentials, plaintext and TLS (grpc
// doc/interop-test-descriptions.md). One client process per case, with the service config grpc-go's
// own interop_test.sh uses; exit code 0 is its verdict.

import t from 'tap';
import { INTEROP_CASES } from '../../src/services/interop/client-cases.js';
import {
  type ChildServer,
  casesListedInHelp,
  type GrpcGoCaseResult,
  grpcGoClientHelp,
  runGrpcGoClient,
  startHandwireInteropServer,
} from '../fixtures/interop/grpc-go-interop.js';
import { skipUnless } from '../helpers/peer-tools.js';

/** Cases of the descriptions that grpc-go's client runs and handwire's server must pass. */
const PASSING_CASES = [
  'empty_unary',
  'large_unary',
  'client_streaming',
  'server_streaming',
  'ping_pong',
  'empty_stream',
  'timeout_on_sleeping_server',
  'cancel_after_begin',
  'cancel_after_first_response',
  'status_code_and_message',
  'special_status_message',
  'custom_metadata',
  'unimplemented_method',
  'unimplemented_service',
] as const;

/**
 * grpc-go's soak cases (client.go's switch; not in its -help): large_unary ten times on one
 * channel (rpc_soak) and on a new channel each time (channel_soak), each under 1 s.
 */
const SOAK_CASES = ['rpc_soak', 'channel_soak'] as const;

/**
 * Cases grpc-go's client has that need what handwire's interop server does not do, each with the
 * failure that says exactly that. If handwire gains the feature, the assertion fails: move the
 * case to PASSING_CASES then.
 */
const NEEDS_WHAT_HANDWIRE_LACKS = {
  // SimpleRequest.fill_server_id: handwire leaves SimpleResponse.server_id empty (so does
  // grpc-go's own test server; the case is meant for xDS backends, interop_test.sh skips it).
  pick_first_unary: { failure: /FATAL: \[interop\] iteration 0, got empty server ID/ },
  // ORCA: no xds.service.orca.v3.OpenRcaService and no endpoint-load-metrics-bin trailer.
  orca_per_rpc: {
    // (The OOB stream's refusal is logged too, but racing the FATAL that ends the client: it is
    // asserted in orca_oob, where the client waits for it.)
    failure: /FATAL: \[interop\] \/TestService\/UnaryCall RPC received ORCA load report ; want /,
  },
  // Would poll for a load report for its full 30 s: stopped once it has said why it cannot come.
  orca_oob: {
    stopWhen: /Server doesn't support ORCA OOB load reporting protocol; not listening/,
  },
} as const;

/** Cases of the descriptions grpc-go's client (v1.85.0) does not have: "Unsupported test case". */
const NOT_IN_GRPC_GO_CLIENT = [
  'client_compressed_unary',
  'server_compressed_unary',
  'client_compressed_streaming',
  'server_compressed_streaming',
] as const;

/** Cases its -help lists that need Google cloud credentials: not run. */
const NEEDS_CLOUD_CREDENTIALS = [
  'compute_engine_creds',
  'service_account_creds',
  'jwt_token_creds',
  'per_rpc_creds',
  'oauth2_auth_token',
  'google_default_credentials',
  'compute_engine_channel_credentials',
];

/**
 * Why a run failed, short enough for a tap diagnostic: its FATAL line, the lines it logged at
 * WARNING and up (a GOAWAY it received, say), soak iterations that failed, and — if handwire's
 * server is no longer running — how it ended and what it printed last.
 */
function evidence(result: GrpcGoCaseResult, server?: ChildServer): Record<string, unknown> {
  const problems = result.output
    .split('\n')
    .filter((line) => /\b(WARNING|ERROR|FATAL): |soak iteration: .* failed/.test(line));
  const exited = server?.exited();
  return {
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    fatal: result.fatal,
    problems: problems.slice(-12),
    ...(exited === undefined
      ? {}
      : { handwireServer: exited, handwireOutput: server!.output().slice(-2000) }),
  };
}

t.test(
  "grpc-go's interop client → handwire interop server",
  { skip: skipUnless('grpc-go-interop-client') },
  async (t) => {
    t.test('the lists above match the client and cover every case handwire runs', async (t) => {
      const listed = casesListedInHelp(await grpcGoClientHelp());
      t.same(
        [...listed].sort(),
        [
          ...PASSING_CASES,
          ...Object.keys(NEEDS_WHAT_HANDWIRE_LACKS),
          ...NEEDS_CLOUD_CREDENTIALS,
        ].sort(),
        'the cases -test_case documents: a newer grpc-go that adds one is noticed here',
      );
      t.same(
        [...PASSING_CASES, ...NOT_IN_GRPC_GO_CLIENT].sort(),
        Object.keys(INTEROP_CASES).sort(),
        "handwire's 18 cases are those the Go client runs plus those it lacks",
      );
      for (const name of NOT_IN_GRPC_GO_CLIENT) {
        // No server is needed: the client dials lazily and rejects the name first.
        const result = await runGrpcGoClient(name, { address: '127.0.0.1:9', timeoutMs: 10_000 });
        t.match(
          result.fatal,
          new RegExp(`Unsupported test case:\\s+${name}$`),
          `the client lacks ${name}`,
          evidence(result),
        );
      }
    });

    for (const useTls of [false, true]) {
      t.test(useTls ? 'over TLS (server1.pem, test CA)' : 'plaintext', async (t) => {
        const server = await startHandwireInteropServer({ useTls });
        t.teardown(() => server.stop());
        const address = server.address;

        for (const name of [...PASSING_CASES, ...SOAK_CASES]) {
          t.test(name, async (t) => {
            const result = await runGrpcGoClient(name, { address, useTls });
            t.ok(result.passed, `${name} passes (${result.ms} ms)`, evidence(result, server));
          });
        }

        t.test('pick_first_unary: handwire does not fill server_id', async (t) => {
          const result = await runGrpcGoClient('pick_first_unary', { address, useTls });
          t.notOk(result.passed, 'fails', evidence(result, server));
          t.match(result.fatal, NEEDS_WHAT_HANDWIRE_LACKS.pick_first_unary.failure);
        });
        t.test('orca_per_rpc: handwire sends no ORCA load report', async (t) => {
          const result = await runGrpcGoClient('orca_per_rpc', { address, useTls });
          const expected = NEEDS_WHAT_HANDWIRE_LACKS.orca_per_rpc;
          t.notOk(result.passed, 'fails', evidence(result, server));
          t.match(result.fatal, expected.failure);
        });
        t.test('orca_oob: handwire has no OpenRcaService', async (t) => {
          const result = await runGrpcGoClient('orca_oob', {
            address,
            useTls,
            stopWhen: NEEDS_WHAT_HANDWIRE_LACKS.orca_oob.stopWhen,
          });
          t.ok(
            result.stopped,
            'the client says the server lacks ORCA OOB',
            evidence(result, server),
          );
        });
        t.test("handwire's server is still running after every case", async (t) => {
          // Each client opens an ORCA OOB stream (the LB policy in the service config) that
          // handwire refuses UNIMPLEMENTED; a server that crashed on one is caught here too.
          t.equal(server.exited(), undefined, 'not exited', {
            handwireOutput: server.output().slice(-2000),
          });
        });
      });
    }

    for (const name of NOT_IN_GRPC_GO_CLIENT) {
      t.test(name, { skip: "grpc-go's interop client (v1.85.0) does not implement it" }, () => {});
    }
  },
);
