#!/usr/bin/env bash
# Bridge network benchmark, run by hand (never in CI), against a skiff
# daemon of its own:
#   1. `docker run --rm bb true` latency with --network none, the default
#      bridge and a user-defined network (hyperfine): the cost of a veth
#      pair, an address and, on a user-defined network, the embedded DNS;
#   2. container -> container TCP throughput on a user-defined bridge
#      (scripts/bench/tcpbench, a static Go sender/receiver).
# As root it runs the daemon as the unprivileged user "skiff-bench-net".
# Needs: go, hyperfine, uidmap, busybox-static, docker (the CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-30}
secs=${SECS:-5}
work=$(mktemp -d /tmp/skiff-bench-bridge.XXXXXX)
chmod 0755 "$work"
export BENCH_USER=${BENCH_USER:-skiff-bench-net}

bash scripts/build.sh "$work/skiff" 2>/dev/null
CGO_ENABLED=0 go build -o "$work/tcpbench" ./scripts/bench/tcpbench

. scripts/bench/user.sh
daemon=
cleanup() {
	[ -z "$daemon" ] || kill -TERM "$daemon" 2>/dev/null || true
	sleep 2
	rm -rf "$work"
}
trap cleanup EXIT

for tool in hyperfine docker; do
	command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "missing /bin/busybox: apt-get install busybox-static" >&2; exit 1; }

mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/"
for a in sh true sleep; do ln -s busybox "$work/rootfs/bin/$a"; done
cp "$work/tcpbench" "$work/rootfs/bin/"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
chmod 0644 "$work/rootfs.tar"

sock=$rt/skiff/skiff.sock
"${as[@]}" setsid "$work/skiff" daemon >"$work/skiff.log" 2>&1 &
daemon=$!
for _ in $(seq 300); do curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
dk=("${as[@]}" docker -H "unix://$sock")
"${dk[@]}" import "$work/rootfs.tar" bb >/dev/null
"${dk[@]}" network rm benchnet >/dev/null 2>&1 || true
"${dk[@]}" network create benchnet >/dev/null

echo "== docker run --rm bb true: --network none, default bridge, user-defined"
hyperfine -N --warmup 3 --runs "$runs" \
	-n none "${as[*]} docker -H unix://$sock run --rm --network none bb true" \
	-n bridge "${as[*]} docker -H unix://$sock run --rm bb true" \
	-n user-defined "${as[*]} docker -H unix://$sock run --rm --network benchnet bb true"

echo "== container -> container TCP throughput on a user-defined bridge ($secs s)"
"${dk[@]}" rm -f bench-srv >/dev/null 2>&1 || true
"${dk[@]}" run -d --name bench-srv --network benchnet bb tcpbench server 5001 >/dev/null
"${dk[@]}" run --rm --network benchnet bb tcpbench client bench-srv:5001 "$secs"
echo "== the same on the default bridge, by address"
"${dk[@]}" run -d --name bench-srv2 bb tcpbench server 5001 >/dev/null
ip=$("${dk[@]}" inspect -f '{{.NetworkSettings.Networks.bridge.IPAddress}}' bench-srv2)
"${dk[@]}" run --rm bb tcpbench client "$ip:5001" "$secs"
"${dk[@]}" rm -f bench-srv bench-srv2 >/dev/null
"${dk[@]}" network rm benchnet >/dev/null
