// `handwire broker`: the embedded Kafka broker alone (every topic plain, created on first use),
// and the Kafka flags `handwire serve` shares with it (--kafka-port, --no-kafka,
// --kafka-retention-bytes).

import { type KafkaBroker, startKafkaBroker } from '../kafka/index.js';
import type { OfferEventLog } from '../store/offer-event-log.js';
import { isLoopback } from './loopback.js';
import { parseIntegerFlag, UsageError } from './usage-error.js';

/** Kafka's registered port. */
export const DEFAULT_KAFKA_PORT = 9092;

export interface BrokerFlags {
  host: string;
  port: string;
  retentionBytes?: string;
  insecure?: boolean;
}

export interface KafkaListenConfig {
  host: string;
  port: number;
  /** Whether the port was given; a default port that is taken is then not fatal for serve. */
  portGiven: boolean;
  retentionBytes: number | undefined;
}

/** --retention-bytes / --kafka-retention-bytes: bytes per partition, at least one batch's worth. */
export function parseRetentionBytes(flag: string, value: string | undefined): number | undefined {
  return value === undefined
    ? undefined
    : parseIntegerFlag(flag, value, 1, Number.MAX_SAFE_INTEGER);
}

/** A Kafka listener has no authentication: off loopback only when the user says --insecure. */
export function checkKafkaHost(
  host: string,
  insecure: boolean | undefined,
  offSwitch: string,
): void {
  if (!isLoopback(host) && insecure !== true) {
    throw new UsageError(
      `refusing to serve Kafka on ${host}: the Kafka listener has no authentication, so anyone who ` +
        `can reach it could read and write its topics. Give --insecure if you mean it${offSwitch}`,
    );
  }
}

/** Starts the broker, turning a taken port into a sentence. */
export async function listenKafka(
  config: KafkaListenConfig,
  offerEvents?: OfferEventLog,
): Promise<KafkaBroker> {
  try {
    return await startKafkaBroker({
      host: config.host,
      port: config.port,
      ...(config.retentionBytes === undefined ? {} : { retentionBytes: config.retentionBytes }),
      ...(offerEvents === undefined ? {} : { offerEvents }),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(
        `the Kafka port ${config.host}:${config.port} is in use (is a Kafka broker running there?): ` +
          'pick another with --kafka-port, 0 for a free one',
      );
    }
    throw error;
  }
}

/** The line that tells users (and tests) where Kafka clients connect. */
export function kafkaServingLine(broker: KafkaBroker): string {
  return `handwire serving Kafka on ${broker.address.host}:${broker.address.port}`;
}

/** `handwire broker`: runs until SIGTERM or SIGINT, then closes every connection and exits 0. */
export async function broker(flags: BrokerFlags): Promise<void> {
  checkKafkaHost(flags.host, flags.insecure, '');
  const config: KafkaListenConfig = {
    host: flags.host,
    port: parseIntegerFlag('--port', flags.port, 0, 65535),
    portGiven: true,
    retentionBytes: parseRetentionBytes('--retention-bytes', flags.retentionBytes),
  };
  const running = await listenKafka(config).catch((error: unknown) => {
    if (error instanceof UsageError)
      throw new UsageError(error.message.replace('--kafka-port', '--port'));
    throw error;
  });
  console.log(kafkaServingLine(running));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the Kafka broker`);
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
