// Helpers for group coordinator tests: JoinGroup requests with defaults, and a promise's state.

import type { JoinGroupRequest } from '../../../src/kafka/broker/group-coordinator.js';

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
