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

. scripts/bench/engines.sh

bench_rootfs sh true cat
# Text-like data (lines), as a container's log output would be.
# (yes dies of SIGPIPE: not a failure.)
{ yes 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ' || true; } |
	head -c "$((size * 1024 * 1024))" >"$work/rootfs/200MB-file"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
rm -rf "$work/rootfs"
chmod 0644 "$work/rootfs.tar"

bench_start_engines
for n in skiff dockerd podman; do bench_import "$n" bbstream; done
rm -f "$work/rootfs.tar"

echo "== docker run --rm bbstream cat /200MB-file > /dev/null (${size} MiB, $runs runs each)"
hyperfine --warmup 1 --runs "$runs" \
	-n skiff "${as[*]} sh -c 'docker -H unix://${sock[skiff]} run --rm bbstream cat /200MB-file >/dev/null'" \
	-n podman "${as[*]} sh -c 'docker -H unix://${sock[podman]} run --rm bbstream cat /200MB-file >/dev/null'" \
	-n dockerd "${as[*]} sh -c 'docker -H unix://${sock[dockerd]} run --rm bbstream cat /200MB-file >/dev/null'"
