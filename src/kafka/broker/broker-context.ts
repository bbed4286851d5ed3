// What every request handler of the broker shares: this broker's identity and address (one node,
// its own controller and coordinator), its topics, group coordinator and producer ids.

import type { BrokerClock } from './clock.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { ProducerIdAllocator } from './producer-state.js';
import type { TopicRegistry } from './topics.js';

export interface BrokerContext {
  /** This broker's node id (broker.id): leader of every partition, controller and coordinator. */
  readonly nodeId: number;
  /** The host and port clients are told to connect to: the address actually bound. */
  readonly advertisedHost: string;
  readonly advertisedPort: number;
  readonly clusterId: string;
  readonly topics: TopicRegistry;
  readonly groups: GroupCoordinator;
  readonly producerIds: ProducerIdAllocator;
  readonly clock: BrokerClock;
  /** auto.create.topics.enable: Metadata creates topics it is asked about. */
  readonly autoCreateTopics: boolean;
  /** One line about something a client did wrong or the broker refused. */
  readonly log: (line: string) => void;
}

/** What a handler knows of the connection a request came on. */
export interface RequestSource {
  readonly clientId: string;
  /** Kafka's form: "/127.0.0.1". */
  readonly clientHost: string;
  /** Aborts when the connection closes: a long-poll for it ends at once. */
  readonly connectionClosed: AbortSignal;
}

/** A handler's answer meaning: send nothing and close the connection (as Kafka does). */
export const CLOSE_CONNECTION = Symbol('close the connection');
