// Flag parsing shared by `handwire interop-server` and `interop-client`: grpc's interop programs
// take booleans as `--use_tls`, `--use_tls=true` or `--use_tls false` (interop-test-descriptions.md).

import { UsageError } from './usage-error.js';

/** A boolean flag as commander hands it over: true when given bare, else "true" or "false". */
export function parseBooleanFlag(flag: string, value: string | boolean | undefined): boolean {
  if (value === undefined || value === false) return false;
  if (value === true || value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${flag} takes true or false, not "${value}"`);
}
