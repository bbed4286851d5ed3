// `handwire interop-client`: runs grpc's interop test cases against a TestService server (grpc
// doc/interop-test-descriptions.md, "Client": --server_host, --server_host_override,
// --server_port, --test_case, --use_tls, --use_test_ca).

import { createChannel } from '../client/channel.js';
import {
  INTEROP_CASES,
  type InteropCaseName,
  interopClients,
  isInteropCaseName,
  runInteropCase,
} from '../services/interop/client-cases.js';
import {
  findTestCredentials,
  TEST_SERVER_HOST_OVERRIDE,
} from '../services/interop/test-credentials.js';
import { parseBooleanFlag } from './interop-flags.js';
import { parseIntegerFlag, readFlagFile, UsageError } from './usage-error.js';

/** The flags as commander hands them over. */
export interface InteropClientFlags {
  server_host: string;
  server_host_override?: string;
  server_port?: string;
  test_case?: string;
  use_tls?: string | boolean;
  use_test_ca?: string | boolean;
  ca_file?: string;
}

/**
 * Runs one case (or `all`, each in turn); prints one line per case. A failed case sets exit
 * code 1 and says what the server did wrong; a bad flag is a UsageError (exit code 2).
 */
export async function interopClient(flags: InteropClientFlags): Promise<void> {
  if (flags.server_port === undefined) throw new UsageError('--server_port is required');
  const port = parseIntegerFlag('--server_port', flags.server_port, 1, 65535);
  const names = selectCases(flags.test_case);
  const channel = createChannel(`${flags.server_host}:${port}`, {
    connectTimeoutMs: 10_000,
    tls: tlsOptions(flags),
  });
  const clients = interopClients(channel);
  try {
    for (const name of names) {
      const started = performance.now();
      try {
        await runInteropCase(name, clients);
        console.log(`PASS ${name} (${Math.round(performance.now() - started)} ms)`);
      } catch (error) {
        console.log(`FAIL ${name}: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    }
  } finally {
    channel.close();
  }
}

function selectCases(testCase: string | undefined): InteropCaseName[] {
  if (testCase === undefined) throw new UsageError('--test_case is required (a case name or all)');
  if (testCase === 'all') return Object.keys(INTEROP_CASES) as InteropCaseName[];
  if (!isInteropCaseName(testCase)) {
    throw new UsageError(
      `--test_case "${testCase}" is not a case this client runs; it runs all, ${Object.keys(INTEROP_CASES).join(', ')}`,
    );
  }
  return [testCase];
}

/** TLS as grpc's interop clients do it: the test CA (or system roots) and a name override. */
function tlsOptions(flags: InteropClientFlags) {
  if (!parseBooleanFlag('--use_tls', flags.use_tls)) return undefined;
  let ca: string | undefined;
  if (flags.ca_file !== undefined) {
    ca = readFlagFile('--ca_file', flags.ca_file);
  } else if (parseBooleanFlag('--use_test_ca', flags.use_test_ca)) {
    const found = findTestCredentials();
    if (found === undefined) {
      throw new UsageError(
        "--use_test_ca needs grpc's test ca.pem: install Debian's ruby-grpc, set " +
          'GRPC_TEST_CREDS_DIR, or pass --ca_file',
      );
    }
    ca = readFlagFile('--use_test_ca', found.ca);
  }
  const serverName =
    flags.server_host_override ?? (ca !== undefined ? TEST_SERVER_HOST_OVERRIDE : undefined);
  return { ca, serverName };
}
