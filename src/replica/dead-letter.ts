// The dead-letter topic "user-offers.dlq" (docs/kafka-replica.md "Dead letters"): a record the
// replica cannot read as an offer event is copied there unchanged — key, value, its own headers —
// with headers added saying why and where it came from, so nothing is lost and an operator can
// look at it, fix the producer, and replay it.
//
// The added headers follow the shape of Kafka Connect's dead-letter context headers (KIP-298:
// topic, partition, offset, the error message) under a handwire prefix.

import { Producer } from '@platformatic/kafka';
import type { RawRecord } from './offer-event-record.js';

export const DEAD_LETTER_SUFFIX = '.dlq';

/** Names of the headers the replica adds to a dead letter. */
export const DEAD_LETTER_HEADERS = {
  reason: 'handwire.dlq.reason',
  topic: 'handwire.dlq.topic',
  partition: 'handwire.dlq.partition',
  offset: 'handwire.dlq.offset',
  group: 'handwire.dlq.group',
} as const;

/** Where a record was read. */
export interface RecordSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

export interface DeadLetter {
  readonly topic: string;
  readonly key: Buffer | undefined;
  readonly value: Buffer | undefined;
  readonly headers: Map<Buffer, Buffer>;
}

/** The dead letter of `record`: its key, value and headers, then the replica's own headers. */
export function deadLetterOf(
  record: RawRecord,
  source: RecordSource,
  reason: string,
  group: string,
): DeadLetter {
  const headers = new Map<Buffer, Buffer>();
  // Buffer keys: a Map keyed by strings would merge repeated headers, and the record keeps them.
  for (const [key, value] of record.headers) headers.set(Buffer.from(key), value);
  const add = (name: string, value: string) => headers.set(Buffer.from(name), Buffer.from(value));
  add(DEAD_LETTER_HEADERS.reason, reason);
  add(DEAD_LETTER_HEADERS.topic, source.topic);
  add(DEAD_LETTER_HEADERS.partition, String(source.partition));
  add(DEAD_LETTER_HEADERS.offset, String(source.offset));
  add(DEAD_LETTER_HEADERS.group, group);
  return {
    topic: source.topic + DEAD_LETTER_SUFFIX,
    key: record.key ?? undefined,
    value: record.value ?? undefined,
    headers,
  };
}

export interface DeadLetterProducerOptions {
  bootstrapBrokers: string[];
  /** Per request, in milliseconds. */
  timeoutMs: number;
}

/**
 * Produces dead letters to the cluster the replica reads, idempotently and with acks=all: the
 * replica commits past a bad record only once its dead letter is stored.
 */
export class DeadLetterProducer {
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;

  constructor(options: DeadLetterProducerOptions) {
    this.producer = new Producer({
      clientId: 'handwire-replica-dlq',
      bootstrapBrokers: options.bootstrapBrokers,
      idempotent: true,
      acks: -1,
      // The dead-letter topic is made on first use, as any topic a producer names on a broker
      // that allows it (Apache Kafka's auto.create.topics.enable; handwire's embedded broker).
      autocreateTopics: true,
      retries: 3,
      retryDelay: 200,
      timeout: options.timeoutMs,
    });
  }

  /** Stores one dead letter; rejects when the cluster did not take it. */
  async send(letter: DeadLetter): Promise<void> {
    await this.producer.send({
      messages: [
        {
          topic: letter.topic,
          ...(letter.key === undefined ? {} : { key: letter.key }),
          ...(letter.value === undefined ? {} : { value: letter.value }),
          headers: letter.headers,
          partition: 0,
        },
      ],
    });
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
