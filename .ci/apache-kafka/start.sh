#!/usr/bin/env bash
# Starts a single-node Apache Kafka (KRaft: broker and controller in one JVM) on loopback, detached,
# from the jars install.sh fetched, and waits until it answers Metadata. Writes its bootstrap
# address to .tools/kafka-run/bootstrap and its pid to .tools/kafka-run/pid. When a broker started
# earlier still answers, it is reused. stop.sh stops it. KAFKA_RUN_DIR (another folder) runs a
# second broker beside it; KAFKA_PORT fixes its port, KAFKA_ADVERTISED_PORT the port it tells
# clients to use (a recording proxy's, scripts/kafka-capture-fixtures.ts).
# Settings: kafka.apache.org/documentation (KRaft; "Standalone mode" of kafka-storage.sh format).
set -euo pipefail
cd "$(dirname "$0")/../.."

libs=.tools/kafka/libs
run=${KAFKA_RUN_DIR:-$PWD/.tools/kafka-run}
if [ ! -d "$libs" ]; then
  echo "Apache Kafka is not installed: run \`bash .ci/apache-kafka/install.sh\`" >&2
  exit 3
fi
command -v kcat >/dev/null || { echo "start.sh waits on \`kcat -L\`: apt-get install kcat" >&2; exit 3; }

answers() { kcat -b "$1" -L -m 2 >/dev/null 2>&1; }

if [ -f "$run/pid" ] && [ -f "$run/bootstrap" ] && kill -0 "$(cat "$run/pid")" 2>/dev/null \
  && answers "$(cat "$run/bootstrap")"; then
  echo "Apache Kafka already running at $(cat "$run/bootstrap") (pid $(cat "$run/pid"))" >&2
  exit 0
fi
# A stale pid whose process is gone, or a broker that no longer answers: start afresh.
if [ -f "$run/pid" ] && kill -0 "$(cat "$run/pid")" 2>/dev/null; then
  KAFKA_RUN_DIR=$run bash .ci/apache-kafka/stop.sh
fi
rm -rf "$run"
mkdir -p "$run/data"

# Two free loopback ports, the client listener and the controller's (the kernel picks them).
read -r port controller_port < <(node -e '
  const net = require("node:net");
  const one = () => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  Promise.all([one(), one()]).then((p) => console.log(p.join(" ")));')
port=${KAFKA_PORT:-$port}

cat > "$run/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_ADVERTISED_PORT:-$port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
log.dirs=$run/data
# What the tests compare against handwire: topics made on first use, with one partition.
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1
# One node: every internal topic has one replica; one partition each keeps the first group and the
# first idempotent producer fast (the defaults, 50 partitions each, take seconds to create).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# The first join round ends as soon as the members are in (the default waits 3 s).
group.initial.rebalance.delay.ms=0
# A small machine shared with other work: few threads.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
PROPS

# The cluster id: 16 random bytes, base64url without padding, as Kafka's Uuid prints them; never
# one starting with "-" (the storage tool would take it for an option), as Kafka's Uuid.randomUuid.
cluster_id=-
while [[ $cluster_id == -* ]]; do
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
done
jvm=(java -Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto
  -Dlog4j2.configurationFile="$PWD/.ci/apache-kafka/log4j2.properties" -cp "$libs/*")
started=$(date +%s%N)
"${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$run/server.properties" --standalone \
  > "$run/format.log" 2>&1 || { cat "$run/format.log" >&2; exit 1; }
formatted=$(date +%s%N)

# setsid: the broker outlives this script and whoever ran it (a tap before script); stdio to a file
# so nobody's pipe stays open.
setsid "${jvm[@]}" kafka.Kafka "$run/server.properties" > "$run/broker.log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$run/pid"
bootstrap=127.0.0.1:$port

# Bounded wait: 60 s at most, checking every 200 ms.
for _ in $(seq 1 300); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "Apache Kafka exited while starting; its log ($run/broker.log) ends:" >&2
    tail -n 30 "$run/broker.log" >&2
    exit 1
  fi
  if answers "$bootstrap"; then
    echo "$bootstrap" > "$run/bootstrap"
    now=$(date +%s%N)
    echo "Apache Kafka $(ls "$libs" | sed -n 's/^kafka_2.13-\(.*\)\.jar$/\1/p') at $bootstrap (pid $pid): format $(( (formatted - started) / 1000000 )) ms, start $(( (now - formatted) / 1000000 )) ms" >&2
    exit 0
  fi
  sleep 0.2
done
echo "Apache Kafka did not answer at $bootstrap within 60 s; see $run/broker.log" >&2
kill "$pid" 2>/dev/null || true
exit 1
