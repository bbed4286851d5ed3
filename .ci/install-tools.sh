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
