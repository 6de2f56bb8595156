#!/usr/bin/env bash
# `docker exec c true` latency, side by side, run by hand (never in CI):
# skiff vs rootless podman (runc, overlay) vs rootless dockerd, all driven
# by the docker CLI through their sockets, each exec'ing into a running
# busybox container made from the same rootfs (set-up as scripts/bench.sh).
# Target: skiff at most 0.5x the faster of the other two.
# SKIFF_BASELINE=<skiff binary> adds that build as "skiff-baseline" (its
# own runtime and data dirs), for a before/after in the same run;
# SKIFF_BIN skips the build.
# As root it runs everything as the unprivileged user "skiff-bench".
# Needs: go, hyperfine, uidmap, busybox-static, docker.io
# (dockerd-rootless.sh), rootlesskit, slirp4netns, podman, runc.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-50}
work=$(mktemp -d /tmp/skiff-bench-exec.XXXXXX)
chmod 0755 "$work"

. scripts/bench/engines.sh

bench_rootfs sh true sleep echo
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
chmod 0644 "$work/rootfs.tar"
bench_start_engines
engines=(skiff dockerd podman)
if [ -n "${SKIFF_BASELINE:-}" ]; then
	cp "$SKIFF_BASELINE" "$work/skiff-baseline"
	chmod 0755 "$work/skiff-baseline"
	b="$work/baseline"
	mkdir -p "$b/run" "$b/data" "$b/config"
	chmod 0700 "$b/run"
	[ "$(id -u)" != 0 ] || chown -R "$uid" "$b"
	"${as[@]}" env XDG_RUNTIME_DIR="$b/run" XDG_DATA_HOME="$b/data" XDG_CONFIG_HOME="$b/config" \
		setsid "$work/skiff-baseline" daemon >"$work/skiff-baseline.log" 2>&1 &
	pids+=($!)
	sock[skiff-baseline]="$b/run/skiff/skiff.sock"
	engines+=(skiff-baseline)
fi
declare -A ctr
for n in "${engines[@]}"; do
	bench_import "$n" bb
	ctr[$n]=$("${as[@]}" docker -H "unix://${sock[$n]}" run -d bb sleep 3600)
done

echo "== docker exec c true ($runs runs each)"
hyperfine -N --warmup 5 --runs "$runs" \
	-n skiff "${as[*]} docker -H unix://${sock[skiff]} exec ${ctr[skiff]} true" \
	-n podman "${as[*]} docker -H unix://${sock[podman]} exec ${ctr[podman]} true" \
	-n dockerd "${as[*]} docker -H unix://${sock[dockerd]} exec ${ctr[dockerd]} true" \
	${SKIFF_BASELINE:+-n skiff-baseline "${as[*]} docker -H unix://${sock[skiff-baseline]} exec ${ctr[skiff-baseline]} true"}

for n in "${engines[@]}"; do
	"${as[@]}" docker -H "unix://${sock[$n]}" rm -f "${ctr[$n]}" >/dev/null || {
		echo "$n is gone after the run; the end of its log:" >&2
		tail -n 30 "$work/$n.log" >&2 || true
	}
done
