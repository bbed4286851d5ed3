// The publisher's state as the operator sees it in health, logs and metrics (docs/kafka-publisher.md
// "State"): connecting, connected, lagging, failing or closed, with the last error.

import type { KafkaFailure } from '../cluster-error.js';

/**
 * - `connecting`: started, the cluster not reached yet;
 * - `connected`: the last attempt succeeded and every event is published, or the oldest one
 *   waiting is younger than the lag threshold;
 * - `lagging`: the cluster takes events, but the oldest one waiting is older than the threshold
 *   (after an outage, while the outbox drains; or a cluster slower than the writes);
 * - `failing`: the last attempt failed; the events wait and the attempts go on with backoff;
 * - `closed`: stopped by `close()`.
 */
export type PublisherState = 'connecting' | 'connected' | 'lagging' | 'failing' | 'closed';

export interface PublisherStatus {
  readonly state: PublisherState;
  /** The failure that made the state `failing`; kept (as the last error) after recovering. */
  readonly lastError: KafkaFailure | undefined;
  /** Events appended to the log and not yet acknowledged by the cluster. */
  readonly outboxDepth: number;
}

/** True for the states in which events reach the cluster: health SERVING. */
export function isPublishing(state: PublisherState): boolean {
  return state === 'connected' || state === 'lagging';
}

/** The state after a successful attempt: lagging while the oldest waiting event is too old. */
export function stateAfterSuccess(
  oldestWaitingAtMs: number | undefined,
  nowMs: number,
  lagThresholdMs: number,
): PublisherState {
  if (oldestWaitingAtMs === undefined) return 'connected';
  return nowMs - oldestWaitingAtMs > lagThresholdMs ? 'lagging' : 'connected';
}
