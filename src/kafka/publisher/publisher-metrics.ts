// The publisher's Prometheus metrics (docs/kafka-publisher.md "Metrics"), registered in the
// registry `handwire serve` exposes at /metrics. Names follow Prometheus's conventions (a unit
// suffix, _total on counters) under handwire_kafka_publisher_.

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { OfferEvent } from '../../store/offer-event-log.js';
import type { KafkaFailure } from '../cluster-error.js';
import type { PublisherObserver } from './offer-event-publisher.js';
import type { PublisherState, PublisherStatus } from './publisher-state.js';

const STATES: readonly PublisherState[] = [
  'connecting',
  'connected',
  'lagging',
  'failing',
  'closed',
];

/** From a few milliseconds (a healthy cluster) to minutes (events that waited out an outage). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * Registers the metrics in `registry` and returns the observer that feeds them; `outboxDepth` is
 * read at each scrape, so the gauge is never stale.
 */
export function publisherMetrics(registry: Registry, outboxDepth: () => number): PublisherObserver {
  const registers = [registry];
  const published = new Counter({
    name: 'handwire_kafka_publisher_events_published_total',
    help: 'Offer events the Kafka cluster acknowledged (acks=-1).',
    registers,
  });
  new Gauge({
    name: 'handwire_kafka_publisher_outbox_events',
    help: 'Offer events in the log not yet acknowledged by the Kafka cluster.',
    registers,
    collect() {
      this.set(outboxDepth());
    },
  });
  const latency = new Histogram({
    name: 'handwire_kafka_publisher_publish_latency_seconds',
    help: "Time from an offer event's append to the log to the cluster's acknowledgement.",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: 'handwire_kafka_publisher_retries_total',
    help: 'Failed attempts to publish (or to set up the topic), each retried after a backoff.',
    registers,
  });
  const errors = new Counter({
    name: 'handwire_kafka_publisher_errors_total',
    help: 'Failed attempts by Kafka error name (NETWORK_EXCEPTION and REQUEST_TIMED_OUT without one).',
    labelNames: ['code'],
    registers,
  });
  const state = new Gauge({
    name: 'handwire_kafka_publisher_state',
    help: 'The publisher state: 1 for the current one, 0 for the others.',
    labelNames: ['state'],
    registers,
  });
  for (const name of STATES) state.set({ state: name }, name === 'connecting' ? 1 : 0);
  return {
    published(events: readonly OfferEvent[], ackedAtMs: number) {
      published.inc(events.length);
      for (const event of events) latency.observe(Math.max(0, ackedAtMs - event.occurredAt) / 1000);
    },
    failed(failure: KafkaFailure) {
      retries.inc();
      errors.inc({ code: failure.code });
    },
    stateChanged(status: PublisherStatus) {
      for (const name of STATES) state.set({ state: name }, name === status.state ? 1 : 0);
    },
  };
}
