#!/usr/bin/env bash
# Installs skiff's systemd user units for the invoking user and enables
# socket activation: the daemon starts on the first API connection.
# Usage: scripts/install-units.sh [path/to/skiff]   (default: ./skiff)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(readlink -f "${1:-$here/../skiff}")
[ -x "$bin" ] || { echo "no skiff binary at $bin: run scripts/build.sh first" >&2; exit 1; }
[ "$(id -u)" != 0 ] || { echo "run this as the user who will use skiff, not as root" >&2; exit 1; }
units=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
mkdir -p "$units" "$HOME/.local/bin"
install -m 0755 "$bin" "$HOME/.local/bin/skiff"
install -m 0644 "$here/systemd/skiff.socket" "$here/systemd/skiff.service" "$units/"
systemctl --user daemon-reload
systemctl --user enable --now skiff.socket
echo "skiff.socket is listening at ${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/skiff/skiff.sock"
echo "use it with: export DOCKER_HOST=unix://${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/skiff/skiff.sock"
echo "to keep it running after logout: loginctl enable-linger $USER"
