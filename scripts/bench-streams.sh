#!/usr/bin/env bash
# Output throughput through the docker CLI, run by hand (never in CI):
# `docker run --rm bb cat /200MB-file > /dev/null` against skiff, rootless
# podman (runc, overlay) and rootless dockerd, side by side in one
# hyperfine run, each with the same image (busybox + a 200 MB file).
# As root it runs everything as the unprivileged user "skiff-bench".
# Needs: go, hyperfine, uidmap, busybox-static, docker.io
# (dockerd-rootless.sh), rootlesskit, slirp4netns, podman, runc:
#   apt-get install hyperfine uidmap busybox-static docker.io rootlesskit slirp4netns podman runc
# SIZE_MB (default 200) and RUNS (default 10) tune it; SKIFF_BIN skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
size=${SIZE_MB:-200}
work=$(mktemp -d /tmp/skiff-bench-streams.XXXXXX)
chmod 0755 "$work"

if [ -n "${SKIFF_BIN:-}" ]; then
	cp "$SKIFF_BIN" "$work/skiff" # a binary built elsewhere
else
	bash scripts/build.sh "$work/skiff" 2>/dev/null
fi

. scripts/bench/user.sh
pids=()
cleanup() {
	# Only the daemons this script started (each leads its own session).
	for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
	sleep 2
	for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
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
for a in sh true cat; do ln -sf busybox "$work/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$work/rootfs/etc/passwd"
echo 'root:x:0:' >"$work/rootfs/etc/group"
# Text-like data (lines), as a container's log output would be.
# (yes dies of SIGPIPE: not a failure.)
{ yes 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ' || true; } |
	head -c "$((size * 1024 * 1024))" >"$work/rootfs/200MB-file"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
rm -rf "$work/rootfs"
chmod 0644 "$work/rootfs.tar"

"${as[@]}" setsid "$work/skiff" daemon >"$work/skiff.log" 2>&1 &
pids+=($!)
"${as[@]}" setsid dockerd-rootless.sh >"$work/dockerd.log" 2>&1 &
pids+=($!)
"${as[@]}" setsid podman system service --time=0 >"$work/podman.log" 2>&1 &
pids+=($!)
declare -A sock=([skiff]="$rt/skiff/skiff.sock" [dockerd]="$rt/docker.sock" [podman]="$rt/podman/podman.sock")
for n in skiff dockerd podman; do
	for _ in $(seq 300); do curl -sf --unix-socket "${sock[$n]}" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
	"${as[@]}" docker -H "unix://${sock[$n]}" import "$work/rootfs.tar" bbstream >/dev/null
done
rm -f "$work/rootfs.tar"

echo "== docker run --rm bbstream cat /200MB-file > /dev/null (${size} MiB, $runs runs each)"
hyperfine --warmup 1 --runs "$runs" \
	-n skiff "${as[*]} sh -c 'docker -H unix://${sock[skiff]} run --rm bbstream cat /200MB-file >/dev/null'" \
	-n podman "${as[*]} sh -c 'docker -H unix://${sock[podman]} run --rm bbstream cat /200MB-file >/dev/null'" \
	-n dockerd "${as[*]} sh -c 'docker -H unix://${sock[dockerd]} run --rm bbstream cat /200MB-file >/dev/null'"
