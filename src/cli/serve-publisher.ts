// `handwire serve --kafka-brokers`: the offer event publisher (docs/kafka-publisher.md) wired into
// the process — its state in health under its own service name, in the log and in the metrics.

import type { Registry } from 'prom-client';
import { OfferEventPublisher } from '../kafka/publisher/offer-event-publisher.js';
import { publisherMetrics } from '../kafka/publisher/publisher-metrics.js';
import { isPublishing, type PublisherStatus } from '../kafka/publisher/publisher-state.js';
import { type HealthService, ServingStatus } from '../services/health/health-service.js';
import type { CallLogger } from '../services/interceptors/index.js';
import type { OfferEventLog } from '../store/offer-event-log.js';
import type { BrokerAddress } from './kafka-brokers-flag.js';

/**
 * The health service name of the publisher: SERVING while events reach the cluster (connected or
 * lagging), NOT_SERVING while connecting or failing. The services "" and user.UserService keep
 * SERVING meanwhile: the gRPC service answers whatever the cluster does.
 */
export const PUBLISHER_HEALTH_SERVICE = 'handwire.kafka.Publisher';

export interface ServePublisherOptions {
  brokers: readonly BrokerAddress[];
  events: OfferEventLog;
  health: HealthService;
  logger: CallLogger;
  /** The /metrics registry, when --metrics-port was given. */
  registry: Registry | undefined;
}

/** Starts publishing; the publisher's state is NOT_SERVING in health until the cluster answers. */
export function startServePublisher(options: ServePublisherOptions): OfferEventPublisher {
  const { health, logger } = options;
  health.setStatus(PUBLISHER_HEALTH_SERVICE, ServingStatus.NOT_SERVING);
  const brokerList = options.brokers.map(formatBroker).join(',');
  let publisher: OfferEventPublisher | undefined;
  const metrics =
    options.registry === undefined
      ? undefined
      : publisherMetrics(options.registry, () => publisher?.outboxDepth ?? 0);
  publisher = new OfferEventPublisher({
    brokers: options.brokers,
    events: options.events,
    observer: {
      published: (events, ackedAtMs) => metrics?.published(events, ackedAtMs),
      failed: (failure) => metrics?.failed(failure),
      stateChanged: (status) => {
        metrics?.stateChanged(status);
        health.setStatus(
          PUBLISHER_HEALTH_SERVICE,
          isPublishing(status.state) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING,
        );
        logStateChange(logger, brokerList, status);
      },
    },
  });
  return publisher;
}

/**
 * One line per change of state, not per retry: a warning when events stop flowing or fall behind,
 * information when they flow again.
 */
function logStateChange(logger: CallLogger, brokers: string, status: PublisherStatus): void {
  const fields = {
    kafka_brokers: brokers,
    kafka_publisher_state: status.state,
    outbox_events: status.outboxDepth,
    ...(status.lastError === undefined
      ? {}
      : { kafka_error_code: status.lastError.code, error: status.lastError.message }),
  };
  switch (status.state) {
    case 'failing':
      logger.warn(
        fields,
        `Kafka publisher failing: ${status.lastError?.message}; ${status.outboxDepth} events wait in the outbox and are retried with backoff`,
      );
      return;
    case 'lagging':
      logger.warn(
        fields,
        `Kafka publisher lagging: ${status.outboxDepth} events wait in the outbox`,
      );
      return;
    default:
      logger.info(fields, `Kafka publisher ${status.state} (${brokers})`);
  }
}

function formatBroker(broker: BrokerAddress): string {
  return broker.host.includes(':')
    ? `[${broker.host}]:${broker.port}`
    : `${broker.host}:${broker.port}`;
}
