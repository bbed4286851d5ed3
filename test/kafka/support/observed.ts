// What a Kafka client observed, as plain data every driver returns and the differential harness
// compares: records as read back (key, value, headers, partition, offset), offsets a producer was
// told, a group member's assignment and committed offsets.

/** A record to produce. Keys and values are UTF-8 text; headers keep their order. */
export interface RecordToProduce {
  key: string | null;
  value: string;
  headers?: [string, string][];
  /** Where to put it; a client's partitioner decides when absent. */
  partition?: number;
}

/** A record as a consumer saw it. */
export interface ObservedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string][];
}

/** What a group member saw: its records, its final assignment, and the offsets committed for it. */
export interface GroupMemberOutcome {
  records: ObservedRecord[];
  assignment: number[];
  committed: Record<string, number>;
}

/** Records in log order: by topic, partition, then offset. */
export function inLogOrder(records: readonly ObservedRecord[]): ObservedRecord[] {
  return [...records].sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset,
  );
}

/** `count` numbered records with keys, values and (on every other one) two headers. */
export function numberedRecords(prefix: string, count: number, partitions = 1): RecordToProduce[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-k${i}`,
    value: `${prefix}-v${i} ${'é✓'.repeat(i % 3)}`,
    headers:
      i % 2 === 0
        ? [
            ['trace', `${prefix}-${i}`],
            ['content-type', 'text/plain'],
          ]
        : [],
    ...(partitions > 1 ? { partition: i % partitions } : {}),
  }));
}
