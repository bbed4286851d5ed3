// The classic group protocol's membership changes: LeaveGroup (several at once, pending ids),
// JoinGroup refusals, a follower rejoining unchanged, KIP-345 static members, and close() leaving
// no timer.

import t from 'tap';
import { BrokerError } from '../../../src/kafka/broker/broker-errors.js';
import { GroupCoordinator } from '../../../src/kafka/broker/group-coordinator.js';
import { hb, joinRequest, proto, setup, stableGroupOfTwo } from './group-fixtures.js';

t.test('LeaveGroup: several members at once, unknown ones named, the rest rebalance', async (t) => {
  const { coordinator, leader, follower } = await stableGroupOfTwo();
  const left = coordinator.leaveGroup('g', [
    { memberId: follower, groupInstanceId: null },
    { memberId: 'stranger', groupInstanceId: null },
  ]);
  t.same(
    left.members.map((m) => m.errorCode),
    [BrokerError.NONE, BrokerError.UNKNOWN_MEMBER_ID],
  );
  t.equal(coordinator.heartbeat(hb(leader, 1)), BrokerError.REBALANCE_IN_PROGRESS);
  const alone = await coordinator.joinGroup(joinRequest({ memberId: leader }));
  t.equal(alone.generationId, 2);
  coordinator.leaveGroup('g', [{ memberId: leader, groupInstanceId: null }]);
  const group = coordinator.groups.get('g')!;
  t.equal(group.state, 'Empty', 'the last member leaving empties the group');
  t.equal(group.generationId, 3);
  t.same(
    coordinator.leaveGroup('none', [{ memberId: 'x', groupInstanceId: null }]).members[0]
      ?.errorCode,
    BrokerError.UNKNOWN_MEMBER_ID,
  );
  coordinator.close();
});

t.test('a member leaving while others wait in a join round lets the round complete', async (t) => {
  const { coordinator, leader, follower } = await stableGroupOfTwo();
  const rejoin = coordinator.joinGroup(joinRequest({ memberId: leader }));
  coordinator.leaveGroup('g', [{ memberId: follower, groupInstanceId: null }]);
  t.equal((await rejoin).generationId, 2);
  const pending = await coordinator.joinGroup(joinRequest({ requireKnownMemberId: true }));
  const left = coordinator.leaveGroup('g', [{ memberId: pending.memberId, groupInstanceId: null }]);
  t.equal(left.members[0]?.errorCode, BrokerError.NONE, 'a pending member id may leave');
  coordinator.close();
});

t.test('JoinGroup refusals: group id, session timeout, unknown member', async (t) => {
  const { coordinator } = setup();
  t.equal(
    (await coordinator.joinGroup(joinRequest({ groupId: '' }))).errorCode,
    BrokerError.INVALID_GROUP_ID,
  );
  t.equal(
    (await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 10 }))).errorCode,
    BrokerError.INVALID_SESSION_TIMEOUT,
  );
  t.equal(
    (await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 3_600_000 }))).errorCode,
    BrokerError.INVALID_SESSION_TIMEOUT,
  );
  t.equal(
    (await coordinator.joinGroup(joinRequest({ memberId: 'ghost' }))).errorCode,
    BrokerError.UNKNOWN_MEMBER_ID,
  );
  coordinator.close();
  t.equal(
    (await coordinator.joinGroup(joinRequest())).errorCode,
    BrokerError.COORDINATOR_NOT_AVAILABLE,
  );
});

t.test(
  'a follower rejoining a stable group unchanged gets the current generation back',
  async (t) => {
    const { coordinator, leader, follower } = await stableGroupOfTwo();
    const same = await coordinator.joinGroup(joinRequest({ memberId: follower }));
    t.equal(same.generationId, 1);
    t.equal(same.leader, leader);
    t.equal(coordinator.groups.get('g')!.state, 'Stable');
    const changed = coordinator.joinGroup(
      joinRequest({ memberId: follower, protocols: [proto('range', 'new metadata')] }),
    );
    t.equal(coordinator.groups.get('g')!.state, 'PreparingRebalance', 'new metadata: a rebalance');
    const twice = coordinator.joinGroup(
      joinRequest({ memberId: follower, protocols: [proto('range', 'newer')] }),
    );
    t.equal(
      (await changed).errorCode,
      BrokerError.REBALANCE_IN_PROGRESS,
      'the older join is superseded',
    );
    coordinator.close();
    t.equal((await twice).errorCode, BrokerError.COORDINATOR_NOT_AVAILABLE);
  },
);

t.test(
  'KIP-345 static members: no member id round trip; a newer instance fences the old',
  async (t) => {
    const { clock, coordinator } = setup();
    const first = coordinator.joinGroup(
      joinRequest({ groupInstanceId: 'pod-1', requireKnownMemberId: true }),
    );
    clock.advance(100);
    const old = await first;
    t.equal(old.errorCode, BrokerError.NONE);
    const replacement = coordinator.joinGroup(
      joinRequest({ groupInstanceId: 'pod-1', requireKnownMemberId: true }),
    );
    const fenced = coordinator.heartbeat({
      groupId: 'g',
      generationId: 1,
      memberId: old.memberId,
      groupInstanceId: 'pod-1',
    });
    t.equal(fenced, BrokerError.FENCED_INSTANCE_ID);
    clock.advance(100);
    const joined = await replacement;
    t.not(joined.memberId, old.memberId);
    const byInstance = coordinator.leaveGroup('g', [{ memberId: '', groupInstanceId: 'pod-1' }]);
    t.equal(byInstance.members[0]?.errorCode, BrokerError.NONE, 'leaves by instance id');
    coordinator.close();
  },
);

t.test('close() answers waiting joins and syncs and leaves no timer', async (t) => {
  const { clock, coordinator } = setup();
  const a = coordinator.joinGroup(joinRequest());
  coordinator.close();
  t.equal((await a).errorCode, BrokerError.COORDINATOR_NOT_AVAILABLE);
  t.equal(clock.activeTimers, 0);
  t.equal(coordinator.heartbeat(hb('x', 0)), BrokerError.COORDINATOR_NOT_AVAILABLE);
  t.equal(
    coordinator.leaveGroup('g', [{ memberId: 'x', groupInstanceId: null }]).members[0]?.errorCode,
    BrokerError.COORDINATOR_NOT_AVAILABLE,
  );
});

t.test('the system clock drives a real join round', async (t) => {
  const coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 20 });
  const started = Date.now();
  const joined = await coordinator.joinGroup(joinRequest());
  t.ok(Date.now() - started >= 15);
  t.equal(joined.generationId, 1);
  coordinator.close();
});

t.test(
  'KIP-345: a restarted static follower takes its old place without a rebalance',
  async (t) => {
    const { clock, coordinator } = setup();
    const leaderJoin = coordinator.joinGroup(joinRequest({ groupInstanceId: 'pod-a' }));
    const followerJoin = coordinator.joinGroup(joinRequest({ groupInstanceId: 'pod-b' }));
    clock.advance(200);
    const [leader, follower] = await Promise.all([leaderJoin, followerJoin]);
    const followerSync = coordinator.syncGroup({
      ...hb(follower.memberId, 1),
      groupInstanceId: 'pod-b',
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    await coordinator.syncGroup({
      ...hb(leader.memberId, 1),
      groupInstanceId: 'pod-a',
      protocolType: null,
      protocolName: null,
      assignments: [{ memberId: follower.memberId, assignment: Buffer.from('B') }],
    });
    await followerSync;
    const restarted = await coordinator.joinGroup(
      joinRequest({ groupInstanceId: 'pod-b', requireKnownMemberId: true }),
    );
    t.equal(restarted.errorCode, BrokerError.NONE);
    t.not(restarted.memberId, follower.memberId);
    t.equal(restarted.generationId, 1, 'the same generation: no rebalance');
    t.equal(coordinator.groups.get('g')!.state, 'Stable');
    const sync = await coordinator.syncGroup({
      ...hb(restarted.memberId, 1),
      groupInstanceId: 'pod-b',
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    t.equal(sync.assignment.toString(), 'B', 'it keeps the assignment it had');
    t.equal(
      coordinator.heartbeat({ ...hb(follower.memberId, 1), groupInstanceId: 'pod-b' }),
      BrokerError.FENCED_INSTANCE_ID,
      'the old instance is fenced',
    );
    t.equal(
      coordinator.heartbeat({ ...hb(leader.memberId, 1), groupInstanceId: 'pod-a' }),
      BrokerError.NONE,
    );
    const changed = coordinator.joinGroup(
      joinRequest({ groupInstanceId: 'pod-b', protocols: [proto('range', 'other')] }),
    );
    t.equal(
      coordinator.groups.get('g')!.state,
      'PreparingRebalance',
      'other metadata: a rebalance after all',
    );
    coordinator.close();
    t.equal((await changed).errorCode, BrokerError.COORDINATOR_NOT_AVAILABLE);
  },
);
