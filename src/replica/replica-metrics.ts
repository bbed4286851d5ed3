// What a replica has done, as plain counts (for its log lines and tests) and as Prometheus metrics
// (docs/kafka-replica.md "Metrics"), named as Kafka's own consumer metrics name the same ideas
// (records-lag, records-consumed) under handwire_replica_.

import { Counter, Gauge, type Registry } from 'prom-client';

/** The replica's counts since the process started. */
export interface ReplicaCounts {
  /** Events applied to the store from records at or after the group's committed offset. */
  applied: number;
  /**
   * Events re-applied at startup from records before the committed offset: the store lives in
   * memory, so a new process rebuilds what the previous one had applied (as a Kafka Streams
   * in-memory store is restored from its topic) before it resumes.
   */
  restored: number;
  /** Records holding an event the store already has (a repeat): they changed nothing. */
  repeats: number;
  /** Records sent to the dead-letter topic. */
  deadLetters: number;
  /** Records between the next one to apply and the partition's end (high watermark), when known. */
  lag: number | undefined;
  /** The offset committed last for the group (the next record to read), -1 before the first. */
  committedOffset: number;
}

export function newReplicaCounts(): ReplicaCounts {
  return {
    applied: 0,
    restored: 0,
    repeats: 0,
    deadLetters: 0,
    lag: undefined,
    committedOffset: -1,
  };
}

/**
 * Registers the replica's metrics in `registry`, each read from `counts` when scraped:
 * handwire_replica_events_applied_total, _events_restored_total, _events_skipped_total{reason},
 * _dead_letters_total, _consumer_lag (records) and _committed_offset.
 */
export function registerReplicaMetrics(registry: Registry, counts: ReplicaCounts): void {
  const registers = [registry];
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter(
    'handwire_replica_events_applied_total',
    'Offer events the replica applied to its store from the source topic.',
    () => counts.applied,
  );
  counter(
    'handwire_replica_events_restored_total',
    'Offer events re-applied at startup from records before the committed offset.',
    () => counts.restored,
  );
  new Counter({
    name: 'handwire_replica_events_skipped_total',
    help: 'Records skipped because the store already held their event.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      this.inc({ reason: 'repeat' }, counts.repeats);
    },
  });
  counter(
    'handwire_replica_dead_letters_total',
    'Records the replica could not read as offer events and sent to the dead-letter topic.',
    () => counts.deadLetters,
  );
  new Gauge({
    name: 'handwire_replica_consumer_lag',
    help: 'Records of the source partition not yet applied (its high watermark minus the next offset to apply).',
    registers,
    collect() {
      if (counts.lag === undefined) this.reset();
      else this.set(counts.lag);
    },
  });
  new Gauge({
    name: 'handwire_replica_committed_offset',
    help: "The consumer group's committed offset on the source partition (-1 before the first commit).",
    registers,
    collect() {
      this.set(counts.committedOffset);
    },
  });
}
