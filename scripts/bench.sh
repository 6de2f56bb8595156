#!/usr/bin/env bash
# Side-by-side container benchmark, run by hand (never in CI): skiff vs
# rootless podman (runc, overlay) vs rootless dockerd, all driven by the
# docker CLI through their sockets (podman also through its own CLI), with
# the same busybox rootfs imported into each:
#   1. `run --rm bb true` latency (hyperfine);
#   2. 20 concurrent `run -d bb sleep 600` (hyperfine, containers removed
#      between runs);
#   3. memory per running container (PSS of shims/conmon and helpers, with
#      20 running, divided by 20) and daemon PSS with 100 running.
# As root it runs everything as the unprivileged user "skiff-bench" (or
# $BENCH_USER); SKIFF_BIN skips the build (scripts/build.sh embeds the
# small roles' binary; a plain go build does not).
# Needs: go, hyperfine, uidmap, busybox-static, docker.io
# (dockerd-rootless.sh), rootlesskit, slirp4netns, podman, runc:
#   apt-get install hyperfine uidmap busybox-static docker.io rootlesskit slirp4netns podman runc
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-30}
work=$(mktemp -d /tmp/skiff-bench.XXXXXX)
chmod 0755 "$work"

. scripts/bench/engines.sh

bench_rootfs sh true sleep echo
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
chmod 0644 "$work/rootfs.tar"
bench_start_engines
for n in skiff dockerd podman; do bench_import "$n" bb; done

echo "== run --rm bb true ($runs runs each)"
hyperfine -N --warmup 3 --runs "$runs" \
	-n skiff "${as[*]} docker -H unix://${sock[skiff]} run --rm bb true" \
	-n podman-docker-cli "${as[*]} docker -H unix://${sock[podman]} run --rm bb true" \
	-n podman-cli "${as[*]} podman run --rm bb true" \
	-n dockerd "${as[*]} docker -H unix://${sock[dockerd]} run --rm bb true"

echo
echo "== 20 concurrent run -d bb sleep 600"
for n in skiff podman dockerd; do
	cat >"$work/par-$n.sh" <<EOF
for i in \$(seq 20); do docker -H unix://${sock[$n]} run -d bb sleep 600 >/dev/null & done
wait
EOF
	cat >"$work/clean-$n.sh" <<EOF
ids=\$(docker -H unix://${sock[$n]} ps -aq); [ -z "\$ids" ] || docker -H unix://${sock[$n]} rm -f \$ids >/dev/null
EOF
done
hyperfine --warmup 1 --runs "${RUNS_PAR:-5}" \
	--prepare "${as[*]} sh $work/clean-skiff.sh" -n skiff "${as[*]} sh $work/par-skiff.sh" \
	--prepare "${as[*]} sh $work/clean-podman.sh" -n podman "${as[*]} sh $work/par-podman.sh" \
	--prepare "${as[*]} sh $work/clean-dockerd.sh" -n dockerd "${as[*]} sh $work/par-dockerd.sh"

# pss_of PATTERN: total PSS (KiB) of the bench user's processes whose
# command line matches PATTERN (other users' engines are not counted).
pss_of() {
	local total=0 pid kb
	for pid in $(pgrep -u "$uid" -f "$1" 2>/dev/null); do
		kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
		total=$((total + ${kb:-0}))
	done
	echo "$total"
}
# pss_env VAR=VALUE: total PSS (KiB) of the bench user's processes with
# that environment entry.
pss_env() {
	local total=0 pid kb
	for pid in $(pgrep -u "$uid"); do
		{ tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qx "$1" || continue
		kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
		total=$((total + ${kb:-0}))
	done
	echo "$total"
}

echo
echo "== memory: 20 running containers each"
for n in skiff podman dockerd; do "${as[@]}" sh "$work/clean-$n.sh"; "${as[@]}" sh "$work/par-$n.sh"; done
sleep 2
shim_skiff=$(pss_env _SKIFF_ROLE=shim)
shim_podman=$(pss_of 'conmon')
shim_dockerd=$(pss_of 'containerd-shim')
printf '%-8s per-container PSS (shim and helpers): %6d KiB\n' skiff $((shim_skiff / 20)) podman $((shim_podman / 20)) dockerd $((shim_dockerd / 20))
for n in skiff podman dockerd; do "${as[@]}" sh "$work/clean-$n.sh"; done

echo
echo "== daemon PSS: skiff with 0 and 100 running containers, dockerd idle"
# The whole daemon: every process under the host-side `skiff daemon` (the
# RootlessKit parent with the user-mode network stack, its child, the
# supervisor, the engine, a parked exec role), not the shims and what runs
# under them. For dockerd the same: everything under dockerd-rootless.sh
# (RootlessKit, its child, slirp4netns, dockerd, containerd) but the
# containerd shims. One line per process, then the sums.
# tree PID: "pid name pss" for PID and its descendants, shims excluded.
tree() {
	local pid=$1 kb name child
	if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qx _SKIFF_ROLE=shim; then
		return
	fi
	name=$(cat "/proc/$pid/comm" 2>/dev/null) || return
	case $name in containerd-shim*) return ;; esac
	role=$({ tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | sed -n 's/^_SKIFF_ROLE=//p' | head -1)
	kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
	echo "$pid ${role:-$name}:$(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-40 | tr ' ' '_') ${kb:-0}"
	for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
		tree "$child"
	done
}
# report LABEL ROOTPID...: the breakdown and the total in KiB.
report() {
	local label=$1 pid
	shift
	for pid in "$@"; do tree "$pid"; done | awk -v l="$label" '
		{ printf "    %-8s %-56s %7d KiB\n", $1, $2, $3; t += $3 }
		$2 ~ /^supervisor:|engine/ { d += $3 }
		$2 ~ /^(dockerd|containerd):/ { d += $3 }
		END { printf "  %s: whole tree %d KiB; the daemon proper (skiff: supervisor + engine; docker: dockerd + containerd) %d KiB\n", l, t, d }'
}
# (Only the host-side process runs as "$work/skiff daemon": its
# descendants re-exec /proc/self/exe or run from memfds.)
skiff_root() { pgrep -u "$uid" -f "$work/skiff daemon" 2>/dev/null; }
sleep 4 # the engine trims its heap 2 s after the API went quiet
report "skiff idle (after the runs above)" $(skiff_root)
for i in $(seq 100); do "${as[@]}" docker -H "unix://${sock[skiff]}" run -d bb sleep 600 >/dev/null; done
sleep 4 # the engine trims its heap 2 s after the API went quiet
report "skiff, 100 running (shims: $(pss_env _SKIFF_ROLE=shim) KiB in total)" $(skiff_root)
report "dockerd idle" "${pids[1]}"
"${as[@]}" sh "$work/clean-skiff.sh"
