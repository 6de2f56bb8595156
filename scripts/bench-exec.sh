#!/usr/bin/env bash
# `docker exec c true` latency, side by side, run by hand (never in CI):
# skiff vs rootless podman (runc, overlay) vs rootless dockerd, all driven
# by the docker CLI through their sockets, each exec'ing into a running
# busybox container made from the same rootfs (set-up as scripts/bench.sh).
# Target: skiff at most 0.5x the faster of the other two.
# SKIFF_BASELINE=<skiff binary> adds that build as "skiff-baseline" (its
# own runtime and data dirs), for a before/after in the same run.
# As root it runs everything as the unprivileged user "skiff-bench".
# Needs: go, hyperfine, uidmap, busybox-static, docker.io
# (dockerd-rootless.sh), rootlesskit, slirp4netns, podman, runc.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-50}
work=$(mktemp -d /tmp/skiff-bench-exec.XXXXXX)
chmod 0755 "$work"

bash scripts/build.sh "$work/skiff" 2>/dev/null

. scripts/bench/user.sh
pids=()
cleanup() {
	# Only what this script started: each engine leads its own session.
	for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
	sleep 2
	rm -rf "$work"
}
trap cleanup EXIT

for tool in hyperfine docker podman dockerd-rootless.sh; do
	command -v "$tool" >/dev/null || [ -x "/usr/share/docker.io/contrib/$tool" ] || {
		echo "missing $tool: apt-get install hyperfine docker.io rootlesskit slirp4netns podman runc" >&2
		exit 1
	}
done
[ -x /bin/busybox ] || { echo "missing /bin/busybox: apt-get install busybox-static" >&2; exit 1; }

mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/"
for a in sh true sleep echo; do ln -sf busybox "$work/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$work/rootfs/etc/passwd"
echo 'root:x:0:' >"$work/rootfs/etc/group"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
chmod 0644 "$work/rootfs.tar"

"${as[@]}" setsid "$work/skiff" daemon >"$work/skiff.log" 2>&1 &
pids+=($!)
"${as[@]}" setsid dockerd-rootless.sh >"$work/dockerd.log" 2>&1 &
pids+=($!)
"${as[@]}" setsid podman system service --time=0 >"$work/podman.log" 2>&1 &
pids+=($!)
declare -A sock=([skiff]="$rt/skiff/skiff.sock" [dockerd]="$rt/docker.sock" [podman]="$rt/podman/podman.sock")
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
	for _ in $(seq 300); do curl -sf --unix-socket "${sock[$n]}" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
	"${as[@]}" docker -H "unix://${sock[$n]}" import "$work/rootfs.tar" bb >/dev/null
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
