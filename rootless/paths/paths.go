// Package paths resolves skiff's per-user (rootless) and system-wide (rootful)
// locations: the API socket, data root, config and state directories.
// It is pure: no engine imports, so both the CLI and the daemon use it.
package paths

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Rootful reports whether skiff runs with real root privileges (rootful mode).
func Rootful() bool { return os.Geteuid() == 0 && os.Getenv("_SKIFF_IN_USERNS") == "" }

// RuntimeDir is $XDG_RUNTIME_DIR/skiff (rootless) or /run/skiff (rootful).
// It does not check ownership; CheckRuntimeDir does.
func RuntimeDir() (string, error) {
	if Rootful() {
		return "/run/skiff", nil
	}
	x := os.Getenv("XDG_RUNTIME_DIR")
	if x == "" {
		return "", errors.New("XDG_RUNTIME_DIR is not set: log in through a session manager (systemd-logind: 'loginctl enable-linger $USER') or export XDG_RUNTIME_DIR=/run/user/$(id -u) pointing at a directory you own with mode 0700")
	}
	return filepath.Join(x, "skiff"), nil
}

// CheckRuntimeDir verifies that $XDG_RUNTIME_DIR exists and is owned by the
// calling user, as the XDG base directory specification requires.
func CheckRuntimeDir() error {
	if Rootful() {
		return nil
	}
	x := os.Getenv("XDG_RUNTIME_DIR")
	if x == "" {
		_, err := RuntimeDir()
		return err
	}
	st, err := os.Stat(x)
	if err != nil {
		return fmt.Errorf("XDG_RUNTIME_DIR=%s is not usable: %w", x, err)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Getuid() {
		return fmt.Errorf("XDG_RUNTIME_DIR=%s is owned by uid %d, not by you (uid %d): set XDG_RUNTIME_DIR to a directory you own (normally /run/user/%d)", x, sys.Uid, os.Getuid(), os.Getuid())
	}
	return nil
}

// Socket is the default API socket path.
func Socket() (string, error) {
	d, err := RuntimeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "skiff.sock"), nil
}

// DefaultHost is the default daemon address as a unix:// URL.
func DefaultHost() (string, error) {
	s, err := Socket()
	if err != nil {
		return "", err
	}
	return "unix://" + s, nil
}

// DataRoot is $XDG_DATA_HOME/skiff (~/.local/share/skiff) or /var/lib/skiff.
func DataRoot() (string, error) {
	if Rootful() {
		return "/var/lib/skiff", nil
	}
	return xdg("XDG_DATA_HOME", ".local/share")
}

// ConfigDir is $XDG_CONFIG_HOME/skiff (~/.config/skiff) or /etc/skiff.
func ConfigDir() (string, error) {
	if Rootful() {
		return "/etc/skiff", nil
	}
	return xdg("XDG_CONFIG_HOME", ".config")
}

// DaemonConfig is the path of daemon.json.
func DaemonConfig() (string, error) {
	d, err := ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "daemon.json"), nil
}

// StateDir is $XDG_STATE_HOME/skiff (~/.local/state/skiff) or /var/log/skiff;
// it holds the log of a daemon that the CLI started.
func StateDir() (string, error) {
	if Rootful() {
		return "/var/log/skiff", nil
	}
	return xdg("XDG_STATE_HOME", ".local/state")
}

func xdg(env, fallback string) (string, error) {
	if v := os.Getenv(env); v != "" && filepath.IsAbs(v) {
		return filepath.Join(v, "skiff"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot locate %s: neither $%s nor $HOME is set", fallback, env)
	}
	return filepath.Join(home, fallback, "skiff"), nil
}
