// A listen that failed, as one sentence naming the flag, the address and what to do.

import { UsageError } from './usage-error.js';

/**
 * Turns the error of `listen(host:port)` into a UsageError: a taken port, a port that needs
 * privileges, a host that does not resolve or is not this machine's. Anything else keeps Node's
 * message, prefixed with the flag and address.
 */
export function listenFailure(
  portFlag: string,
  host: string,
  port: number,
  error: unknown,
): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new UsageError(
        `${portFlag} ${port}: ${address} is in use (is another server running there?); ` +
          `pick another port with ${portFlag}, 0 for a free one`,
      );
    case 'EACCES':
      return new UsageError(
        `${portFlag} ${port}: listening on ${address} is not permitted (ports below 1024 need ` +
          `privileges); pick a port above 1023 with ${portFlag}`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UsageError(
        `--host ${host}: no such host (the name does not resolve); give an IP address or a ` +
          'name this machine resolves, like 127.0.0.1 or localhost',
      );
    case 'EADDRNOTAVAIL':
      return new UsageError(
        `--host ${host}: that address is not one of this machine's; give one of its addresses, ` +
          '127.0.0.1, or 0.0.0.0 for all',
      );
    default:
      return new UsageError(
        `cannot listen on ${address} (${portFlag}): ${(error as Error).message}`,
      );
  }
}
