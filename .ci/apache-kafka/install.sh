#!/usr/bin/env bash
# Fetches the Apache Kafka broker's jars from Maven Central into .tools/kafka/libs (ignored by git),
# at the version pom.xml pins; reuses them when the stamp says they are that version already.
# Needs a JDK 17+ and Maven. Then start.sh runs the broker from them (no tarball, no Docker).
set -euo pipefail
cd "$(dirname "$0")/../.."

pom=.ci/apache-kafka/pom.xml
libs=$PWD/.tools/kafka/libs
stamp=$PWD/.tools/kafka/version
# The stamp is the whole pom: changing the Kafka or log4j version (or adding a jar) refetches.
want=$(sha256sum "$pom" | cut -d' ' -f1)

if [ -d "$libs" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ]; then
  exit 0
fi
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")
echo "fetching Apache Kafka $version (kafka_2.13 and its runtime jars) into $libs" >&2
rm -rf "$libs" "$stamp"
mkdir -p "$libs"
start=$(date +%s)
mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs"
echo "$want" > "$stamp"
echo "fetched $(ls "$libs" | wc -l) jars, $(du -sh "$libs" | cut -f1), in $(( $(date +%s) - start )) s" >&2
