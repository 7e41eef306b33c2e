#!/usr/bin/env bash
# Builds the Go peer webhook: bench/peers/build.sh OUT_DIR -> OUT_DIR/go-webhook.
# Standard library only (no module downloads); the Go build cache and GOPATH live in OUT_DIR so
# nothing lands in $HOME. Needs Debian's golang-go (1.19 or newer).
set -euo pipefail
out=${1:?usage: bench/peers/build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v go >/dev/null 2>&1; then
  echo "error: 'go' not found: install Debian's golang-go (apt-get install golang-go) to build the Go peer" >&2
  exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
export GOCACHE="$out/.gocache" GOPATH="$out/.gopath" GOMODCACHE="$out/.gopath/pkg/mod"
export CGO_ENABLED=0 GOFLAGS= GOPROXY=off GOTOOLCHAIN=local GOENV=off
cd "$here/go-webhook"
go build -trimpath -ldflags "-X main.defaultDataDir=$(cd "$here/../../data" && pwd)" -o "$out/go-webhook" .
echo "built $out/go-webhook ($(go version | cut -d' ' -f3))"
