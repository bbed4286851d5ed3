// `handwire serve`: the user and offer services on an in-memory store, with health, reflection,
// the standard interceptors, metrics, TLS, and graceful shutdown on SIGTERM/SIGINT (docs/contract.md
// §2, §4 and §5); and the offer event log as the Kafka topic "user-offers" (§3).

import type { KafkaBroker } from '../kafka/index.js';
import { Server } from '../server/server.js';
import type { ServerLogger } from '../server/server-options.js';
import { addHealthService } from '../services/health/health-service.js';
import {
  type CallLogger,
  createMetrics,
  createStderrLogger,
  type Metrics,
  type MetricsServer,
  rejectedCallRecorder,
  requestIdResponseHeaders,
  standardInterceptors,
  startMetricsServer,
} from '../services/interceptors/index.js';
import { createOfferService, OfferServiceDefinition } from '../services/offers/offer-service.js';
import { addContractReflection } from '../services/reflection/contract-reflection.js';
import { createUserService, UserServiceDefinition } from '../services/user/user-service.js';
import type { OfferEventLog } from '../store/offer-event-log.js';
import { OfferStore } from '../store/offer-store.js';
import { UserStore } from '../store/user-store.js';
import {
  checkKafkaHost,
  DEFAULT_KAFKA_PORT,
  type KafkaListenConfig,
  kafkaServingLine,
  listenKafka,
  parseRetentionBytes,
} from './broker.js';
import { seedDemoUsers } from './demo-data.js';
import { type BrokerAddress, parseKafkaBrokersFlag } from './kafka-brokers-flag.js';
import { listenFailure } from './listen-error.js';
import { isLoopback } from './loopback.js';
import { startServePublisher } from './serve-publisher.js';
import {
  checkReplicaFlags,
  type ReplicaConfig,
  type ReplicaFlags,
  ServeReplica,
} from './serve-replica.js';
import { reloadTlsOnSighup, stopOnSignals } from './serve-signals.js';
import { checkKeyMatches, readCertificateFlag, readKeyFlag } from './tls-files.js';
import { parseIntegerFlag, parseSecondsFlag, parseTimeoutFlag, UsageError } from './usage-error.js';

/** The flags as commander hands them over (strings until checked here). */
export interface ServeFlags extends ReplicaFlags {
  host: string;
  port: string;
  metricsPort?: string;
  authSecret?: string;
  rateLimit?: string;
  maxMessageBytes: string;
  shutdownGrace: string;
  /** Absent when serve is called without commander (tests): the default, 20 s. */
  headersTimeout?: string;
  /** pino's level names; 'info' from commander's default. */
  logLevel?: string;
  /** 'on' or 'off'; 'on' from commander's default. */
  accessLog?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  insecure?: boolean;
  demo?: boolean;
  kafkaPort?: string;
  /** false with --no-kafka. */
  kafka?: boolean;
  kafkaRetentionBytes?: string;
  /** --kafka-brokers: publish every offer event to this external cluster too. */
  kafkaBrokers?: string;
}

interface ServeConfig {
  host: string;
  port: number;
  metricsPort: number | undefined;
  authSecret: string | undefined;
  rateLimit: number | undefined;
  maxMessageBytes: number;
  shutdownGraceMs: number;
  headersTimeoutMs: number;
  logLevel: LogLevel;
  accessLog: boolean;
  tls: { cert: string; key: string; ca: string | undefined } | undefined;
  demo: boolean;
  /** Where to serve Kafka; undefined with --no-kafka. */
  kafka: KafkaListenConfig | undefined;
  /** With --replica-of: follow that source instead of taking writes. */
  replica: ReplicaConfig | undefined;
  /** The external cluster's bootstrap brokers (--kafka-brokers); undefined without the flag. */
  kafkaBrokers: BrokerAddress[] | undefined;
}

/** Checks every flag once; a bad one is a UsageError with one sentence. */
export function checkServeFlags(
  flags: ServeFlags,
  env: NodeJS.ProcessEnv = process.env,
): ServeConfig {
  const authSecret = flags.authSecret ?? env.HANDWIRE_AUTH_SECRET;
  if (authSecret !== undefined && authSecret.length < 16) {
    throw new UsageError(
      '--auth-secret must be at least 16 characters: a short HS256 secret is easy to guess',
    );
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  }
  if (flags.tlsCa !== undefined && flags.tlsCert === undefined) {
    throw new UsageError('--tls-ca (mutual TLS) needs --tls-cert and --tls-key too');
  }
  const config: ServeConfig = {
    host: flags.host,
    port: parseIntegerFlag('--port', flags.port, 0, 65535),
    metricsPort:
      flags.metricsPort === undefined
        ? undefined
        : parseIntegerFlag('--metrics-port', flags.metricsPort, 0, 65535),
    authSecret,
    rateLimit:
      flags.rateLimit === undefined
        ? undefined
        : parseIntegerFlag('--rate-limit', flags.rateLimit, 1, 1_000_000),
    maxMessageBytes: parseIntegerFlag('--max-message-bytes', flags.maxMessageBytes, 1, 2 ** 31 - 1),
    shutdownGraceMs: parseSecondsFlag('--shutdown-grace', flags.shutdownGrace) * 1000,
    headersTimeoutMs: parseTimeoutFlag('--headers-timeout', flags.headersTimeout ?? '20') * 1000,
    logLevel: checkLogLevel(flags.logLevel ?? 'info'),
    accessLog: checkOnOff('--access-log', flags.accessLog ?? 'on'),
    tls:
      flags.tlsCert === undefined
        ? undefined
        : checkServeTls(flags.tlsCert, flags.tlsKey!, flags.tlsCa),
    demo: flags.demo === true,
    kafka: undefined,
    replica: checkReplicaFlags(flags),
    kafkaBrokers:
      flags.kafkaBrokers === undefined
        ? undefined
        : parseKafkaBrokersFlag('--kafka-brokers', flags.kafkaBrokers),
  };
  if (!isLoopback(config.host) && authSecret === undefined && flags.insecure !== true) {
    throw new UsageError(
      `refusing to listen on ${config.host} without --auth-secret: anyone who can reach it could ` +
        'change every user. Give --auth-secret (or HANDWIRE_AUTH_SECRET), or --insecure if you mean it',
    );
  }
  config.kafka = checkKafkaFlags(flags);
  return config;
}

/** pino's levels, least severe first; 'silent' writes nothing. */
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

function checkLogLevel(value: string): LogLevel {
  const level = LOG_LEVELS.find((name) => name === value);
  if (level === undefined)
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
  return level;
}

function checkOnOff(flag: string, value: string): boolean {
  if (value === 'on' || value === 'off') return value === 'on';
  throw new UsageError(`${flag} must be on or off, not "${value}"`);
}

/** The TLS files, each checked: a certificate, its key, and the CA of client certificates. */
function checkServeTls(certPath: string, keyPath: string, caPath: string | undefined) {
  const cert = readCertificateFlag('--tls-cert', certPath);
  const key = readKeyFlag('--tls-key', keyPath);
  checkKeyMatches(cert, key);
  const ca = caPath === undefined ? undefined : readCertificateFlag('--tls-ca', caPath).pem;
  return { cert: cert.pem, key: key.pem, ca };
}

/** The Kafka listener: on the gRPC host, port 9092 unless --kafka-port; none with --no-kafka. */
function checkKafkaFlags(flags: ServeFlags): KafkaListenConfig | undefined {
  if (flags.kafka === false) return undefined;
  checkKafkaHost(flags.host, flags.insecure, ', or --no-kafka');
  return {
    host: flags.host,
    port:
      flags.kafkaPort === undefined
        ? DEFAULT_KAFKA_PORT
        : parseIntegerFlag('--kafka-port', flags.kafkaPort, 0, 65535),
    portGiven: flags.kafkaPort !== undefined,
    retentionBytes: parseRetentionBytes('--kafka-retention-bytes', flags.kafkaRetentionBytes),
  };
}

/**
 * Starts the Kafka listener fed from the offer event log. Kafka's default port taken (another
 * broker, another serve) is a warning, not a failure: gRPC is served without Kafka. A port the user
 * asked for that is taken stops the command.
 */
async function startServeKafka(
  config: KafkaListenConfig | undefined,
  offerEvents: OfferEventLog,
): Promise<KafkaBroker | undefined> {
  if (config === undefined) return undefined;
  try {
    return await listenKafka(config, offerEvents);
  } catch (error) {
    if (!(error instanceof UsageError))
      throw listenFailure('--kafka-port', config.host, config.port, error);
    if (config.portGiven) throw error;
    console.error(
      `handwire: ${error.message}; serving gRPC without Kafka (--no-kafka silences this)`,
    );
    return undefined;
  }
}

/** The gRPC server as `serve` configures it: limits, TLS, and the standard interceptors. */
function serveServer(
  config: ServeConfig,
  logger: CallLogger & ServerLogger,
  metrics: Metrics | undefined,
): Server {
  return new Server({
    maxReceiveMessageLength: config.maxMessageBytes,
    headersTimeoutMs: config.headersTimeoutMs,
    logger,
    earlyResponseHeaders: requestIdResponseHeaders,
    onCallRejected: rejectedCallRecorder({ logger, metrics, accessLog: config.accessLog }),
    interceptors: standardInterceptors({
      logger,
      accessLog: config.accessLog,
      metrics,
      auth: config.authSecret === undefined ? undefined : { secret: config.authSecret },
      rateLimit: config.rateLimit === undefined ? undefined : { perSecond: config.rateLimit },
    }),
    tls:
      config.tls === undefined
        ? undefined
        : {
            cert: config.tls.cert,
            key: config.tls.key,
            ...(config.tls.ca === undefined
              ? {}
              : { ca: config.tls.ca, requestCert: true, rejectUnauthorized: true }),
          },
  });
}

/** Starts serving; resolves once listening. Signals then drive the shutdown. */
export async function serve(flags: ServeFlags): Promise<void> {
  const config = checkServeFlags(flags);
  const logger = createStderrLogger({ level: config.logLevel });
  const metrics = config.metricsPort === undefined ? undefined : createMetrics();
  const store = new UserStore();
  const offers = new OfferStore(store);

  const server = serveServer(config, logger, metrics);
  const replica = config.replica === undefined ? undefined : new ServeReplica(config.replica);
  if (replica === undefined) {
    server.addService(UserServiceDefinition, createUserService(store));
    server.addService(OfferServiceDefinition, createOfferService(offers));
  } else replica.addServices(server);
  const health = addHealthService(server);
  addContractReflection(server);

  const demoUsers = config.demo ? seedDemoUsers(store, offers) : [];
  // A replica's Kafka listener serves the log it follows, with the same offsets.
  const kafka = await startServeKafka(config.kafka, replica?.store.log ?? offers.log);
  const bound = await server
    .listen({ host: config.host, port: config.port })
    .catch(async (error) => {
      await kafka?.close();
      throw listenFailure('--port', config.host, config.port, error);
    });
  let metricsServer: MetricsServer | undefined;
  if (metrics !== undefined && config.metricsPort !== undefined) {
    const metricsPort = config.metricsPort;
    // A metrics port that is taken stops the command, and what already listens closes again:
    // nothing is left serving without the metrics the operator asked for.
    metricsServer = await startMetricsServer({
      host: config.host,
      port: metricsPort,
      registry: metrics.registry,
    }).catch(async (error) => {
      await Promise.all([server.forceClose(), kafka?.close()]);
      throw listenFailure('--metrics-port', config.host, metricsPort, error);
    });
  }

  const publisher =
    config.kafkaBrokers === undefined
      ? undefined
      : startServePublisher({
          brokers: config.kafkaBrokers,
          events: offers.log,
          health,
          logger,
          registry: metrics?.registry,
        });

  const scheme =
    config.tls === undefined ? 'h2c' : config.tls.ca === undefined ? 'TLS' : 'mutual TLS';
  // Before the gRPC line: whoever waits for that line finds the Kafka address already printed.
  if (kafka !== undefined) console.log(kafkaServingLine(kafka));
  console.log(`handwire serving gRPC (${scheme}) on ${bound.address}`);
  if (metricsServer !== undefined)
    console.log(`metrics on http://${config.host}:${metricsServer.port}/metrics`);
  if (replica !== undefined) {
    replica.start(health, logger, metrics);
    console.log(replica.servingLine());
  }
  if (config.demo)
    printDemo(
      bound.address,
      demoUsers.slice(0, 3).map((user) => user.id),
      config.tls !== undefined,
    );
  if (config.demo && kafka !== undefined) {
    const { host, port } = kafka.address;
    console.log(
      `every offer change is a Kafka record too: kcat -b ${host}:${port} -C -t user-offers -o beginning -e`,
    );
  }

  if (config.tls !== undefined) reloadTlsOnSighup(server, flags.tlsCert!, flags.tlsKey!);
  stopOnSignals({ server, metricsServer, kafka, replica, publisher }, config.shutdownGraceMs);
}

function printDemo(address: string, ids: string[], tls: boolean): void {
  const plain = tls ? '' : ' -plaintext';
  console.log(`seeded 1000 demo users, e.g. ${ids.join(', ')}`);
  console.log(
    `try: ghz${tls ? '' : ' --insecure'} --call user.UserService.GetUser -d '{"id":"${ids[0]}"}' -n 100000 -c 50 ${address}`,
  );
  console.log(`     grpcurl${plain} ${address} list`);
  console.log(`     grpcurl${plain} -d '{"limit":3}' ${address} user.UserService/ListUsers`);
  console.log(
    'each demo user has an offer (BASIC, PLUS or PREMIUM); move them all in two commands:',
  );
  console.log(
    // npx: after `npm start` in a clone, handwire is in node_modules/.bin, not on PATH.
    `     npx handwire gen-csv --output demo.csv && npx handwire migrate demo.csv --server ${address}${tls ? ' --tls-ca <ca.pem>' : ''}`,
  );
}
