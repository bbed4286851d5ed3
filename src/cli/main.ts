#!/usr/bin/env node
// The `handwire` command (commander): one subcommand per task; bad flags and unreadable files are
// one sentence on stderr and exit code 2, never a stack trace.

import { Command, CommanderError, Option } from 'commander';
import { serve } from './serve.js';
import { UsageError } from './usage-error.js';

function program(): Command {
  const handwire = new Command('handwire')
    .description('gRPC written by hand on node:http2')
    .exitOverride()
    .showHelpAfterError(false);

  handwire
    .command('serve')
    .description('serve user.UserService, offers.v1.OfferService, health and reflection')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '50051')
    .option('--metrics-port <port>', 'serve Prometheus metrics at /metrics on this port')
    .addOption(
      new Option('--auth-secret <secret>', 'require HS256 JWTs signed with this secret').env(
        'HANDWIRE_AUTH_SECRET',
      ),
    )
    .option('--rate-limit <calls>', 'at most this many calls a second per caller')
    .option(
      '--max-message-bytes <bytes>',
      'largest request message accepted',
      String(4 * 1024 * 1024),
    )
    .option('--shutdown-grace <seconds>', 'time calls in flight get to finish on SIGTERM', '10')
    .option('--tls-cert <file>', 'TLS certificate (PEM)')
    .option('--tls-key <file>', 'TLS private key (PEM)')
    .option('--tls-ca <file>', 'require client certificates signed by this CA (mutual TLS)')
    .option('--insecure', 'allow a non-loopback address without --auth-secret')
    .option('--demo', 'seed a thousand users and print commands to try')
    .action(serve);

  return handwire;
}

try {
  await program().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed its message (unknown option, missing argument, --help…).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    console.error(`handwire: ${error.message}`);
    process.exitCode = 2;
  } else {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      `handwire: ${(error as Error).message}${code === 'EADDRINUSE' ? ' (is another server running there?)' : ''}`,
    );
    process.exitCode = 2;
  }
}
