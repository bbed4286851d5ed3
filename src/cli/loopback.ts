// Whether a listen address is loopback only (docs/contract.md: serve refuses to listen beyond
// loopback without auth unless told --insecure; the broker flag follows the same rule).

import { isIP } from 'node:net';

/** Loopback: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
