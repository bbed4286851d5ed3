// A throwaway Apache Kafka cluster a test file owns: one or three KRaft nodes (each broker and
// controller at once, as .ci/apache-kafka/start.sh runs one), started from the jars in
// .tools/kafka/libs, in their own run folder under .tools/, on free loopback ports. Unlike the
// shared broker of ensureApacheKafka(), a test may stop, kill and restart its nodes (fault
// injection) without disturbing other test files. Three nodes get replication factor 3 and
// min.insync.replicas 2 (issue #14's failover test). Settings: kafka.apache.org/documentation
// (KRaft, "Static versus dynamic KRaft quorums", broker configs).

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from '../../helpers/free-port.js';
import { KAFKA_LIBS, REPO_ROOT } from './apache-kafka.js';

const run = promisify(execFile);

const JVM = [
  'java',
  // Small heaps: several JVMs share a 2-core machine with the rest of the test run.
  '-Xms128m',
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  `-Dlog4j2.configurationFile=${REPO_ROOT}.ci/apache-kafka/log4j2.properties`,
  '-cp',
  `${KAFKA_LIBS}/*`,
];

export interface KafkaNode {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
  /** True while its process runs. */
  readonly running: boolean;
}

export interface KafkaCluster {
  /** Every node's address, comma-separated (what --kafka-brokers takes). */
  readonly bootstrap: string;
  readonly nodes: readonly KafkaNode[];
  /** Ends a node: SIGTERM (a clean shutdown, at most 15 s) or SIGKILL (a crash). */
  stopNode(nodeId: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts a stopped node again on its ports and data, and waits until it answers. */
  startNode(nodeId: number): Promise<void>;
  /** Starts every node that is not running, and waits until each answers (60 s at most). */
  start(): Promise<void>;
  /** Stops every node and deletes the run folder. Safe to call twice. */
  stop(): Promise<void>;
  /** The path of a node's log, for failure messages. */
  logPath(nodeId: number): string;
}

interface NodeProcess extends KafkaNode {
  running: boolean;
  process: ChildProcess | undefined;
  readonly properties: string;
}

/**
 * Formats `size` nodes (1 or 3) on free ports without starting them: a test may start a client
 * against a cluster that is down, then `start()` it.
 */
export async function createKafkaCluster(name: string, size: 1 | 3): Promise<KafkaCluster> {
  const dir = `${REPO_ROOT}.tools/kafka-test-clusters/${name}-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  const ports: { port: number; controllerPort: number }[] = [];
  for (let i = 0; i < size; i++)
    ports.push({ port: await freePort(), controllerPort: await freePort() });
  const voters = ports.map((p, i) => `${i + 1}@127.0.0.1:${p.controllerPort}`).join(',');
  const nodes: NodeProcess[] = ports.map((p, i) => {
    const nodeDir = `${dir}/node-${i + 1}`;
    mkdirSync(`${nodeDir}/data`, { recursive: true });
    const properties = `${nodeDir}/server.properties`;
    writeFileSync(
      properties,
      nodeProperties(i + 1, p.port, p.controllerPort, voters, nodeDir, size),
    );
    return { nodeId: i + 1, ...p, properties, process: undefined, running: false };
  });
  const cluster = clusterOf(dir, nodes);
  try {
    const clusterId = randomClusterId();
    const format = (node: NodeProcess) =>
      run(
        JVM[0]!,
        [
          ...JVM.slice(1),
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          node.properties,
        ],
        {
          timeout: 60_000,
        },
      );
    await Promise.all(nodes.map(format));
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** Formats and starts `size` nodes; resolves once each answers Metadata. */
export async function startKafkaCluster(name: string, size: 1 | 3): Promise<KafkaCluster> {
  const cluster = await createKafkaCluster(name, size);
  try {
    await cluster.start();
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

function nodeProperties(
  nodeId: number,
  port: number,
  controllerPort: number,
  voters: string,
  nodeDir: string,
  size: number,
): string {
  const replicas = Math.min(size, 3);
  return `process.roles=broker,controller
node.id=${nodeId}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.voters=${voters}
log.dirs=${nodeDir}/data
num.partitions=1
default.replication.factor=${replicas}
min.insync.replicas=${replicas === 3 ? 2 : 1}
offsets.topic.replication.factor=${replicas}
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=${replicas}
transaction.state.log.min.isr=${replicas === 3 ? 2 : 1}
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=${replicas}
share.coordinator.state.topic.min.isr=${replicas === 3 ? 2 : 1}
group.initial.rebalance.delay.ms=0
# A killed node is noticed in about 3 s (the defaults: 9 s) so a leader moves quickly.
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.enable=false
`;
}

function clusterOf(dir: string, nodes: NodeProcess[]): KafkaCluster {
  const nodeById = (nodeId: number) => {
    const node = nodes.find((n) => n.nodeId === nodeId);
    if (node === undefined) throw new Error(`no Kafka node ${nodeId}`);
    return node;
  };
  const logPath = (nodeId: number) => `${dir}/node-${nodeId}/broker.log`;
  const stopNode = async (nodeId: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const node = nodeById(nodeId);
    const child = node.process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    // The whole group: the watchdog shell and its JVM (a SIGKILL to the shell alone would leave
    // the JVM running).
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    child.stdin?.destroy();
  };
  const startNode = async (nodeId: number) => {
    const node = nodeById(nodeId);
    const out = logPath(nodeId);
    const fd = openSync(out, 'a');
    const child = spawn(
      'bash',
      ['-c', WATCHDOG, 'kafka-node', ...JVM, 'kafka.Kafka', node.properties],
      {
        stdio: ['pipe', fd, fd],
        // Its own process group, so that stopNode reaches the JVM and the shell together.
        detached: true,
      },
    );
    closeSync(fd);
    node.process = child;
    node.running = true;
    child.once('exit', () => {
      node.running = false;
    });
    killOnExit.add(child);
    await waitForAnswer(node, out);
  };
  return {
    bootstrap: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    nodes,
    logPath,
    stopNode,
    startNode,
    async start() {
      await Promise.all(nodes.filter((n) => !n.running).map((n) => startNode(n.nodeId)));
    },
    async stop() {
      await Promise.all(nodes.map((n) => stopNode(n.nodeId)));
      for (const n of nodes) if (n.process) killOnExit.delete(n.process);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits (60 s at most) until kcat gets the node's Metadata answer. */
async function waitForAnswer(node: NodeProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!node.running)
      throw new Error(`Kafka node ${node.nodeId} exited while starting; see ${log}`);
    try {
      await run('kcat', ['-b', `127.0.0.1:${node.port}`, '-L', '-m', '2'], { timeout: 5000 });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Kafka node ${node.nodeId} did not answer within 60 s; see ${log}`);
}

/**
 * 16 random bytes, base64url, as Kafka's Uuid prints them; never one starting with "-", which the
 * storage tool would read as an option (Kafka's own Uuid.randomUuid skips those for that reason).
 * One id in 64 did, and failed the cluster's start in CI.
 */
function randomClusterId(): string {
  const bytes = new Uint8Array(16);
  for (;;) {
    crypto.getRandomValues(bytes);
    const id = Buffer.from(bytes).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Runs the JVM under a shell that ends with it, beside a watcher holding the read end of a pipe
 * from the test process: when the test process ends in any way (tap's timeout kills it with a
 * signal, and then no 'exit' handler runs), the pipe closes, `read` returns, and the watcher kills
 * the JVM. A SIGTERM to the group is a clean shutdown: the JVM gets it, the shell waits for it.
 */
const WATCHDOG = `"$@" & jvm=$!
( read -r _; kill -KILL "$jvm" 2>/dev/null ) <&0 &
trap 'wait "$jvm"; exit' TERM
wait "$jvm"`;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is gone already.
  }
}

/** A test process that ends normally with nodes still running takes them along. */
const killOnExit = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of killOnExit) killGroup(child, 'SIGKILL');
});
