#!/usr/bin/env bash
# skiff's main job on a fresh machine: build the static binary, start the
# rootless daemon as an unprivileged user, and talk to it with skiff and
# (when installed) the docker CLI. The daemon keeps running afterwards.
#
# Run it as your own user. Run as root, it sets up (once) an unprivileged
# user "skiff-quickstart" with subordinate ids and runs the daemon as that
# user, because the point of skiff is not to need root.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

say() { printf '\n==> %s\n' "$*" >&2; }

say "building skiff"
bash scripts/build.sh ./skiff

run_as=()
if [ "$(id -u)" = 0 ]; then
	user=${SUDO_USER:-skiff-quickstart}
	if ! command -v newuidmap >/dev/null; then
		say "installing uidmap (newuidmap/newgidmap) for a full id mapping"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq uidmap >/dev/null
	fi
	if ! id "$user" >/dev/null 2>&1; then
		say "creating the unprivileged user $user"
		useradd -m -s /bin/bash "$user"
	fi
	for f in /etc/subuid /etc/subgid; do
		grep -q "^$user:" "$f" || echo "$user:400000:65536" >>"$f"
	done
	uid=$(id -u "$user")
	mkdir -p "/run/user/$uid" && chown "$user:" "/run/user/$uid" && chmod 0700 "/run/user/$uid"
	bin=/usr/local/bin/skiff
	install -m 0755 ./skiff "$bin"
	home=$(getent passwd "$user" | cut -d: -f6)
	run_as=(setpriv --reuid="$user" --regid="$user" --init-groups
		env -i HOME="$home" USER="$user" PATH=/usr/local/bin:/usr/bin:/bin
		XDG_RUNTIME_DIR="/run/user/$uid")
else
	uid=$(id -u)
	bin=$(pwd)/skiff
	export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/run/user/$uid}
fi
sock=/run/user/$uid/skiff/skiff.sock
[ "$(id -u)" = 0 ] || sock=$XDG_RUNTIME_DIR/skiff/skiff.sock

say "checking the host (skiff check)"
"${run_as[@]}" "$bin" check || true

if "${run_as[@]}" env SKIFF_NO_AUTOSTART=1 "$bin" version >/dev/null 2>&1; then
	say "a skiff daemon already answers at $sock"
else
	say "starting the rootless daemon (log: /tmp/skiff-quickstart-$uid.log)"
	"${run_as[@]}" setsid "$bin" daemon </dev/null >"/tmp/skiff-quickstart-$uid.log" 2>&1 &
	for _ in $(seq 100); do
		"${run_as[@]}" env SKIFF_NO_AUTOSTART=1 "$bin" version >/dev/null 2>&1 && break
		sleep 0.1
	done
fi

say "skiff version"
"${run_as[@]}" "$bin" version
say "skiff info"
"${run_as[@]}" "$bin" info
if [ ! -x /bin/busybox ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	say "installing busybox-static (the local material for the first image)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null || true
fi
if [ ! -x /bin/busybox ]; then
	say "no /bin/busybox: install busybox-static (apt-get install busybox-static) for a local image to run"
	exit 1
fi
say "making a busybox image from local material (skiff import of /bin/busybox)"
root=$(mktemp -d)
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root"
cp /bin/busybox "$root/bin/busybox"
for c in $(/bin/busybox --list); do [ "$c" = busybox ] || ln -s busybox "$root/bin/$c"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
tar -C "$root" -c . | "${run_as[@]}" "$bin" import --change 'CMD ["sh"]' - quickstart/busybox:latest >/dev/null
rm -rf "$root"
"${run_as[@]}" "$bin" images quickstart/busybox
say "running a container: skiff run --rm quickstart/busybox echo hello from skiff"
"${run_as[@]}" "$bin" run --rm quickstart/busybox echo hello from skiff
if command -v docker >/dev/null; then
	say "the docker CLI against skiff: DOCKER_HOST=unix://$sock docker version"
	DOCKER_HOST=unix://$sock docker version
fi

cat >&2 <<MSG

skiff is running rootless at unix://$sock
  use it:   export DOCKER_HOST=unix://$sock   (docker, docker compose, docker-py)
  stop it:  pkill -TERM -u $uid -f 'skiff daemon'
MSG
