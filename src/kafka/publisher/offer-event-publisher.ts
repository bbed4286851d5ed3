// The offer event publisher (issue #14; docs/kafka-publisher.md): follows the offer event log and
// produces every event, in log order, to the "user-offers" topic of an external Kafka cluster
// (docs/contract.md §3 for the record), with an idempotent producer and acks=-1.
//
// The outbox is the publisher's position in the log. The log already keeps every event in order,
// so nothing is copied into a queue: `position` is the offset of the first event the cluster has not
// acknowledged, and everything from there to the log's end is waiting. The request path only
// appends to the log; it never waits for Kafka.
//
// Once each, in order: one batch is in flight at a time, and a batch that failed is sent again
// exactly as it was (same events, same boundaries) until the cluster acknowledges it. The producer
// keeps its producer id, and the client numbers a batch's records only once it has been
// acknowledged, so a batch sent again carries the same sequence numbers, and a broker that had
// already written it answers with the first write's offset instead of writing it twice (the
// idempotent producer, KIP-98). That holds across reconnects and leader changes, because the
// producer state is replicated with the partition.

import { Producer, stringSerializers } from '@platformatic/kafka';
import type { OfferEvent, OfferEventLog } from '../../store/offer-event-log.js';
import { OFFER_EVENTS_TOPIC } from '../broker/offer-events-topic.js';
import { describeKafkaError, type KafkaFailure } from '../cluster-error.js';
import { offerEventMessage } from './offer-event-record.js';
import { ensureOfferEventsTopic, type TopicSetupClient } from './offer-events-topic-setup.js';
import { type PublisherState, type PublisherStatus, stateAfterSuccess } from './publisher-state.js';
import { RetryBackoff, type RetryBackoffOptions } from './retry-backoff.js';

/** What the metrics count; every method is called synchronously and must not throw. */
export interface PublisherObserver {
  /** `events` acknowledged at `ackedAtMs` (Unix ms). */
  published(events: readonly OfferEvent[], ackedAtMs: number): void;
  /** An attempt failed and will be retried after a backoff. */
  failed(failure: KafkaFailure): void;
  stateChanged(status: PublisherStatus): void;
}

export interface OfferEventPublisherOptions {
  /** Bootstrap brokers (an IPv6 host without brackets). */
  brokers: readonly { host: string; port: number }[];
  events: OfferEventLog;
  /** "user-offers" unless told otherwise. */
  topic?: string;
  clientId?: string;
  /** Events per Produce request at most: 500 (about 170 KB, well under a broker's 1 MB). */
  maxBatchEvents?: number;
  /** Kafka's request.timeout.ms and the connect timeout. 10 s. */
  requestTimeoutMs?: number;
  /** The oldest waiting event older than this makes a reachable cluster `lagging`. 5 s. */
  lagThresholdMs?: number;
  backoff?: RetryBackoffOptions;
  observer?: PublisherObserver;
}

/** How many of the log's events the close left unpublished. */
export interface PublisherCloseResult {
  readonly unpublished: number;
}

export class OfferEventPublisher {
  private readonly events: OfferEventLog;
  private readonly topic: string;
  private readonly maxBatchEvents: number;
  private readonly lagThresholdMs: number;
  private readonly observer: PublisherObserver | undefined;
  private readonly backoff: RetryBackoff;
  private producer: Producer<string, string, string, string>;
  private readonly setupClient: TopicSetupClient;
  /** False until the topic is known to exist with one partition, and after it went missing. */
  private topicReady = false;
  /** The outbox: offset of the first event the cluster has not acknowledged. */
  private position = 0;
  private current: PublisherStatus = { state: 'connecting', lastError: undefined, outboxDepth: 0 };
  /** close() asked for: publish what is there, then stop. */
  private draining = false;
  /** The grace is over: stop even with events waiting. */
  private stopped = false;
  /** Ends the current wait (for an append, or a backoff) early. */
  private interruptWait: (() => void) | undefined;
  private readonly finished: Promise<void>;

  constructor(options: OfferEventPublisherOptions) {
    if (options.brokers.length === 0)
      throw new RangeError('the publisher needs at least one broker');
    this.events = options.events;
    this.topic = options.topic ?? OFFER_EVENTS_TOPIC;
    this.maxBatchEvents = options.maxBatchEvents ?? 500;
    this.lagThresholdMs = options.lagThresholdMs ?? 5000;
    this.observer = options.observer;
    this.backoff = new RetryBackoff(options.backoff);
    const timeoutMs = options.requestTimeoutMs ?? 10_000;
    const clientId = options.clientId ?? 'handwire-publisher';
    this.setupClient = { clientId, bootstrapBrokers: [...options.brokers], timeoutMs };
    this.producer = newProducer(this.setupClient);
    this.finished = this.run();
  }

  /** The state, the last error and the outbox depth now. */
  get status(): PublisherStatus {
    return { ...this.current, outboxDepth: this.outboxDepth };
  }

  /** Events appended to the log and not yet acknowledged by the cluster. */
  get outboxDepth(): number {
    return this.events.endOffset - this.position;
  }

  /**
   * Publishes what the log holds now, for at most `graceMs`, then closes the producer. Events
   * still waiting after the grace stay unpublished (the process is going away).
   */
  async close(graceMs: number): Promise<PublisherCloseResult> {
    this.draining = true;
    this.interruptWait?.();
    await settledWithin(this.finished, graceMs);
    this.stopped = true;
    this.interruptWait?.();
    // force: a Produce still waiting for its answer is abandoned rather than awaited.
    await settledWithin(
      new Promise<void>((resolve) => this.producer.close(true, () => resolve())),
      CLOSE_TIMEOUT_MS,
    );
    await settledWithin(this.finished, CLOSE_TIMEOUT_MS);
    this.setState('closed', this.current.lastError);
    return { unpublished: this.outboxDepth };
  }

  private async run(): Promise<void> {
    const ready = await this.retryUntilDone(() => this.setUpTopic());
    if (ready) this.setState('connected', this.current.lastError);
    while (!this.stopped) {
      const end = this.events.endOffset;
      if (this.position === end) {
        if (this.draining) return;
        await this.waitForAppend();
        continue;
      }
      const batch = this.events.slice(
        this.position,
        Math.min(end, this.position + this.maxBatchEvents),
      );
      const messages = batch.map((event) => offerEventMessage(this.topic, event));
      const sent = await this.retryUntilDone(async () => {
        if (!this.topicReady) await this.setUpTopic();
        await this.producer.send({ messages });
      });
      if (!sent) return;
      this.position += batch.length;
      this.observer?.published(batch, Date.now());
      this.setState(
        stateAfterSuccess(
          this.events.at(this.position)?.occurredAt,
          Date.now(),
          this.lagThresholdMs,
        ),
        this.current.lastError,
      );
    }
  }

  /**
   * Runs `attempt` until it succeeds (true) or the publisher is stopped (false), waiting the
   * backoff between failures. The caller's attempt must be the same each time (the same batch).
   */
  private async retryUntilDone(attempt: () => Promise<unknown>): Promise<boolean> {
    // Closing with nothing to publish: no reason to wait for a cluster that is not there.
    while (!this.stopped && !(this.draining && this.outboxDepth === 0)) {
      try {
        await attempt();
        this.backoff.reset();
        return true;
      } catch (error) {
        if (this.stopped) return false;
        const failure = describeKafkaError(error);
        this.observer?.failed(failure);
        if (PRODUCER_FORGOTTEN.has(failure.code)) this.renewProducer();
        // The topic deleted, or a cluster replaced by an empty one: set it up again first.
        if (failure.code === 'UNKNOWN_TOPIC_OR_PARTITION') this.topicReady = false;
        this.setState('failing', failure);
        await this.sleep(this.backoff.nextDelayMs());
      }
    }
    return false;
  }

  private async setUpTopic(): Promise<void> {
    await ensureOfferEventsTopic(this.producer, this.setupClient, this.topic);
    this.topicReady = true;
  }

  /** A new producer (a new producer id from InitProducerId); the old one is closed. */
  private renewProducer(): void {
    const old = this.producer;
    this.producer = newProducer(this.setupClient);
    old.close(true, () => {});
  }

  private setState(state: PublisherState, lastError: KafkaFailure | undefined): void {
    const previous = this.current;
    this.current = { state, lastError, outboxDepth: this.outboxDepth };
    // A failure with another code is news too; the same one retried is not (nor the same one
    // from another broker of the list: its message names the broker).
    const changed =
      previous.state !== state ||
      (state === 'failing' && previous.lastError?.code !== lastError?.code);
    if (changed) this.observer?.stateChanged(this.status);
  }

  private waitForAppend(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.interruptWait = undefined;
        this.events.cancelWait(wake);
        resolve();
      };
      this.interruptWait = wake;
      this.events.onNextAppend(wake);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(wake, ms);
      function wake() {
        clearTimeout(timer);
        resolve();
      }
      this.interruptWait = () => {
        this.interruptWait = undefined;
        wake();
      };
    });
  }
}

/** How long close() waits for the client to let go once the grace is over. */
const CLOSE_TIMEOUT_MS = 2000;

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.then(() => undefined), timeout]);
  clearTimeout(timer);
}

/**
 * Errors after which the cluster no longer knows the producer: its state expired
 * (producer.id.expiration.ms, a day by default, passed without a write) or was lost. The batch was
 * not written then, so a new producer id sending it again cannot make a duplicate.
 */
const PRODUCER_FORGOTTEN = new Set(['UNKNOWN_PRODUCER_ID', 'OUT_OF_ORDER_SEQUENCE_NUMBER']);

function newProducer(client: TopicSetupClient): Producer<string, string, string, string> {
  return new Producer({
    clientId: client.clientId,
    bootstrapBrokers: client.bootstrapBrokers,
    serializers: stringSerializers,
    // enable.idempotence: acks=-1, and the client keeps one request in flight per connection.
    idempotent: true,
    acks: -1,
    timeout: client.timeoutMs,
    connectTimeout: client.timeoutMs,
    // The client's own retries cover a blip (a moved leader: it refreshes the metadata and goes
    // to the new one); beyond that the publisher's loop retries, with its backoff, and reports.
    // (Two at least: the client turns fewer into unlimited retries for an idempotent producer.)
    retries: 2,
    retryDelay: 100,
    metadataMaxAge: 5000,
  });
}
