// A read replica's follower (docs/kafka-replica.md): keeps a ReplicaOfferStore equal to a
// primary's by consuming "user-offers" from any Kafka endpoint — a Kafka cluster the primary
// publishes to, or the primary's own embedded broker — in a consumer group.
//
// It starts at once, whether or not the source answers: each consumer session (replica-session.ts)
// that fails is logged with its error and replaced by a new one after a backoff (exponential,
// with jitter, as Kafka clients' reconnect.backoff.ms / reconnect.backoff.max.ms). Its state —
// connecting, catching up, caught up, failing — is what the server's health reports.

import { describeKafkaError } from '../kafka/cluster-error.js';
import type { ReplicaOfferStore } from '../store/replica-offer-store.js';
import { DeadLetterProducer } from './dead-letter.js';
import { newReplicaCounts, type ReplicaCounts } from './replica-metrics.js';
import { type ReplicaLogger, ReplicaSession } from './replica-session.js';

export type { ReplicaLogger } from './replica-session.js';

export const OFFER_EVENTS_TOPIC = 'user-offers';

/** Waits between failed sessions: the first, doubled each time up to the last. */
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 10_000;

export type ReplicaState =
  /** A session is being set up (first start, or after a failure's backoff). */
  | 'connecting'
  /** Reading and applying, not yet at the partition's end. */
  | 'catchingUp'
  /** Everything the partition held when last asked has been applied. */
  | 'caughtUp'
  /** The last session failed; a new one starts after the backoff. */
  | 'failing'
  | 'closed';

export interface OfferReplicaOptions {
  /** host:port of one or more brokers of the source. */
  bootstrapBrokers: string[];
  group: string;
  store: ReplicaOfferStore;
  logger: ReplicaLogger;
  /** Default "user-offers". */
  topic?: string;
  /** Per Kafka request, in milliseconds; default 10 s. */
  requestTimeoutMs?: number;
  /** Told of every change of state, with the error that made it `failing`. */
  onState?: (state: ReplicaState, error?: Error) => void;
}

export class OfferReplica {
  readonly counts: ReplicaCounts = newReplicaCounts();
  private currentState: ReplicaState = 'connecting';
  private session: ReplicaSession | undefined;
  private readonly deadLetters: DeadLetterProducer;
  private running: Promise<void> | undefined;
  private closing = false;
  /** Ends a backoff wait early when the replica is closed. */
  private wakeFromBackoff: (() => void) | undefined;
  private lastError: Error | undefined;
  private lastLoggedReason: string | undefined;

  constructor(private readonly options: OfferReplicaOptions) {
    this.deadLetters = new DeadLetterProducer({
      bootstrapBrokers: options.bootstrapBrokers,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
    });
  }

  get state(): ReplicaState {
    return this.currentState;
  }

  /** The error of the last failed session, while the replica is failing. */
  get error(): Error | undefined {
    return this.lastError;
  }

  /** Starts following in the background; never waits for the source. */
  start(): void {
    this.running ??= this.follow();
  }

  /** Stops following: the current session commits what it applied and leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    this.wakeFromBackoff?.();
    await this.session?.close();
    await this.running;
    await this.deadLetters.close().catch(() => {});
    this.setState('closed');
  }

  private async follow(): Promise<void> {
    for (let failures = 0; !this.closing; ) {
      this.setState('connecting');
      const session = new ReplicaSession({
        bootstrapBrokers: this.options.bootstrapBrokers,
        group: this.options.group,
        topic: this.options.topic ?? OFFER_EVENTS_TOPIC,
        store: this.options.store,
        counts: this.counts,
        deadLetters: this.deadLetters,
        logger: this.options.logger,
        requestTimeoutMs: this.options.requestTimeoutMs ?? 10_000,
        onCaughtUp: () => {
          failures = 0;
          this.lastLoggedReason = undefined;
          this.setState('caughtUp');
          this.logCaughtUp();
        },
      });
      this.session = session;
      if (this.closing) break;
      const ended = session.run().then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      // Until the session says it caught up, it is catching up (or still connecting).
      if (this.currentState === 'connecting') this.setState('catchingUp');
      const error = await ended;
      this.session = undefined;
      if (this.closing) break;
      failures++;
      const delay = backoffMs(failures);
      // The client's error is a tree of attempts; its deepest leaf says what is wrong.
      const reason = describeKafkaError(error ?? new Error('the consumer stopped reading'));
      this.lastError = new Error(reason.message, { cause: error });
      this.setState('failing', this.lastError);
      // One line per new reason (and every 20th failure of the same): a source down for an hour
      // is a few lines, not one every backoff.
      if (reason.message !== this.lastLoggedReason || failures % 20 === 0) {
        this.lastLoggedReason = reason.message;
        this.options.logger.error(
          { error: reason.message, code: reason.code, failures, retry_in_ms: delay },
          `replica cannot follow ${this.options.bootstrapBrokers.join(',')}: ${reason.message}; trying again in ${delay} ms`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeFromBackoff = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeFromBackoff = undefined;
    }
  }

  private setState(state: ReplicaState, error?: Error): void {
    if (state !== 'failing') this.lastError = undefined;
    if (state === this.currentState && state !== 'failing') return;
    this.currentState = state;
    this.options.onState?.(state, error);
  }

  private logCaughtUp(): void {
    const { applied, restored, repeats, deadLetters } = this.counts;
    this.options.logger.info(
      {
        applied,
        restored,
        repeats,
        dead_letters: deadLetters,
        events: this.options.store.log.endOffset,
      },
      `replica caught up: ${this.options.store.log.endOffset} events in its log`,
    );
  }
}

/** Exponential backoff with ±20% jitter, so replicas that failed together do not retry together. */
function backoffMs(failures: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
