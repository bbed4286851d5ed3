// handwire's own embedded Kafka broker, for the differential tests: `startKafkaBroker` from
// src/kafka/index.ts on a free loopback port. Loaded by a computed path, so these tests compile
// and run (reporting it missing) before that module exists.

import { existsSync } from 'node:fs';
import { REPO_ROOT } from './apache-kafka.js';

const ENTRY = `${REPO_ROOT}src/kafka/index.ts`;

export interface RunningBroker {
  readonly bootstrap: string;
  close(): Promise<void>;
}

interface KafkaModule {
  startKafkaBroker(options: { host: string; port: number }): Promise<{
    address: string | { host?: string; address?: string; port: number };
    close(): Promise<void> | void;
  }>;
}

/** Undefined when src/kafka/index.ts exports startKafkaBroker, else why it cannot run yet. */
export async function handwireKafkaMissing(): Promise<string | undefined> {
  if (!existsSync(ENTRY)) return 'src/kafka/index.ts does not exist yet';
  const module = (await import(new URL('../../../src/kafka/index.js', import.meta.url).href)) as
    | Partial<KafkaModule>
    | undefined;
  if (typeof module?.startKafkaBroker !== 'function') {
    return 'src/kafka/index.ts does not export startKafkaBroker yet';
  }
  return undefined;
}

/** Starts handwire's broker on 127.0.0.1, port 0. */
export async function startHandwireKafka(): Promise<RunningBroker> {
  const module = (await import(
    new URL('../../../src/kafka/index.js', import.meta.url).href
  )) as KafkaModule;
  const broker = await module.startKafkaBroker({ host: '127.0.0.1', port: 0 });
  const a = broker.address;
  const bootstrap = typeof a === 'string' ? a : `${a.host ?? a.address ?? '127.0.0.1'}:${a.port}`;
  return { bootstrap, close: async () => void (await broker.close()) };
}
