# Sourced by the bench scripts: pick the unprivileged user the engines run
# as. As root that is "skiff-bench" (created once, with subordinate ids);
# otherwise the invoking user. BENCH_USER picks another user, to keep
# runs apart. Sets uid, home, rt (its XDG_RUNTIME_DIR) and
# as, the command prefix that runs a command as that user, and writes
# podman's settings for a fair comparison: overlay storage (else it
# silently uses vfs) and runc (crun fails on hybrid-cgroup hosts).
if [ "$(id -u)" = 0 ]; then
	user=${BENCH_USER:-skiff-bench} # another user keeps parallel runs apart
	id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
	for f in /etc/subuid /etc/subgid; do grep -q "^$user:" "$f" || echo "$user:500000:65536" >>"$f"; done
	uid=$(id -u "$user")
	home=$(getent passwd "$user" | cut -d: -f6)
	mkdir -p "/run/user/$uid" && chown "$user:" "/run/user/$uid" && chmod 0700 "/run/user/$uid"
	as=(setpriv --reuid="$user" --regid="$user" --init-groups env -i HOME="$home" USER="$user"
		PATH=/usr/share/docker.io/contrib:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin XDG_RUNTIME_DIR="/run/user/$uid")
else
	uid=$(id -u)
	home=$HOME
	export PATH=/usr/share/docker.io/contrib:$PATH:/usr/sbin:/sbin
	as=(env)
fi
rt=/run/user/$uid
"${as[@]}" mkdir -p "$home/.config/containers"
"${as[@]}" sh -c "printf '[storage]\ndriver = \"overlay\"\n' > $home/.config/containers/storage.conf"
"${as[@]}" sh -c "printf '[engine]\nruntime = \"runc\"\n' > $home/.config/containers/containers.conf"
