#!/usr/bin/env bash
# Side-by-side daemon benchmark, run by hand (never in CI):
#   1. start to first answered GET /_ping, and idle memory (PSS of the whole
#      process tree), for skiff, rootless dockerd and podman's API service;
#   2. `docker version` round trip through each one's socket (hyperfine).
# As root it runs everything as an unprivileged user "skiff-bench".
# Needs: go, hyperfine, uidmap, docker.io (dockerd-rootless.sh), rootlesskit,
# slirp4netns, podman, runc:
#   apt-get install hyperfine uidmap docker.io rootlesskit slirp4netns podman runc
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}
work=$(mktemp -d /tmp/skiff-bench.XXXXXX)
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT

bash scripts/build.sh "$work/skiff" 2>/dev/null
CGO_ENABLED=0 go build -o "$work/startping" ./scripts/bench/startping

. scripts/bench/user.sh

echo "== start to first /_ping, idle memory ($runs runs each)"
"${as[@]}" "$work/startping" -name skiff -n "$runs" -sock "$rt/skiff/skiff.sock" -- "$work/skiff" daemon
if command -v dockerd-rootless.sh >/dev/null || [ -x /usr/share/docker.io/contrib/dockerd-rootless.sh ]; then
	"${as[@]}" "$work/startping" -name dockerd -n "$runs" -sock "$rt/docker.sock" -- dockerd-rootless.sh
else
	echo "dockerd-rootless.sh not found: apt-get install docker.io rootlesskit slirp4netns" >&2
fi
if command -v podman >/dev/null; then
	"${as[@]}" "$work/startping" -name podman -n "$runs" -sock "$rt/podman/podman.sock" -- podman system service --time=0
else
	echo "podman not found: apt-get install podman runc" >&2
fi

echo
echo "== docker version round trip (hyperfine)"
"${as[@]}" setsid "$work/skiff" daemon >"$work/skiff.log" 2>&1 &
"${as[@]}" setsid dockerd-rootless.sh >"$work/dockerd.log" 2>&1 &
"${as[@]}" setsid podman system service --time=0 >"$work/podman.log" 2>&1 &
for s in "$rt/skiff/skiff.sock" "$rt/docker.sock" "$rt/podman/podman.sock"; do
	for _ in $(seq 200); do curl -sf --unix-socket "$s" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
done
hyperfine -N --warmup 5 --runs "${RUNS_HYPERFINE:-100}" \
	-n skiff "docker -H unix://$rt/skiff/skiff.sock version" \
	-n dockerd "docker -H unix://$rt/docker.sock version" \
	-n podman "docker -H unix://$rt/podman/podman.sock version"
pkill -TERM -u "$uid" -f 'skiff daemon|dockerd|podman system service' || true
sleep 2
