// Where grpc's interop test certificates are (grpc doc/interop-test-descriptions.md, "Server":
// "use server1.pem for their certificate"; clients trust ca.pem and claim `foo.test.google.fr`).
//
// grpc keeps them in src/core/tsi/test_creds/. Debian ships no package of them on their own, but
// `ruby-grpc` carries the same files in its gem (src/ruby/spec/testdata/), where the Ruby interop
// programs read them; that directory is looked up here. Its path holds the architecture, the Ruby
// ABI and the gem version, so it is searched, not written down.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The server name the test certificate is valid for (a wildcard: *.test.google.fr). */
export const TEST_SERVER_HOST_OVERRIDE = 'foo.test.google.fr';

export interface TestCredentialFiles {
  ca: string;
  serverCert: string;
  serverKey: string;
}

/** grpc's test ca.pem, server1.pem and server1.key in `directory`, if all three are there. */
export function testCredentialsIn(directory: string): TestCredentialFiles | undefined {
  const files = {
    ca: join(directory, 'ca.pem'),
    serverCert: join(directory, 'server1.pem'),
    serverKey: join(directory, 'server1.key'),
  };
  return Object.values(files).every((file) => existsSync(file)) ? files : undefined;
}

/**
 * The directory of grpc's test certificates: `$GRPC_TEST_CREDS_DIR` when set, else the one inside
 * Debian's ruby-grpc gem (/usr/lib/<arch>/rubygems-integration/<abi>/gems/grpc-<v>/src/ruby/spec/
 * testdata). Undefined when neither has them.
 */
export function findTestCredentials(): TestCredentialFiles | undefined {
  const fromEnvironment = process.env.GRPC_TEST_CREDS_DIR;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    return testCredentialsIn(fromEnvironment);
  }
  for (const gem of rubyGrpcGemDirectories()) {
    const found = testCredentialsIn(join(gem, 'src/ruby/spec/testdata'));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Every installed Debian ruby-grpc gem directory, newest version name last. */
export function rubyGrpcGemDirectories(): string[] {
  const found: string[] = [];
  for (const arch of list('/usr/lib')) {
    const integration = join('/usr/lib', arch, 'rubygems-integration');
    for (const abi of list(integration)) {
      const gems = join(integration, abi, 'gems');
      for (const gem of list(gems)) if (/^grpc-\d/.test(gem)) found.push(join(gems, gem));
    }
  }
  return found.sort();
}

function list(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}
