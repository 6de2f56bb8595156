# Sourced by the side-by-side bench scripts (bench.sh, bench-exec.sh,
# bench-streams.sh) once they have made $work: the skiff binary in
# $work/skiff (SKIFF_BIN, or scripts/build.sh), the bench user (user.sh),
# a cleanup that stops only the engines started here, the tool checks,
# and helpers to make the shared busybox rootfs and start the engines.

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

# bench_rootfs APPLET...: $work/rootfs, the same busybox rootfs for all
# three engines (the caller may add files, then tar it).
bench_rootfs() {
	mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
	cp /bin/busybox "$work/rootfs/bin/"
	for a in "$@"; do ln -sf busybox "$work/rootfs/bin/$a"; done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$work/rootfs/etc/passwd"
	echo 'root:x:0:' >"$work/rootfs/etc/group"
}

# bench_start_engines: skiff, rootless dockerd and podman's API service as
# the bench user, each in a session of its own; sets sock[name].
bench_start_engines() {
	"${as[@]}" setsid "$work/skiff" daemon >"$work/skiff.log" 2>&1 &
	pids+=($!)
	"${as[@]}" setsid dockerd-rootless.sh >"$work/dockerd.log" 2>&1 &
	pids+=($!)
	"${as[@]}" setsid podman system service --time=0 >"$work/podman.log" 2>&1 &
	pids+=($!)
	declare -gA sock=([skiff]="$rt/skiff/skiff.sock" [dockerd]="$rt/docker.sock" [podman]="$rt/podman/podman.sock")
}

# bench_import NAME IMAGE: wait for engine NAME to answer, then import
# $work/rootfs.tar into it as IMAGE.
bench_import() {
	for _ in $(seq 300); do curl -sf --unix-socket "${sock[$1]}" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
	"${as[@]}" docker -H "unix://${sock[$1]}" import "$work/rootfs.tar" "$2" >/dev/null
}
