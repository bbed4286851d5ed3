// Fetch (v0-12) for consumers: whole stored batches from the one holding the fetch offset, within
// the partition and response byte limits (the first batch always, KIP-74), a long-poll up to
// MaxWaitMs until MinBytes are there (Kafka's DelayedFetch), LastStableOffset = high watermark.
// Fetch sessions (KIP-227) are not kept: every answer has session id 0, so clients send full fetches.

import {
  type AbortedTransaction,
  ErrorCode,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartition,
} from '../../protocol/index.js';
import type { BrokerContext, RequestSource } from '../broker-context.js';
import { type FetchWaitTarget, waitForFetchableBytes } from '../fetch-wait.js';

const READ_COMMITTED = 1;

export async function handleFetch(
  context: BrokerContext,
  request: FetchRequest,
  version: number,
  source: RequestSource,
): Promise<FetchResponse> {
  if (version >= 7 && request.sessionId !== 0 && request.sessionEpoch > 0) {
    // An incremental fetch in a session this broker never created.
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
      sessionId: 0,
      responses: [],
    };
  }
  const targets: FetchWaitTarget[] = [];
  let anyError = false;
  for (const topic of request.topics) {
    for (const partition of topic.partitions) {
      const log = context.topics.partition(topic.topic, partition.partition);
      if (
        log === undefined ||
        partition.fetchOffset < log.logStartOffset ||
        partition.fetchOffset > log.logEndOffset
      ) {
        anyError = true;
      } else {
        targets.push({ log, fetchOffset: partition.fetchOffset });
      }
    }
  }
  if (!anyError) {
    await waitForFetchableBytes(targets, {
      minBytes: request.minBytes,
      maxWaitMs: request.maxWaitMs,
      clock: context.clock,
      signal: source.connectionClosed,
    });
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    sessionId: 0,
    responses: readAll(context, request, version),
  };
}

/** Reads every asked partition now, sharing the response's MaxBytes (v3+) in request order. */
function readAll(
  context: BrokerContext,
  request: FetchRequest,
  version: number,
): FetchResponse['responses'] {
  let budget = version >= 3 ? request.maxBytes : Number.MAX_SAFE_INTEGER;
  let returnedData = false;
  const abortedTransactions: AbortedTransaction[] | null =
    request.isolationLevel === READ_COMMITTED ? [] : null;
  return request.topics.map((topic) => ({
    topic: topic.topic,
    partitions: topic.partitions.map((asked): FetchResponsePartition => {
      const log = context.topics.partition(topic.topic, asked.partition);
      if (log === undefined) {
        return emptyPartition(
          asked.partition,
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          -1,
          -1,
          abortedTransactions,
        );
      }
      const read = log.read(
        asked.fetchOffset,
        Math.min(asked.partitionMaxBytes, budget),
        !returnedData,
      );
      if (read.errorCode !== ErrorCode.NONE) {
        return emptyPartition(
          asked.partition,
          read.errorCode,
          log.highWatermark,
          log.logStartOffset,
          abortedTransactions,
        );
      }
      budget = Math.max(0, budget - read.bytes);
      if (read.batches.length > 0) returnedData = true;
      return {
        partitionIndex: asked.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: log.highWatermark,
        lastStableOffset: log.highWatermark,
        logStartOffset: log.logStartOffset,
        abortedTransactions,
        preferredReadReplica: -1,
        records: read.batches,
      };
    }),
  }));
}

function emptyPartition(
  partitionIndex: number,
  errorCode: number,
  highWatermark: number,
  logStartOffset: number,
  abortedTransactions: AbortedTransaction[] | null,
): FetchResponsePartition {
  return {
    partitionIndex,
    errorCode,
    highWatermark,
    lastStableOffset: highWatermark,
    logStartOffset,
    abortedTransactions,
    preferredReadReplica: -1,
    records: [],
  };
}
