// Helpers for group coordinator tests: a coordinator on a manual clock, a Stable group of two,
// JoinGroup and Heartbeat requests with defaults, and a promise's state.

import {
  GroupCoordinator,
  type JoinGroupRequest,
} from '../../../src/kafka/broker/group-coordinator.js';
import { ManualClock } from './manual-clock.js';

export const proto = (name: string, metadata = name) => ({ name, metadata: Buffer.from(metadata) });

export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [proto('range')],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** Resolves with the value if `promise` settled once pending microtasks ran, else 'pending'. */
export async function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  let value: T | 'pending' = 'pending';
  void promise.then((v) => {
    value = v;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return value;
}

export function setup(initialRebalanceDelayMs = 100) {
  const clock = new ManualClock();
  const coordinator = new GroupCoordinator({ clock, initialRebalanceDelayMs });
  return { clock, coordinator };
}

/** Two members through a first join round and SyncGroup: a Stable group of generation 1. */
export async function stableGroupOfTwo() {
  const { clock, coordinator } = setup();
  const a = coordinator.joinGroup(joinRequest({ clientId: 'a' }));
  const b = coordinator.joinGroup(joinRequest({ clientId: 'b' }));
  clock.advance(200);
  const [ja, jb] = await Promise.all([a, b]);
  const leader = ja.memberId;
  const follower = jb.memberId;
  const followerSync = coordinator.syncGroup({
    groupId: 'g',
    generationId: 1,
    memberId: follower,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
  });
  await coordinator.syncGroup({
    groupId: 'g',
    generationId: 1,
    memberId: leader,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [
      { memberId: leader, assignment: Buffer.from('A') },
      { memberId: follower, assignment: Buffer.from('B') },
    ],
  });
  await followerSync;
  return { clock, coordinator, leader, follower };
}

export const hb = (memberId: string, generationId: number) => ({
  groupId: 'g',
  generationId,
  memberId,
  groupInstanceId: null,
});
