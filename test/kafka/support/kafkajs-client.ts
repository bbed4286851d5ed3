// kafkajs 2.2.4 as a test peer: an idempotent producer (acks=-1), group members that can be stopped,
// and the admin calls the scenarios use (CreateTopics, the group's committed offsets).

import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { GroupMemberOutcome, ObservedRecord, RecordToProduce } from './observed.js';
import { waitUntil } from './wait-until.js';

function client(bootstrap: string, clientId: string): Kafka {
  // ERROR only: kafkajs logs every retry, and a run against two brokers retries on purpose.
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** An idempotent kafkajs producer (one request in flight, Kafka's default partitioner), unconnected. */
export function kafkajsIdempotentProducer(bootstrap: string): Producer {
  return client(bootstrap, 'handwire-test-kafkajs').producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** Produces `records` in one send, idempotent with acks=-1; returns [partition, baseOffset]. */
export async function kafkajsProduce(
  bootstrap: string,
  topic: string,
  records: readonly RecordToProduce[],
): Promise<[number, number][]> {
  const producer = kafkajsIdempotentProducer(bootstrap);
  await producer.connect();
  try {
    const result = await producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key,
        value: r.value,
        headers: Object.fromEntries(r.headers ?? []),
        ...(r.partition === undefined ? {} : { partition: r.partition }),
      })),
    });
    return result.map((m) => [m.partition, Number(m.baseOffset)]);
  } finally {
    await producer.disconnect();
  }
}

/** Creates `topic` with `partitions` partitions through the admin API (CreateTopics). */
export async function kafkajsCreateTopic(
  bootstrap: string,
  topic: string,
  partitions: number,
): Promise<boolean> {
  const admin = client(bootstrap, 'handwire-test-admin').admin();
  await admin.connect();
  try {
    return await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
      timeout: 10_000,
    });
  } finally {
    await admin.disconnect();
  }
}

/** The group's committed offset per partition of `topic` (-1: none), through OffsetFetch. */
export async function kafkajsCommittedOffsets(
  bootstrap: string,
  groupId: string,
  topic: string,
): Promise<Record<string, number>> {
  const admin = client(bootstrap, 'handwire-test-admin').admin();
  await admin.connect();
  try {
    // A broker that has just made its offsets topic answers GROUP_LOAD_IN_PROGRESS (retriable)
    // for a moment, and the admin client does not retry OffsetFetch itself: a few bounded tries.
    let fetched: Awaited<ReturnType<typeof admin.fetchOffsets>>[number] | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
        break;
      } catch (error) {
        if (attempt >= 10 || (error as { retriable?: boolean }).retriable !== true) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const out: Record<string, number> = {};
    for (const p of fetched?.partitions ?? []) out[p.partition] = Number(p.offset);
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** A running kafkajs group member. */
export interface KafkajsMember {
  readonly records: ObservedRecord[];
  readonly assignment: number[];
  assigned(timeoutMs?: number): Promise<number[]>;
  /** Resolves once the latest join round gave this member exactly `partitions`. */
  assignedExactly(partitions: number[], timeoutMs?: number): Promise<number[]>;
  read(count: number, timeoutMs?: number): Promise<ObservedRecord[]>;
  /** Commits and leaves the group (LeaveGroup), then closes the connections. */
  stop(): Promise<GroupMemberOutcome>;
}

/** Joins `groupId` on `topic` from the beginning, auto-committing every 100 ms. */
export async function kafkajsGroupMember(
  bootstrap: string,
  groupId: string,
  topic: string,
): Promise<KafkajsMember> {
  const consumer = client(bootstrap, 'handwire-test-kafkajs').consumer({
    groupId,
    heartbeatInterval: 300,
    sessionTimeout: 6000,
    rebalanceTimeout: 10_000,
    maxWaitTimeInMs: 250,
    retry: { retries: 5 },
  });
  const records: ObservedRecord[] = [];
  let assignment: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assignment = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  let crashed: Error | undefined;
  consumer.on(consumer.events.CRASH, (event) => {
    crashed = event.payload.error;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 100,
    eachMessage: async ({ topic, partition, message }) => {
      const headers: [string, string][] = Object.entries(message.headers ?? {}).map(([k, v]) => [
        k,
        String(v),
      ]);
      records.push({
        topic,
        partition,
        offset: Number(message.offset),
        key: message.key === null ? null : message.key.toString(),
        value: message.value === null ? null : message.value.toString(),
        headers,
      });
    },
  });
  const failIfCrashed = () => {
    if (crashed) throw crashed;
  };
  return {
    records,
    get assignment() {
      return assignment;
    },
    assigned: (timeoutMs = 20_000) =>
      waitUntil(`kafkajs ${groupId} member to be assigned partitions`, timeoutMs, () => {
        failIfCrashed();
        return assignment.length > 0 ? assignment : undefined;
      }),
    assignedExactly: (partitions, timeoutMs = 20_000) =>
      waitUntil(`kafkajs ${groupId} member to hold ${partitions}`, timeoutMs, () => {
        failIfCrashed();
        return JSON.stringify(assignment) === JSON.stringify(partitions) ? assignment : undefined;
      }),
    read: (count, timeoutMs = 20_000) =>
      waitUntil(
        `kafkajs ${groupId} member to read ${count} (has ${records.length})`,
        timeoutMs,
        () => {
          failIfCrashed();
          return records.length >= count ? records.slice() : undefined;
        },
      ),
    stop: async () => {
      await consumer.disconnect();
      return { records: records.slice(), assignment, committed: {} };
    },
  };
}
