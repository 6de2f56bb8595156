#!/usr/bin/env bash
# Builds the static skiff binary: ./skiff (or $1).
# CGO is off: nothing in skiff needs a C constructor, so the binary is
# static by construction and runs on any Linux of the same architecture.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-./skiff}
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# The commit's time, not the wall clock, so that builds are reproducible.
built=$(git log -1 --format=%cI 2>/dev/null || true)
# The container roles' small binary first: skiff embeds it (tag
# skiff_roleexe) and runs every shim, init and exec from it, a fraction of
# the whole binary's start-up and memory (see internal/runtime/roleexe).
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
	-o internal/runtime/roleexe/skiff-roles ./internal/runtime/roleexe/cmd/skiff-roles
CGO_ENABLED=0 go build -trimpath -tags containers_image_openpgp,skiff_roleexe \
	-ldflags "-s -w -X main.version=${version} -X main.gitCommit=${commit} -X main.buildTime=${built}" \
	-o "$out" .
echo "built $out ($version, $commit)" >&2
