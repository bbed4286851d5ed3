// Where the real peers built from Go sources live (ghz, grpcurl, grpc-go's interop client and
// server): `.ci/install-tools.sh` installs them with `go install` into `.tools/` at the
// repository's root (ignored by git). In CI a missing tool is a failure; run locally without
// them, the tests that need one skip with a line saying how to install it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `.tools/` at the repository's root. */
export const TOOLS_DIR = fileURLToPath(new URL('../../.tools/', import.meta.url));

/** The Go programs `.ci/install-tools.sh` installs, by the name tests ask for. */
const GO_TOOLS = {
  ghz: 'bin/ghz',
  grpcurl: 'bin/grpcurl',
  'grpc-go-interop-client': 'grpc-go/client',
  'grpc-go-interop-server': 'grpc-go/server',
} as const;

export type GoToolName = keyof typeof GO_TOOLS;

/** The one line a test prints when it skips because a tool is not installed. */
export const INSTALL_HINT = 'run `bash .ci/install-tools.sh` (CI does) to install it';

/** The path of `name` when installed, else undefined. */
export function goTool(name: GoToolName): string | undefined {
  const path = TOOLS_DIR + GO_TOOLS[name];
  return existsSync(path) ? path : undefined;
}

/**
 * For `t.test(name, { skip: skipUnless(...) })`: false when every tool is installed (or in CI,
 * where the test must run and fail loudly if it is missing), else the reason to skip.
 */
export function skipUnless(...names: GoToolName[]): false | string {
  const missing = names.filter((name) => goTool(name) === undefined);
  if (missing.length === 0 || process.env.CI === 'true') return false;
  return `${missing.join(', ')} not installed: ${INSTALL_HINT}`;
}

/** The path of `name`, throwing a sentence that says how to install it when it is missing. */
export function requireGoTool(name: GoToolName): string {
  const path = goTool(name);
  if (path === undefined)
    throw new Error(`${name} is not installed in ${TOOLS_DIR}: ${INSTALL_HINT}`);
  return path;
}

/** The python of the PyPI grpcio virtualenv `.ci/install-tools.sh` makes, when it exists. */
export function grpcioVenvPython(): string | undefined {
  const path = `${TOOLS_DIR}grpcio-venv/bin/python`;
  return existsSync(path) ? path : undefined;
}
