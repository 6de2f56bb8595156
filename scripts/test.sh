#!/usr/bin/env bash
# skiff's test command: go vet, gofmt, unit tests, then the integration
# tests (a real daemon run as an unprivileged user; run this as root, or as
# a user that can create user namespaces). Exits non-zero if any stage fails.
set -uo pipefail
cd "$(dirname "$0")/.."

export CGO_ENABLED=0
TAGS=containers_image_openpgp
# The harness's own tests, then the integration package alone so that
# go test streams its output (a hang shows which test it is in).
INTEGRATION=(./internal/integration/harness/ ./internal/integration/)
failed=()
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

stage() { echo; echo "=== $*"; }

stage "go vet"
go vet -tags "$TAGS" ./... || failed+=(vet)

stage "gofmt"
unformatted=$(find . -name '*.go' -not -path './.git/*' -not -path './.cache/*' -print0 | xargs -0 gofmt -l)
if [ -n "$unformatted" ]; then
	echo "not gofmt-ed (run gofmt -w):"
	echo "$unformatted"
	failed+=(gofmt)
fi

# One binary for every integration package, built before any test runs so
# that a build error shows once and plainly.
stage "build"
bindir=$(mktemp -d /tmp/skiff-test-bin.XXXXXX)
chmod 0755 "$bindir"
trap 'rm -rf "$logdir" "$bindir"' EXIT
# scripts/build.sh, so that the tests run what users get (the container
# roles from the embedded roles binary).
if bash scripts/build.sh "$bindir/skiff"; then
	export SKIFF_BINARY=$bindir/skiff
else
	failed+=(build)
fi

stage "unit tests"
unit=$(go list -tags "$TAGS" ./... | grep -v '/internal/integration')
# shellcheck disable=SC2086
go test -tags "$TAGS" -count=1 -timeout 10m -v $unit 2>&1 | tee "$logdir/unit.log" | grep -E '^(ok|FAIL|---|panic:|#|\?)|^\s+--- FAIL|\.go:[0-9]+:'
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=(unit)

stage "integration tests"
if [ -n "${SKIFF_BINARY:-}" ]; then
	for pkg in "${INTEGRATION[@]}"; do
		go test -tags "$TAGS" -count=1 -timeout 30m -v "$pkg" 2>&1 | tee -a "$logdir/integration.log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("integration $pkg")
	done
else
	echo "skipped: the skiff binary does not build"
	failed+=(integration)
fi

stage "summary"
cat "$logdir"/*.log 2>/dev/null | grep -E '^(ok|FAIL)\s' || true
pass=$(cat "$logdir"/*.log 2>/dev/null | grep -cE '^\s*--- PASS:')
fail=$(cat "$logdir"/*.log 2>/dev/null | grep -cE '^\s*--- FAIL:')
skip=$(cat "$logdir"/*.log 2>/dev/null | grep -cE '^\s*--- SKIP:')
cat "$logdir"/*.log 2>/dev/null | grep -E '^\s*--- (FAIL|SKIP):' || true
if [ ${#failed[@]} -gt 0 ]; then
	echo "failed stages: ${failed[*]}"
	echo "$pass passed, $((fail > 0 ? fail : 1)) failed, $skip skipped"
	exit 1
fi
echo "$pass passed, $fail failed, $skip skipped"
