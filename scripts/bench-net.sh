#!/usr/bin/env bash
# Rootless network benchmark, run by hand (never in CI): skiff vs rootless
# podman (slirp4netns + rootlessport, its defaults) in the same run.
#   1. host -> container through a published port (-p 127.0.0.1:P:5001),
#      against the host's loopback as the baseline: scripts/bench/tcpbench
#      for raw TCP, then curl fetching a 1 GiB file from busybox httpd;
#   2. container -> a service on the host's 127.0.0.1 through host-gateway
#      (skiff: --add-host h:host-gateway over the rootless egress driver;
#      podman: slirp4netns allow_host_loopback, 10.0.2.2).
# As root it runs the engines as the unprivileged user "skiff-bench-n1".
# Needs: go, curl, uidmap, busybox-static, docker (the CLI), podman,
# slirp4netns, runc.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECS:-5}
work=$(mktemp -d /tmp/skiff-bench-net.XXXXXX)
chmod 0755 "$work"
export BENCH_USER=${BENCH_USER:-skiff-bench-n1}

bash scripts/build.sh "$work/skiff" 2>/dev/null
CGO_ENABLED=0 go build -o "$work/tcpbench" ./scripts/bench/tcpbench

. scripts/bench/user.sh
daemon=
hostpids=()
cleanup() {
	"${as[@]}" podman rm -f -t 0 nb-srv nb-web >/dev/null 2>&1 || true
	for p in "${hostpids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -z "$daemon" ] || kill -TERM "$daemon" 2>/dev/null || true
	sleep 2
	rm -rf "$work"
}
trap cleanup EXIT

for tool in curl docker podman; do
	command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install curl docker.io podman slirp4netns runc" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "missing /bin/busybox: apt-get install busybox-static" >&2; exit 1; }

# One rootfs for both engines: busybox, tcpbench and a 1 GiB file to serve.
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/www"
cp /bin/busybox "$work/tcpbench" "$work/rootfs/bin/"
for a in sh true sleep httpd; do ln -s busybox "$work/rootfs/bin/$a"; done
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
chmod 0644 "$work/rootfs.tar"
mkdir -p "$work/www" && dd if=/dev/zero of="$work/www/big" bs=1M count=1024 status=none
chmod -R a+rX "$work/www"

sock=$rt/skiff/skiff.sock
"${as[@]}" setsid "$work/skiff" daemon >"$work/skiff.log" 2>&1 &
daemon=$!
for _ in $(seq 300); do curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
dk=("${as[@]}" docker -H "unix://$sock")
pm=("${as[@]}" podman)
"${dk[@]}" import "$work/rootfs.tar" bb >/dev/null
"${pm[@]}" import "$work/rootfs.tar" bb >/dev/null 2>&1
"${dk[@]}" rm -f nb-srv nb-web >/dev/null 2>&1 || true
"${pm[@]}" rm -f -t 0 nb-srv nb-web >/dev/null 2>&1 || true

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
gbit() { awk '{print $1}'; }
mbs() { awk '{printf "%.0f MB/s\n", $1/1e6}'; }

echo "== host -> container through a published port: tcpbench ($secs s)"
p=$(free_port)
"$work/tcpbench" server "$p" & hostpids+=($!)
printf '%-28s' "host loopback (baseline):"; "$work/tcpbench" client "127.0.0.1:$p" "$secs"
for e in skiff podman; do
	[ $e = skiff ] && c=("${dk[@]}") || c=("${pm[@]}")
	"${c[@]}" run -d --name nb-srv -p 127.0.0.1::5001 bb tcpbench server 5001 >/dev/null
	hp=$("${c[@]}" port nb-srv 5001/tcp | head -1)
	# A forwarder accepts before the server listens (then resets): give it time.
	sleep 1
	printf '%-28s' "$e:"; "$work/tcpbench" client "$hp" "$secs"
	"${c[@]}" rm -f nb-srv >/dev/null
done

echo "== host -> container through a published port: curl of a 1 GiB file from busybox httpd"
p=$(free_port)
/bin/busybox httpd -f -p "127.0.0.1:$p" -h "$work/www" & hostpids+=($!)
sleep 0.3
printf '%-28s' "host loopback (baseline):"; curl -s -o /dev/null -w '%{speed_download}\n' "http://127.0.0.1:$p/big" | mbs
for e in skiff podman; do
	[ $e = skiff ] && c=("${dk[@]}") || c=("${pm[@]}")
	"${c[@]}" run -d --name nb-web -p 127.0.0.1::80 bb sh -c 'dd if=/dev/zero of=/www/big bs=1M count=1024 2>/dev/null; exec httpd -f -p 80 -h /www' >/dev/null
	hp=$("${c[@]}" port nb-web 80/tcp | head -1)
	for _ in $(seq 100); do curl -sf -o /dev/null -r 0-0 "http://$hp/big" && break; sleep 0.1; done
	printf '%-28s' "$e:"; curl -s -o /dev/null -w '%{speed_download}\n' "http://$hp/big" | mbs
	"${c[@]}" rm -f nb-web >/dev/null
done

echo "== container -> host's 127.0.0.1 (host-gateway): tcpbench ($secs s)"
p=$(free_port)
"$work/tcpbench" server "$p" & hostpids+=($!)
printf '%-28s' "skiff (host-gateway):"; "${dk[@]}" run --rm --add-host hgw:host-gateway bb tcpbench client "hgw:$p" "$secs"
printf '%-28s' "podman (slirp4netns):"; "${pm[@]}" run --rm --network slirp4netns:allow_host_loopback=true bb tcpbench client "10.0.2.2:$p" "$secs"
