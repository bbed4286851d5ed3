#!/usr/bin/env node
// The `handwire` command (commander): one subcommand per task; bad flags and unreadable files are
// one sentence on stderr and exit code 2, never a stack trace.

import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { broker, DEFAULT_KAFKA_PORT } from './broker.js';
import { DEFAULT_TARGET, genCsv } from './gen-csv.js';
import { interopClient } from './interop-client.js';
import { interopServer } from './interop-server.js';
import { migrate } from './migrate.js';
import { serve } from './serve.js';
import { token } from './token.js';
import { trace } from './trace.js';
import { UsageError } from './usage-error.js';

/** The package's version: package.json sits two levels up from both src/cli and dist/cli. */
function packageVersion(): string {
  const json = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(json) as { version: string }).version;
}

function program(): Command {
  const handwire = new Command('handwire')
    .description('gRPC written by hand on node:http2')
    .version(packageVersion(), '-V, --version', 'print the version of handwire')
    .exitOverride()
    .showHelpAfterError(false);

  addServeCommand(handwire);
  addBrokerCommand(handwire);
  addClientCommands(handwire);
  addInteropCommands(handwire);
  return handwire;
}

/** `serve`: the services, their limits, TLS, Kafka (embedded, published, or followed). */
function addServeCommand(handwire: Command): void {
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
    .option(
      '--headers-timeout <seconds>',
      'close a connection stuck this long in the headers of a request',
      '20',
    )
    .option(
      '--log-level <level>',
      'least severe lines logged: trace, debug, info, warn, error, fatal or silent',
      'info',
    )
    .option('--access-log <on|off>', 'one log line per call (off: none, errors still logged)', 'on')
    .option('--tls-cert <file>', 'TLS certificate (PEM)')
    .option('--tls-key <file>', 'TLS private key (PEM)')
    .option('--tls-ca <file>', 'require client certificates signed by this CA (mutual TLS)')
    .option('--insecure', 'allow a non-loopback address without --auth-secret')
    .option('--demo', 'seed a thousand users and print commands to try')
    .option(
      '--kafka-port <port>',
      'serve the Kafka protocol here (default 9092; 0 picks a free one)',
    )
    .option('--no-kafka', 'do not serve the Kafka protocol')
    .option(
      '--replica-of <host:port,...>',
      'be a read replica: follow the user-offers topic of these Kafka brokers (a cluster, or a primary handwire)',
    )
    .option('--group <group>', 'the consumer group of --replica-of (default handwire-replica)')
    .option('--replica-topic <topic>', 'the topic --replica-of follows (default user-offers)')
    .option(
      '--primary <host:port>',
      "the primary's gRPC address, named when a replica refuses a write",
    )
    .option('--kafka-retention-bytes <bytes>', 'keep at most this many bytes per Kafka partition')
    .option(
      '--kafka-brokers <host:port,…>',
      "also publish every offer event to this Kafka cluster's user-offers topic",
    )
    .action(serve);
}

/** `broker`: the embedded Kafka broker alone. */
function addBrokerCommand(handwire: Command): void {
  handwire
    .command('broker')
    .description('serve an embedded Kafka broker alone (topics in memory, created on first use)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(DEFAULT_KAFKA_PORT))
    .option('--retention-bytes <bytes>', 'keep at most this many bytes per partition')
    .option('--insecure', 'allow a non-loopback address (Kafka clients are not authenticated)')
    .action(broker);
}

/** The commands a user of a running server runs: migrate, token, trace and gen-csv. */
function addClientCommands(handwire: Command): void {
  handwire
    .command('migrate')
    .description('upload a CSV of user_id,current_offer,target_offer as one MigrateOffers stream')
    .argument('<file>', 'the CSV file, or - for standard input')
    .option('--server <host:port>', 'the handwire server', '127.0.0.1:50051')
    .addOption(
      new Option('--token <jwt>', 'send authorization: Bearer <jwt>').env('HANDWIRE_TOKEN'),
    )
    .option('--tls', "use TLS, trusting Node's bundled root certificates")
    .option('--tls-ca <file>', 'use TLS, trusting this CA (PEM)')
    .option('--tls-cert <file>', 'client certificate for mutual TLS (PEM)')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('--tls-server-name <name>', 'name to expect in the server certificate')
    .option('--connect-timeout <seconds>', 'give up connecting after this long (above 0)', '10')
    .action(migrate);

  handwire
    .command('token')
    .description('mint the HS256 JWT that serve --auth-secret wants (printed alone on stdout)')
    .addOption(
      new Option('--secret <secret>', 'the secret serve was given with --auth-secret').env(
        'HANDWIRE_AUTH_SECRET',
      ),
    )
    .requiredOption('--role <role>', 'ROLE_USER, ROLE_MODERATOR or ROLE_ADMIN')
    .requiredOption('--sub <name>', 'who the caller is (the rate limit is kept per sub)')
    .option('--ttl <duration>', 'how long the token is valid: seconds, or 90s, 15m, 12h, 7d', '1h')
    .action(token);

  handwire
    .command('trace')
    .description('pass calls through to a server, printing every HTTP/2 frame annotated')
    .option('--listen <host:port>', 'where clients connect (0 picks a free port)', '127.0.0.1:0')
    .requiredOption('--target <host:port>', 'the server to pass the calls on to (h2c)')
    .option('--proto <files...>', '.proto files naming the fields of other services')
    .option('--insecure', 'allow a non-loopback --listen address')
    .action(trace);

  handwire
    .command('gen-csv')
    .description('write a migration CSV for the users of serve --demo')
    .option('--users <n>', 'demo users to move (1 to 1000)', '1000')
    .option('--rows <m>', 'rows to write, cycling over the users (default: one per user)')
    .option('--target <code>', 'the offer to move them to', DEFAULT_TARGET)
    .option('--output <file>', 'write here instead of standard output')
    .option('--mix', 'add unknown users, mismatches, invalid and malformed lines')
    .action(genCsv);
}

/** grpc's interop programs, with their flag names (doc/interop-test-descriptions.md). */
function addInteropCommands(handwire: Command): void {
  handwire
    .command('interop-server')
    .description('serve grpc.testing.TestService for grpc interop clients')
    .option('--port <port>', 'port to listen on (0 picks a free one)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--use_tls [bool]', "TLS with grpc's test certificate (server1.pem)")
    .option('--tls_cert_file <file>', 'TLS certificate instead of server1.pem')
    .option('--tls_key_file <file>', 'TLS key instead of server1.key')
    .action(interopServer);
  handwire
    .command('interop-client')
    .description("run grpc's interop test cases against a grpc.testing.TestService server")
    .option('--server_host <host>', 'server host', '127.0.0.1')
    .option('--server_host_override <name>', 'TLS server name (default foo.test.google.fr)')
    .option('--server_port <port>', 'server port')
    .option('--test_case <name>', 'a case name, or all')
    .option('--use_tls [bool]', 'connect with TLS')
    .option('--use_test_ca [bool]', "trust grpc's test ca.pem")
    .option('--ca_file <file>', 'trust this CA instead')
    .action(interopClient);
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
