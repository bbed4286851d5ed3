// `handwire serve --replica-of host:port[,…] --group G [--primary host:port]`: the flags of a read
// replica, checked once, and the replica's part of serve — its store, its services, the follower
// and its health (docs/kafka-replica.md; docs/contract.md §5 for the flag sentences).

import {
  OFFER_EVENTS_TOPIC,
  OfferReplica,
  type ReplicaLogger,
  type ReplicaState,
} from '../replica/offer-replica.js';
import { registerReplicaMetrics } from '../replica/replica-metrics.js';
import type { Server } from '../server/server.js';
import type { HealthService } from '../services/health/health-service.js';
import { ServingStatus } from '../services/health/health-service.js';
import type { Metrics } from '../services/interceptors/index.js';
import {
  createReplicaOfferService,
  createReplicaUserService,
  OfferServiceDefinition,
  type ReplicaOf,
} from '../services/replica/read-replica-services.js';
import { UserServiceDefinition } from '../services/user/user-service.js';
import { ReplicaOfferStore } from '../store/replica-offer-store.js';
import { UsageError } from './usage-error.js';

/** The health service name whose status is the replica's: SERVING once caught up. */
export const REPLICA_HEALTH_SERVICE = 'handwire.kafka.Replica';

/** The consumer group of a replica given no --group. */
export const DEFAULT_REPLICA_GROUP = 'handwire-replica';

export interface ReplicaFlags {
  replicaOf?: string;
  group?: string;
  primary?: string;
  replicaTopic?: string;
  demo?: boolean;
  kafkaBrokers?: string;
}

export interface ReplicaConfig {
  bootstrapBrokers: string[];
  group: string;
  primary: string | undefined;
  /** The topic to follow; its dead letters go to the same name plus ".dlq". */
  topic: string;
}

/** The replica's settings; undefined without --replica-of. A bad one is a UsageError. */
export function checkReplicaFlags(flags: ReplicaFlags): ReplicaConfig | undefined {
  if (flags.replicaOf === undefined) {
    for (const [flag, value] of [
      ['--group', flags.group],
      ['--primary', flags.primary],
      ['--replica-topic', flags.replicaTopic],
    ] as const) {
      if (value !== undefined)
        throw new UsageError(`${flag} is for a replica: give --replica-of too`);
    }
    return undefined;
  }
  if (flags.kafkaBrokers !== undefined) {
    throw new UsageError(
      '--kafka-brokers and --replica-of do not go together: a replica takes no writes to publish (its --kafka-port serves the log it follows)',
    );
  }
  if (flags.demo === true) {
    throw new UsageError(
      "--demo and --replica-of do not go together: a replica's data comes from its source only",
    );
  }
  const bootstrapBrokers = flags.replicaOf.split(',').map((entry) => entry.trim());
  for (const entry of bootstrapBrokers) checkHostPort('--replica-of', entry);
  if (flags.primary !== undefined) checkHostPort('--primary', flags.primary);
  const group = flags.group ?? DEFAULT_REPLICA_GROUP;
  // Kafka's rule for group ids: not empty (the broker refuses an empty one as INVALID_GROUP_ID).
  if (group.trim() === '') throw new UsageError('--group must not be empty');
  const topic = flags.replicaTopic ?? OFFER_EVENTS_TOPIC;
  // Kafka's rule for topic names (kafka.common.internals.Topic): 1 to 249 of [a-zA-Z0-9._-].
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    throw new UsageError(
      `--replica-topic must be a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -), not "${topic}"`,
    );
  }
  return { bootstrapBrokers, group, primary: flags.primary, topic };
}

/** host:port, host a name, IPv4 or [IPv6], port 1 to 65535; else a UsageError naming `flag`. */
function checkHostPort(flag: string, entry: string): void {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(entry);
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || port < 1 || port > 65535) {
    throw new UsageError(
      `${flag} wants host:port (a list for --replica-of: host:port,host:port), not "${entry}"`,
    );
  }
}

/** A replica inside `handwire serve`: register its services, then start it once health exists. */
export class ServeReplica {
  readonly store = new ReplicaOfferStore();
  private readonly replicaOf: ReplicaOf;
  private follower: OfferReplica | undefined;

  constructor(private readonly config: ReplicaConfig) {
    const topicSuffix = config.topic === OFFER_EVENTS_TOPIC ? '' : ` (topic ${config.topic})`;
    this.replicaOf = {
      source: config.bootstrapBrokers.join(',') + topicSuffix,
      primary: config.primary,
    };
  }

  /** The user and offer services as a replica answers them. */
  addServices(server: Server): void {
    server.addService(UserServiceDefinition, createReplicaUserService(this.replicaOf));
    server.addService(
      OfferServiceDefinition,
      createReplicaOfferService(this.store, this.replicaOf),
    );
  }

  /** Starts following (without waiting for the source) and reports its state in `health`. */
  start(health: HealthService, logger: ReplicaLogger, metrics: Metrics | undefined): void {
    health.setStatus(REPLICA_HEALTH_SERVICE, ServingStatus.NOT_SERVING);
    this.follower = new OfferReplica({
      bootstrapBrokers: this.config.bootstrapBrokers,
      group: this.config.group,
      topic: this.config.topic,
      store: this.store,
      logger,
      onState: (state: ReplicaState) =>
        health.setStatus(
          REPLICA_HEALTH_SERVICE,
          state === 'caughtUp' ? ServingStatus.SERVING : ServingStatus.NOT_SERVING,
        ),
    });
    if (metrics !== undefined) registerReplicaMetrics(metrics.registry, this.follower.counts);
    this.follower.start();
    logger.info(
      { replica_of: this.replicaOf.source, group: this.config.group },
      `read replica of ${this.replicaOf.source}, consumer group ${this.config.group}`,
    );
  }

  /** A line for stdout once serving, like the other "serving" lines. */
  servingLine(): string {
    return `replica of ${this.replicaOf.source} (consumer group ${this.config.group}); health service ${REPLICA_HEALTH_SERVICE} is SERVING once caught up`;
  }

  async close(): Promise<void> {
    await this.follower?.close();
  }
}
