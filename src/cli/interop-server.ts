// `handwire interop-server`: grpc.testing.TestService for grpc's interop clients (grpc
// doc/interop-test-descriptions.md, "Server": `--port`, `--use_tls`, server1.pem as certificate).

import { createInteropServer } from '../services/interop/interop-server.js';
import { findTestCredentials } from '../services/interop/test-credentials.js';
import { parseBooleanFlag } from './interop-flags.js';
import { parseIntegerFlag, readFlagFile, UsageError } from './usage-error.js';

/** The flags as commander hands them over. */
export interface InteropServerFlags {
  port?: string;
  host: string;
  use_tls?: string | boolean;
  tls_cert_file?: string;
  tls_key_file?: string;
}

/** Starts serving; prints the address (the port chosen, with `--port 0`); SIGTERM/SIGINT stop it. */
export async function interopServer(flags: InteropServerFlags): Promise<void> {
  if (flags.port === undefined) throw new UsageError('--port is required (0 picks a free port)');
  const port = parseIntegerFlag('--port', flags.port, 0, 65535);
  let tls: { cert: string; key: string } | undefined;
  if (parseBooleanFlag('--use_tls', flags.use_tls)) {
    const found = findTestCredentials();
    const certFile = flags.tls_cert_file ?? found?.serverCert;
    const keyFile = flags.tls_key_file ?? found?.serverKey;
    if (certFile === undefined || keyFile === undefined) {
      throw new UsageError(
        "--use_tls needs grpc's test certificate: install Debian's ruby-grpc (it ships server1.pem " +
          'and server1.key), set GRPC_TEST_CREDS_DIR, or pass --tls_cert_file and --tls_key_file',
      );
    }
    tls = {
      cert: readFlagFile('--tls_cert_file', certFile),
      key: readFlagFile('--tls_key_file', keyFile),
    };
  }
  const server = createInteropServer({ tls });
  const bound = await server.listen({ host: flags.host, port });
  console.log(`interop server (${tls ? 'TLS' : 'plaintext'}) listening on ${bound.address}`);
  const stop = (): void => {
    void server.close({ graceMs: 1000 });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
