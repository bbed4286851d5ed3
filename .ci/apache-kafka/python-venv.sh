#!/usr/bin/env bash
# Creates .tools/venv (ignored by git) with the PyPI Kafka clients the interop tests drive, at
# pinned versions: confluent-kafka (librdkafka bundled in its wheel) and kafka-python 3. Debian's
# python3-kafka (kafka-python 2.0.2) is a different, older client run with /usr/bin/python3.
# Reuses the venv when its stamp matches the pins.
set -euo pipefail
cd "$(dirname "$0")/../.."

pins=(confluent-kafka==2.16.1 kafka-python==3.0.12)
venv=$PWD/.tools/venv
want="${pins[*]}"
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/pins" 2>/dev/null || true)" = "$want" ]; then
  exit 0
fi
echo "creating $venv with ${pins[*]}" >&2
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}"
echo "$want" > "$venv/pins"
