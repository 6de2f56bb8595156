#!/usr/bin/env bash
# Side-by-side pull benchmark, run by hand (never in CI): a ~200 MB image
# from a registry on 127.0.0.1, pulled by skiff (through the docker CLI),
# by `podman pull` and by `skopeo copy` to a plain directory, in one
# hyperfine run. Also times `docker images` against skiff with 200 images.
# As root it runs the engines as the unprivileged user "skiff-bench".
# Needs: go, hyperfine, uidmap, podman, runc, skopeo, docker-registry, docker CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
size_mb=${SIZE_MB:-200}
work=$(mktemp -d /tmp/skiff-benchpull.XXXXXX)
chmod 0755 "$work"
cleanup() { pkill -f "docker-registry serve $work" || true; pkill -TERM -u "${uid:-0}" -f 'skiff daemon' || true; rm -rf "$work"; }
trap cleanup EXIT
bash scripts/build.sh "$work/skiff" 2>/dev/null

[ "$(id -u)" = 0 ] || { echo "run as root (it creates the bench user and the registry)" >&2; exit 1; }
. scripts/bench/user.sh

port=$((20000 + RANDOM % 20000))
cat >"$work/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
img=127.0.0.1:$port/bench/big:1

echo "== building a ${size_mb} MB single-layer image (random data) and pushing it to $img"
mkdir -p "$work/rootfs/data"
head -c $((size_mb * 1024 * 1024)) /dev/urandom >"$work/rootfs/data/blob"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
p=(podman --root "$work/podman-root" --runroot "$work/podman-run" --storage-driver vfs)
"${p[@]}" import "$work/rootfs.tar" bench-big:1 >/dev/null
"${p[@]}" push --tls-verify=false bench-big:1 "docker://$img" >/dev/null

echo "== starting skiff"
"${as[@]}" setsid "$work/skiff" daemon >"$work/skiff.log" 2>&1 &
for _ in $(seq 100); do curl -sf --unix-socket "$rt/skiff/skiff.sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
export DOCKER_HOST=unix://$rt/skiff/skiff.sock

echo "== pull of $img ($runs runs each)"
hyperfine --runs "$runs" \
	-n "skiff (docker pull)" --prepare "docker rmi -f $img >/dev/null 2>&1 || true" "docker pull -q $img" \
	-n "podman pull" --prepare "${as[*]} podman rmi -f $img >/dev/null 2>&1 || true" "${as[*]} podman pull -q --tls-verify=false $img" \
	-n "skopeo copy to dir" --prepare "rm -rf $work/skopeo-dir" "skopeo copy -q --src-tls-verify=false docker://$img dir:$work/skopeo-dir"

echo "== docker images with 200 distinct images (docker import of tiny tarballs)"
for i in $(seq 200); do
	mkdir -p "$work/tiny/$i" && echo "$i" >"$work/tiny/$i/id"
	tar -C "$work/tiny/$i" -c . | docker import - "bench/tiny$i:1" >/dev/null
done
hyperfine -N --warmup 3 --runs 30 "docker images"
