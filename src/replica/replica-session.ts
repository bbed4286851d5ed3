// One consumer session of a replica (docs/kafka-replica.md "How it follows"): join the group,
// read "user-offers" partition 0 from its first record, rebuild the store from the records before
// the group's committed offset, then apply each later record, commit after applying, and keep
// going until closed or until something fails. A failure ends the session with an error; the
// replica (offer-replica.ts) logs it, waits, and starts a new one.
//
// Why read from the first record and not from the committed offset: the store lives in memory,
// so a new process has nothing of what the previous one applied. The records before the committed
// offset rebuild it ("restored", not counted as applied), the way a Kafka Streams in-memory store
// is restored from its source topic before processing resumes at the committed offset.

import { Consumer, type Message } from '@platformatic/kafka';
import type { ReplicaOfferStore } from '../store/replica-offer-store.js';
import { type DeadLetterProducer, deadLetterOf } from './dead-letter.js';
import { decodeOfferEventRecord, type RawRecord } from './offer-event-record.js';
import type { ReplicaCounts } from './replica-metrics.js';

/** Commits wait at most this long after the record they cover was applied. */
const COMMIT_INTERVAL_MS = 100;
/** How often the partition's end is asked for, to know the lag and when the replica caught up. */
const LAG_POLL_MS = 1000;

export interface ReplicaLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ReplicaSessionOptions {
  bootstrapBrokers: string[];
  group: string;
  topic: string;
  store: ReplicaOfferStore;
  counts: ReplicaCounts;
  deadLetters: DeadLetterProducer;
  logger: ReplicaLogger;
  /** Per Kafka request, in milliseconds. */
  requestTimeoutMs: number;
  /** Called once the replica has applied everything the partition held (lag 0). */
  onCaughtUp(): void;
}

/** A record that does not continue the store's history: the session ends (see apply). */
export class OutOfSequenceError extends Error {}

export class ReplicaSession {
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private stream: Awaited<ReturnType<ReplicaSession['consumer']['consume']>> | undefined;
  private closed = false;
  /** The first offset this session must commit past; records before it are restored. */
  private resumeAt = 0n;
  /** The offset after the last record handled: the next one to read. */
  private nextOffset = -1n;
  private highWatermark = -1n;
  private caughtUp = false;
  /** The last handled record whose commit has not been sent yet. */
  private toCommit: Message<Buffer, Buffer, Buffer, Buffer> | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private commitInFlight: Promise<void> | undefined;
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReplicaSessionOptions) {
    this.consumer = new Consumer({
      clientId: 'handwire-replica',
      groupId: options.group,
      bootstrapBrokers: options.bootstrapBrokers,
      // A replica killed without leaving holds the partition until its session times out; 10 s
      // is what a restarted replica waits at most (Kafka's minimum is 6 s, its default 45 s).
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTime: 100,
      timeout: options.requestTimeoutMs,
      retries: 2,
      retryDelay: 250,
    });
  }

  /**
   * Follows the topic until `close()` (resolves) or a failure (rejects). Everything the
   * session opened is closed again either way.
   */
  async run(): Promise<void> {
    const { topic } = this.options;
    try {
      const [committed, earliest] = await this.positions();
      this.resumeAt = committed >= 0n ? committed : earliest;
      this.nextOffset = earliest;
      this.stream = await this.consumer.consume({
        topics: [topic],
        mode: 'manual',
        offsets: [{ topic, partition: 0, offset: earliest }],
        autocommit: false,
      });
      // Logged once the group is joined: a member killed without leaving delays that join until
      // its session times out, and the time from here to "caught up" is the reading alone.
      this.options.logger.info(
        {
          topic,
          group: this.options.group,
          earliest: Number(earliest),
          committed: Number(committed),
        },
        `replica reading ${topic} from offset ${earliest}, applying from ${this.resumeAt}`,
      );
      this.lagTimer = setInterval(() => void this.pollHighWatermark(), LAG_POLL_MS);
      await this.pollHighWatermark();
      if (this.closed) void this.stream.close();
      for await (const message of this.stream) {
        await this.handle(message as Message<Buffer, Buffer, Buffer, Buffer>);
        this.noteProgress();
      }
      await this.commitNow();
    } finally {
      await this.shutDown();
    }
  }

  /** Ends `run()`: commits what was applied, leaves the group. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stream?.close();
  }

  /** The group's committed offset (-1 if none) and the partition's first offset. */
  private async positions(): Promise<[bigint, bigint]> {
    const { topic } = this.options;
    const metadata = await this.consumer.metadata({ topics: [topic] });
    const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
    if (partitions === 0) throw new Error(`${topic} does not exist on the source yet`);
    if (partitions !== 1) {
      throw new Error(
        `${topic} has ${partitions} partitions; a replica follows a topic of one partition holding every event in order (docs/contract.md §3)`,
      );
    }
    const committed = await this.consumer.listCommittedOffsets({
      topics: [{ topic, partitions: [0] }],
    });
    const earliest = await this.consumer.listOffsets({ topics: [topic], timestamp: -2n });
    return [committed.get(topic)?.[0] ?? -1n, earliest.get(topic)?.[0] ?? 0n];
  }

  /** One record: decoded, applied (or dead-lettered), and queued for commit. */
  private async handle(message: Message<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    const restoring = message.offset < this.resumeAt;
    const record: RawRecord = {
      key: message.key ?? null,
      value: message.value ?? null,
      headers: [...message.headers].map(([key, value]) => [key.toString(), value] as const),
    };
    const decoded = decodeOfferEventRecord(record);
    this.nextOffset = message.offset + 1n;
    if (!decoded.ok) {
      // Before the committed offset a bad record was already sent to the dead-letter topic by
      // the process that committed past it.
      if (!restoring) await this.deadLetter(record, message, decoded.reason);
    } else {
      const outcome = this.options.store.apply(decoded.event);
      if (outcome.kind === 'outOfSequence') {
        throw new OutOfSequenceError(
          `the record at ${message.topic} offset ${message.offset} cannot be applied: ${outcome.reason}`,
        );
      }
      const counts = this.options.counts;
      if (outcome.kind === 'repeat') counts.repeats++;
      else if (restoring) counts.restored++;
      else counts.applied++;
    }
    if (!restoring) this.scheduleCommit(message);
  }

  private async deadLetter(
    record: RawRecord,
    message: Message<Buffer, Buffer, Buffer, Buffer>,
    reason: string,
  ): Promise<void> {
    const source = { topic: message.topic, partition: message.partition, offset: message.offset };
    const letter = deadLetterOf(record, source, reason, this.options.group);
    // Awaited before the commit that passes the record: if the cluster does not take the dead
    // letter, the session fails and the record is read again, never lost.
    await this.options.deadLetters.send(letter);
    this.options.counts.deadLetters++;
    this.options.logger.warn(
      {
        topic: message.topic,
        partition: message.partition,
        offset: Number(message.offset),
        reason,
      },
      `replica sent the record at offset ${message.offset} to ${letter.topic}: ${reason}`,
    );
  }

  private scheduleCommit(message: Message<Buffer, Buffer, Buffer, Buffer>): void {
    this.toCommit = message;
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      void this.commitNow().catch((error: unknown) => {
        // The next commit covers this one too; a session whose group is lost fails on its own.
        this.options.logger.warn(
          { error: (error as Error).message },
          'replica could not commit its offset; will try again',
        );
      });
    }, COMMIT_INTERVAL_MS);
  }

  /** Commits the last handled record (one commit in flight at a time). */
  private async commitNow(): Promise<void> {
    await this.commitInFlight;
    const message = this.toCommit;
    if (message === undefined) return;
    this.toCommit = undefined;
    this.commitInFlight = Promise.resolve(message.commit()).finally(() => {
      this.commitInFlight = undefined;
    });
    await this.commitInFlight;
    this.options.counts.committedOffset = Number(message.offset + 1n);
  }

  private async pollHighWatermark(): Promise<void> {
    try {
      const latest = await this.consumer.listOffsets({ topics: [this.options.topic] });
      this.highWatermark = latest.get(this.options.topic)?.[0] ?? this.highWatermark;
      this.noteProgress();
    } catch (error) {
      if (this.closed) return;
      this.options.logger.warn(
        { error: (error as Error).message },
        'replica could not read the partition end for its lag',
      );
    }
  }

  /** Updates the lag; the first time it reaches 0, tells the replica it caught up. */
  private noteProgress(): void {
    if (this.highWatermark < 0n || this.nextOffset < 0n) return;
    const lag = this.highWatermark - this.nextOffset;
    this.options.counts.lag = lag > 0n ? Number(lag) : 0;
    if (!this.caughtUp && lag <= 0n && this.nextOffset >= this.resumeAt) {
      this.caughtUp = true;
      this.options.onCaughtUp();
    }
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.lagTimer);
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    try {
      await this.commitNow();
    } catch {
      // The session is ending: its uncommitted records are read again by the next one.
    }
    await this.stream?.close().catch(() => {});
    // force: leave without waiting for fetches in flight; errors ignored, the session is over.
    await new Promise<void>((resolve) => this.consumer.close(true, () => resolve()));
  }
}
