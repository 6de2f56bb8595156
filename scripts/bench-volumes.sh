#!/usr/bin/env bash
# Volume I/O benchmark, run by hand (never in CI), against a skiff daemon
# of its own: sequential write (dd conv=fsync) and read of 1 GiB inside a
# container, to a named volume and to a bind mount, each as a fraction of
# the same busybox dd run on the host in a directory of the same
# filesystem. The read follows the write, so it is served from the page
# cache in every case (dropping caches needs root on the host): it
# measures the mount path's overhead, not the disk (five passes, timed
# together). Times come from /proc/uptime (10 ms steps); each figure is
# the median of RUNS rounds.
# As root it runs the daemon as the unprivileged user "skiff-bench-vol".
# Needs: go, uidmap, busybox-static, docker (the CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
mib=${MIB:-1024}
work=$(mktemp -d /tmp/skiff-bench-volumes.XXXXXX)
chmod 0755 "$work"
export BENCH_USER=${BENCH_USER:-skiff-bench-vol}

bash scripts/build.sh "$work/skiff" 2>/dev/null
. scripts/bench/user.sh
daemon=
cleanup() {
	if [ -n "$daemon" ]; then
		"${dk[@]}" rm -f benchvol-c >/dev/null 2>&1 || true
		"${dk[@]}" volume rm -f benchvol >/dev/null 2>&1 || true
		kill -TERM "$daemon" 2>/dev/null || true
		sleep 2
	fi
	"${as[@]}" rm -rf "$home/bench-host" "$home/bench-bind"
	rm -rf "$work"
}
trap cleanup EXIT

command -v docker >/dev/null || { echo "missing docker (the CLI)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "missing /bin/busybox: apt-get install busybox-static" >&2; exit 1; }

# One script times both runs, on the host and in the container.
cat >"$work/dd.sh" <<'SH'
dir=$1 mib=$2
cs() { read u _ </proc/uptime; echo "${u%.*}${u#*.}"; }
s=$(cs); dd if=/dev/zero of="$dir/f" bs=1M count="$mib" conv=fsync 2>/dev/null; e=$(cs); w=$((e - s))
s=$(cs); for _ in 1 2 3 4 5; do dd if="$dir/f" of=/dev/null bs=1M 2>/dev/null; done; e=$(cs); r=$((e - s))
rm -f "$dir/f"
echo "$w $r"
SH
mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/"
for a in sh dd rm; do ln -s busybox "$work/rootfs/bin/$a"; done
cp "$work/dd.sh" "$work/rootfs/dd.sh"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
chmod 0644 "$work/rootfs.tar" "$work/dd.sh"

sock=$rt/skiff/skiff.sock
"${as[@]}" setsid "$work/skiff" daemon >"$work/skiff.log" 2>&1 &
daemon=$!
for _ in $(seq 300); do curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
dk=("${as[@]}" docker -H "unix://$sock")
"${dk[@]}" import "$work/rootfs.tar" benchvol-bb >/dev/null
"${dk[@]}" volume create benchvol >/dev/null
"${as[@]}" mkdir -p "$home/bench-host" "$home/bench-bind"

# median of a column of numbers
median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
# MiB/s of $1 centiseconds for ${2:-1} passes over the file
mbps() { awk -v mib="$mib" -v cs="$1" -v n="${2:-1}" 'BEGIN { if (cs < 1) cs = 1; printf "%.0f", n * mib * 100 / cs }'; }

# Rounds interleave the three targets, each round starting with another,
# so load that comes and goes on the machine hits them alike.
one() {
	case $1 in
	host) "${as[@]}" /bin/busybox sh "$work/dd.sh" "$home/bench-host" "$mib" ;;
	vol) "${dk[@]}" run --rm -v benchvol:/d benchvol-bb sh /dd.sh /d "$mib" ;;
	bind) "${dk[@]}" run --rm -v "$home/bench-bind:/d" benchvol-bb sh /dd.sh /d "$mib" ;;
	esac >>"$work/$1"
}
: >"$work/host" >"$work/vol" >"$work/bind"
for i in $(seq "$runs"); do
	case $((i % 3)) in
	0) one host; one vol; one bind ;;
	1) one vol; one bind; one host ;;
	2) one bind; one host; one vol ;;
	esac
done
col() { awk -v c="$2" '{print $c}' "$work/$1" | median; }
host="$(col host 1) $(col host 2)" vol="$(col vol 1) $(col vol 2)" bind="$(col bind 1) $(col bind 2)"

hw=$(mbps "${host% *}") hr=$(mbps "${host#* }" 5)
printf '%-14s %12s %8s %14s %8s\n' "target" "write MiB/s" "vs host" "read MiB/s" "vs host"
for row in "host:$host" "named volume:$vol" "bind mount:$bind"; do
	label=${row%%:*} v=${row#*:}
	w=$(mbps "${v% *}") r=$(mbps "${v#* }" 5)
	printf '%-14s %12s %7s%% %14s %7s%%\n' "$label" "$w" "$(awk -v a="$w" -v b="$hw" 'BEGIN{printf "%.0f", 100*a/b}')" \
		"$r (cached)" "$(awk -v a="$r" -v b="$hr" 'BEGIN{printf "%.0f", 100*a/b}')"
done
