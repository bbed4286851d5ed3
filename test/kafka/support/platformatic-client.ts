// @platformatic/kafka as a test peer: an idempotent producer (acks=-1) and a group consumer that
// reads a number of records, commits them and leaves. Only flexible protocol versions on the wire.

import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import type { GroupMemberOutcome, ObservedRecord, RecordToProduce } from './observed.js';

/** Produces `records` in one send; returns [partition, offset] of each. */
export async function platformaticProduce(
  bootstrap: string,
  topic: string,
  records: readonly RecordToProduce[],
): Promise<[number, number][]> {
  const producer = new Producer({
    clientId: 'handwire-test-platformatic',
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
    autocreateTopics: true,
    retries: 5,
    retryDelay: 200,
    timeout: 10_000,
  });
  try {
    const result = await producer.send({
      messages: records.map((r) => ({
        topic,
        ...(r.key === null ? {} : { key: r.key }),
        value: r.value,
        headers: new Map(r.headers ?? []),
        ...(r.partition === undefined ? {} : { partition: r.partition }),
      })),
    });
    return (result.offsets ?? []).map((o) => [o.partition, Number(o.offset)]);
  } finally {
    await producer.close();
  }
}

/** Joins `groupId`, reads `count` records of `topic` (or until timeoutMs), commits, leaves. */
export async function platformaticConsume(
  bootstrap: string,
  groupId: string,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<GroupMemberOutcome> {
  const consumer = platformaticConsumer(bootstrap, groupId);
  const records: ObservedRecord[] = [];
  let assignment: number[] = [];
  consumer.on(
    'consumer:group:join',
    (payload: { assignments?: { topic: string; partitions: number[] }[] }) => {
      const mine = payload.assignments?.find((a) => a.topic === topic);
      assignment = [...(mine?.partitions ?? [])].sort((a, b) => a - b);
    },
  );
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    const timer = setTimeout(() => void stream.close(), timeoutMs);
    try {
      for await (const message of stream) {
        records.push({
          topic: message.topic,
          partition: message.partition,
          offset: Number(message.offset),
          key: message.key ?? null,
          value: message.value ?? null,
          headers: [...message.headers.entries()].map(([k, v]) => [String(k), String(v)]),
        });
        await message.commit();
        if (records.length >= count) break;
      }
    } finally {
      clearTimeout(timer);
    }
    return { records, assignment, committed: {} };
  } finally {
    await consumer.close(true);
  }
}

/**
 * A group consumer with the settings every test uses: short session and heartbeat (tests end in
 * seconds), a short fetch wait, bounded retries, string keys and values.
 */
export function platformaticConsumer(bootstrap: string, groupId: string) {
  return new Consumer({
    groupId,
    clientId: 'handwire-test-platformatic',
    bootstrapBrokers: [bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 6000,
    heartbeatInterval: 300,
    maxWaitTime: 250,
    retries: 5,
    retryDelay: 200,
    timeout: 10_000,
  });
}
