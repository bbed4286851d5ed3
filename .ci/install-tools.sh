#!/usr/bin/env bash
# Installs the real peers built from Go sources into .tools/ (ignored by git), at pinned versions:
# ghz and grpcurl (what the README tells performance people and learners to use) and grpc-go's
# official interop client and server. Reuses what is already there; the Go build cache makes a
# rebuild fast. test/helpers/peer-tools.ts reads the same layout.
set -euo pipefail
cd "$(dirname "$0")/.."

GHZ_VERSION=v0.121.0
GRPCURL_VERSION=v1.9.3
GRPC_GO_VERSION=v1.85.0

tools=$PWD/.tools
mkdir -p "$tools/bin" "$tools/grpc-go"
stamp() { cat "$1.version" 2>/dev/null || true; }
install_go() { # install_go DIR NAME MODULE/CMD VERSION
  local dir=$1 name=$2 pkg=$3 version=$4
  if [ -x "$dir/$name" ] && [ "$(stamp "$dir/$name")" = "$version" ]; then return; fi
  echo "installing $pkg@$version into $dir" >&2
  GOBIN=$dir GOFLAGS=-buildvcs=false go install "$pkg@$version"
  echo "$version" > "$dir/$name.version"
}
install_go "$tools/bin" ghz github.com/bojand/ghz/cmd/ghz "$GHZ_VERSION"
install_go "$tools/bin" grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl "$GRPCURL_VERSION"
# Both interop programs are named after their folder (client, server): a folder of their own.
install_go "$tools/grpc-go" client google.golang.org/grpc/interop/client "$GRPC_GO_VERSION"
install_go "$tools/grpc-go" server google.golang.org/grpc/interop/server "$GRPC_GO_VERSION"

# Current Python grpcio from PyPI, beside Debian's 1.51 (python3-grpcio, run with /usr/bin/python3):
# the official health-checking and reflection clients ship as grpcio-health-checking and
# grpcio-reflection. A virtualenv of its own, rebuilt only when the pins change.
GRPCIO_PINS=(grpcio==1.85.3 grpcio-reflection==1.85.1 grpcio-health-checking==1.85.1)
venv=$tools/grpcio-venv
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/pins" 2>/dev/null || true)" != "${GRPCIO_PINS[*]}" ]; then
  echo "creating $venv with ${GRPCIO_PINS[*]}" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${GRPCIO_PINS[@]}"
  echo "${GRPCIO_PINS[*]}" > "$venv/pins"
fi
