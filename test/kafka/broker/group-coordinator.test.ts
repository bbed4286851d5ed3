// The classic group protocol's rounds: KIP-394 member ids, join rounds (initial delay, complete at
// once when everyone rejoined, stragglers removed at the rebalance timeout), protocol choice,
// SyncGroup, heartbeats and session expiry.

import t from 'tap';
import { BrokerError } from '../../../src/kafka/broker/broker-errors.js';
import { GroupCoordinator } from '../../../src/kafka/broker/group-coordinator.js';
import { hb, joinRequest, peek, proto, setup, stableGroupOfTwo } from './group-fixtures.js';

t.test(
  'KIP-394: a v4+ first join gets MEMBER_ID_REQUIRED with a clientId-uuid member id',
  async (t) => {
    const { clock, coordinator } = setup();
    const first = await coordinator.joinGroup(
      joinRequest({ requireKnownMemberId: true, clientId: 'rdkafka' }),
    );
    t.equal(first.errorCode, BrokerError.MEMBER_ID_REQUIRED);
    t.match(first.memberId, /^rdkafka-[0-9a-f-]{36}$/);
    const second = coordinator.joinGroup(
      joinRequest({ requireKnownMemberId: true, memberId: first.memberId }),
    );
    t.equal(await peek(second), 'pending', 'the initial delay of an empty group');
    clock.advance(100);
    const joined = await second;
    t.equal(joined.errorCode, BrokerError.NONE);
    t.equal(joined.generationId, 1);
    t.equal(joined.leader, first.memberId);
    t.equal(joined.protocolName, 'range');
    t.equal(joined.protocolType, 'consumer');
    t.same(
      joined.members.map((m) => [m.memberId, m.metadata.toString()]),
      [[first.memberId, 'range']],
    );
    coordinator.close();
    t.equal(clock.activeTimers, 0);
  },
);

t.test(
  'pending member ids: a later round waits for them until their session timeout',
  async (t) => {
    const { clock, coordinator } = setup();
    const a = await coordinator.joinGroup(joinRequest({ requireKnownMemberId: true }));
    const joinA = coordinator.joinGroup(joinRequest({ memberId: a.memberId }));
    clock.advance(100);
    t.equal((await joinA).generationId, 1, 'the initial delay does not wait for anyone');
    await coordinator.joinGroup(joinRequest({ requireKnownMemberId: true }));
    const rejoinA = coordinator.joinGroup(
      joinRequest({ memberId: a.memberId, protocols: [proto('range', 'v2')] }),
    );
    clock.advance(5000);
    t.equal(await peek(rejoinA), 'pending', 'waiting for the id handed out');
    clock.advance(5000);
    t.equal((await rejoinA).generationId, 2, 'the id expired after its session timeout');
    t.same(
      (await rejoinA).members.map((m) => m.memberId),
      [a.memberId],
    );
    coordinator.close();
  },
);

t.test(
  'members joining during the initial delay share generation 1; only the leader gets the list',
  async (t) => {
    const { clock, coordinator } = setup();
    const a = coordinator.joinGroup(joinRequest({ clientId: 'a' }));
    clock.advance(60);
    const b = coordinator.joinGroup(joinRequest({ clientId: 'b' }));
    clock.advance(60);
    t.equal(await peek(a), 'pending', 'extended once for the member that came during the delay');
    clock.advance(100);
    const [ja, jb] = await Promise.all([a, b]);
    t.equal(ja.generationId, 1);
    t.equal(jb.generationId, 1);
    t.equal(ja.leader, ja.memberId);
    t.equal(jb.leader, ja.memberId);
    t.equal(ja.members.length, 2);
    t.same(jb.members, []);
    coordinator.close();
  },
);

t.test("protocol choice: votes, ties to the leader's order, none in common refused", async (t) => {
  const { clock, coordinator } = setup();
  const a = coordinator.joinGroup(
    joinRequest({ protocols: [proto('range'), proto('roundrobin')] }),
  );
  const b = coordinator.joinGroup(
    joinRequest({ protocols: [proto('roundrobin'), proto('range')] }),
  );
  const kafkajs = await coordinator.joinGroup(
    joinRequest({ protocols: [proto('RoundRobinAssigner')] }),
  );
  t.equal(kafkajs.errorCode, BrokerError.INCONSISTENT_GROUP_PROTOCOL);
  const otherType = await coordinator.joinGroup(joinRequest({ protocolType: 'connect' }));
  t.equal(otherType.errorCode, BrokerError.INCONSISTENT_GROUP_PROTOCOL);
  clock.advance(200);
  t.equal((await a).protocolName, 'range', 'one vote each: the leader prefers range');
  t.equal((await b).protocolName, 'range');
  const c = coordinator.joinGroup(joinRequest({ protocols: [proto('roundrobin')] }));
  const rejoinA = coordinator.joinGroup(
    joinRequest({ memberId: (await a).memberId, protocols: [proto('range'), proto('roundrobin')] }),
  );
  const rejoinB = coordinator.joinGroup(
    joinRequest({ memberId: (await b).memberId, protocols: [proto('roundrobin'), proto('range')] }),
  );
  const [ra, , rc] = await Promise.all([rejoinA, rejoinB, c]);
  t.equal(ra.generationId, 2, 'completed as soon as every member rejoined');
  t.equal(ra.protocolName, 'roundrobin', 'two votes against one');
  t.equal(rc.protocolName, 'roundrobin');
  t.equal(ra.members.map((m) => m.metadata.toString()).join(), 'roundrobin,roundrobin,roundrobin');
  const noProtocols = await new GroupCoordinator({ clock }).joinGroup(
    joinRequest({ protocols: [] }),
  );
  t.equal(noProtocols.errorCode, BrokerError.INCONSISTENT_GROUP_PROTOCOL);
  coordinator.close();
});

t.test('SyncGroup: followers wait for the leader, then everyone has its assignment', async (t) => {
  const { coordinator, leader, follower, clock } = await stableGroupOfTwo();
  const again = await coordinator.syncGroup({
    groupId: 'g',
    generationId: 1,
    memberId: follower,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
  });
  t.equal(again.errorCode, BrokerError.NONE);
  t.equal(again.assignment.toString(), 'B', 'Stable: the stored assignment');
  t.equal(again.protocolName, 'range');
  const wrongGeneration = await coordinator.syncGroup({
    groupId: 'g',
    generationId: 7,
    memberId: leader,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
  });
  t.equal(wrongGeneration.errorCode, BrokerError.ILLEGAL_GENERATION);
  const wrongProtocol = await coordinator.syncGroup({
    groupId: 'g',
    generationId: 1,
    memberId: leader,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'roundrobin',
    assignments: [],
  });
  t.equal(wrongProtocol.errorCode, BrokerError.INCONSISTENT_GROUP_PROTOCOL);
  const wrongType = await coordinator.syncGroup({
    groupId: 'g',
    generationId: 1,
    memberId: leader,
    groupInstanceId: null,
    protocolType: 'x',
    protocolName: null,
    assignments: [],
  });
  t.equal(wrongType.errorCode, BrokerError.INCONSISTENT_GROUP_PROTOCOL);
  const unknown = await coordinator.syncGroup({
    groupId: 'nope',
    generationId: 1,
    memberId: leader,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
  });
  t.equal(unknown.errorCode, BrokerError.UNKNOWN_MEMBER_ID);
  coordinator.close();
  t.equal(clock.activeTimers, 0);
});

t.test(
  'Heartbeat: NONE when stable, errors for strangers, REBALANCE_IN_PROGRESS during a round',
  async (t) => {
    const { coordinator, leader, follower, clock } = await stableGroupOfTwo();
    t.equal(coordinator.heartbeat(hb(leader, 1)), BrokerError.NONE);
    t.equal(coordinator.heartbeat(hb(leader, 0)), BrokerError.ILLEGAL_GENERATION);
    t.equal(coordinator.heartbeat(hb('stranger', 1)), BrokerError.UNKNOWN_MEMBER_ID);
    t.equal(
      coordinator.heartbeat({ ...hb(leader, 1), groupId: 'other' }),
      BrokerError.UNKNOWN_MEMBER_ID,
    );
    const newcomer = coordinator.joinGroup(joinRequest({ clientId: 'c' }));
    t.equal(coordinator.heartbeat(hb(follower, 1)), BrokerError.REBALANCE_IN_PROGRESS);
    const rejoinFollower = coordinator.joinGroup(joinRequest({ memberId: follower }));
    t.equal(await peek(newcomer), 'pending', 'the leader has not rejoined yet');
    const rejoinLeader = coordinator.joinGroup(joinRequest({ memberId: leader }));
    const results = await Promise.all([newcomer, rejoinFollower, rejoinLeader]);
    t.same(
      results.map((r) => r.generationId),
      [2, 2, 2],
      'no delay once everyone rejoined',
    );
    t.equal(results[2].leader, leader, 'the leader stays leader');
    t.equal(
      coordinator.heartbeat(hb(leader, 2)),
      BrokerError.NONE,
      'CompletingRebalance accepts heartbeats',
    );
    coordinator.close();
    t.equal(clock.activeTimers, 0);
  },
);

t.test('a member that stops heartbeating is removed and the others rebalance', async (t) => {
  const { coordinator, leader, follower, clock } = await stableGroupOfTwo();
  for (let i = 0; i < 3; i++) {
    clock.advance(3000);
    t.equal(coordinator.heartbeat(hb(leader, 1)), BrokerError.NONE);
  }
  clock.advance(1500);
  t.equal(
    coordinator.heartbeat(hb(follower, 1)),
    BrokerError.UNKNOWN_MEMBER_ID,
    'expired after 10 s',
  );
  t.equal(coordinator.heartbeat(hb(leader, 1)), BrokerError.REBALANCE_IN_PROGRESS);
  const rejoined = await coordinator.joinGroup(joinRequest({ memberId: leader }));
  t.equal(rejoined.generationId, 2);
  t.same(
    rejoined.members.map((m) => m.memberId),
    [leader],
  );
  coordinator.close();
});

t.test('stragglers that do not rejoin are removed at the rebalance timeout', async (t) => {
  const { coordinator, leader, follower, clock } = await stableGroupOfTwo();
  const rejoin = coordinator.joinGroup(
    joinRequest({ memberId: follower, protocols: [proto('range', 'v2')] }),
  );
  for (let i = 0; i < 3; i++) {
    clock.advance(7000);
    coordinator.heartbeat(hb(leader, 1));
  }
  t.equal(
    await peek(rejoin),
    'pending',
    'the round waits up to the longest rebalance timeout, 30 s',
  );
  for (let i = 0; i < 2; i++) {
    clock.advance(7000);
    coordinator.heartbeat(hb(leader, 1));
  }
  const result = await rejoin;
  t.equal(result.generationId, 2);
  t.equal(result.leader, follower, 'a new leader among those who rejoined');
  t.same(
    result.members.map((m) => m.memberId),
    [follower],
  );
  t.equal(coordinator.heartbeat(hb(leader, 2)), BrokerError.UNKNOWN_MEMBER_ID);
  coordinator.close();
});

t.test(
  'a leader that never syncs: members without SyncGroup removed at the rebalance timeout',
  async (t) => {
    const { clock, coordinator } = setup();
    const a = coordinator.joinGroup(joinRequest({ clientId: 'a', rebalanceTimeoutMs: 5000 }));
    const b = coordinator.joinGroup(joinRequest({ clientId: 'b', rebalanceTimeoutMs: 5000 }));
    clock.advance(200);
    const follower = (await b).memberId;
    const waiting = coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: follower,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    clock.advance(5000);
    t.equal(
      (await waiting).errorCode,
      BrokerError.REBALANCE_IN_PROGRESS,
      'the follower is told to rejoin',
    );
    t.equal(coordinator.heartbeat(hb((await a).memberId, 1)), BrokerError.UNKNOWN_MEMBER_ID);
    const rejoined = await coordinator.joinGroup(joinRequest({ memberId: follower }));
    t.equal(rejoined.generationId, 2);
    coordinator.close();
  },
);
