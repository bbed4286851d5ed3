// The embedded Kafka broker: one node on a TCP port that speaks the Kafka protocol to real clients
// (kcat/librdkafka, kafkajs, @platformatic/kafka, kafka-python), with topics in memory, idempotent
// producers, consumer groups and committed offsets; optionally the read-only "user-offers" topic fed
// from handwire's offer event log. Starts in milliseconds on port 0; close() leaves nothing open.

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { OfferEventLog } from '../../store/offer-event-log.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/index.js';
import type { BrokerContext } from './broker-context.js';
import { type BrokerClock, systemClock } from './clock.js';
import { BrokerConnection } from './connection.js';
import { GroupCoordinator } from './group-coordinator.js';
import { feedOfferEventsTopic, type OfferEventsFeed } from './offer-events-topic.js';
import { ProducerIdAllocator } from './producer-state.js';
import { TopicRegistry } from './topics.js';

export interface KafkaBrokerOptions {
  /** Where to listen (default 127.0.0.1). */
  readonly host?: string;
  /** Default 9092; 0 picks a free port. */
  readonly port?: number;
  /** The host clients are told to connect to (default: `host`, or 127.0.0.1 for a wildcard). */
  readonly advertisedHost?: string;
  /** broker.id (default 1). */
  readonly nodeId?: number;
  /** retention.bytes per partition (default: unlimited). */
  readonly retentionBytes?: number;
  /** auto.create.topics.enable (default true). */
  readonly autoCreateTopics?: boolean;
  /** num.partitions of topics created on first use (default 1). */
  readonly defaultPartitions?: number;
  /** group.initial.rebalance.delay.ms (default 100; Kafka's is 3000). */
  readonly initialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms (default 6000) and group.max.session.timeout.ms (1800000). */
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
  /** socket.request.max.bytes (default 100 MiB): a larger frame closes its connection. */
  readonly maxRequestBytes?: number;
  /** Serve the offer event log as the read-only topic "user-offers". */
  readonly offerEvents?: OfferEventLog;
  readonly clock?: BrokerClock;
  /** Where the one-line notes about refused clients go (default: stderr). */
  readonly log?: (line: string) => void;
}

export interface KafkaBroker {
  /** The address bound (the port actually chosen for port 0). */
  readonly address: { readonly host: string; readonly port: number };
  readonly topics: TopicRegistry;
  /** Ends every connection, long-poll, group timer and the offer feed; resolves when closed. */
  close(): Promise<void>;
}

export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  server.listen(options.port ?? 9092, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ]);
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
  const clock = options.clock ?? systemClock;
  const topics = new TopicRegistry({
    ...(options.retentionBytes === undefined ? {} : { retentionBytes: options.retentionBytes }),
    defaultPartitions: options.defaultPartitions ?? 1,
  });
  const groups = new GroupCoordinator({
    clock,
    initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 100,
    minSessionTimeoutMs: options.minSessionTimeoutMs ?? 6000,
    maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 1_800_000,
  });
  const context: BrokerContext = {
    nodeId: options.nodeId ?? 1,
    advertisedHost: options.advertisedHost ?? advertisable(host),
    advertisedPort: port,
    clusterId: randomUUID(),
    topics,
    groups,
    producerIds: new ProducerIdAllocator(),
    clock,
    autoCreateTopics: options.autoCreateTopics ?? true,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
  const feed: OfferEventsFeed | undefined =
    options.offerEvents === undefined
      ? undefined
      : feedOfferEventsTopic(topics, options.offerEvents);
  const connections = new Set<BrokerConnection>();
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_FRAME_BYTES;
  server.on('connection', (socket: Socket) => {
    connections.add(
      new BrokerConnection(socket, context, maxRequestBytes, (c) => connections.delete(c)),
    );
  });
  let closing: Promise<void> | undefined;
  return {
    address: { host, port },
    topics,
    close() {
      closing ??= closeBroker(server, connections, () => {
        groups.close();
        feed?.stop();
      });
      return closing;
    },
  };
}

async function closeBroker(
  server: Server,
  connections: Set<BrokerConnection>,
  stopWork: () => void,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  stopWork();
  for (const connection of connections) connection.close();
  await closed;
}

/** A wildcard listen address is not one a client can connect to: point it at loopback. */
function advertisable(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}
