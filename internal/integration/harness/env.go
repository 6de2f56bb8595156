package harness

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Env is one fresh set of per-user directories for a daemon: HOME and the
// four XDG base directories, owned by the user the daemon runs as, under a
// temporary base that teardown checks for leftover mounts and removes.
type Env struct {
	User *User
	// Base holds everything below; Home, RuntimeDir, DataHome, ConfigHome
	// and StateHome are the daemon's HOME and XDG_* values.
	Base                                              string
	Home, RuntimeDir, DataHome, ConfigHome, StateHome string
	// Marker is an environment variable (KEY=VALUE) set in every process
	// started from this Env, to find leftovers that changed process group.
	Marker string
}

// NewEnv creates the directories; t.Cleanup removes them (as root, since
// files made in the user namespace may belong to subordinate ids) after
// checking that nothing is mounted below them.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	u := TestUser(t)
	base, err := os.MkdirTemp(tempBase(), "skiff-it-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(base, 0o711); err != nil {
		t.Fatal(err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	e := &Env{
		User:       u,
		Base:       base,
		Home:       filepath.Join(base, "home"),
		RuntimeDir: filepath.Join(base, "run"),
		Marker:     "SKIFF_TEST_INSTANCE=" + hex.EncodeToString(rnd[:]),
	}
	e.DataHome = filepath.Join(e.Home, ".local", "share")
	e.ConfigHome = filepath.Join(e.Home, ".config")
	e.StateHome = filepath.Join(e.Home, ".local", "state")
	t.Cleanup(func() { e.remove(t) })
	for _, d := range []string{e.Home, e.RuntimeDir, e.DataHome, e.ConfigHome, e.StateHome} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	e.chownTree(t, e.Home)
	e.chownTree(t, e.RuntimeDir)
	return e
}

// chownTree gives the directories the env created below dir to the user.
func (e *Env) chownTree(t testing.TB, dir string) {
	t.Helper()
	if !e.User.Switch {
		return
	}
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, e.User.UID, e.User.GID)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// WriteFile writes a file below the env (creating parents) owned by the user.
func (e *Env) WriteFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if rel, err := filepath.Rel(e.Base, path); err == nil && !strings.HasPrefix(rel, "..") {
		top := filepath.Join(e.Base, strings.Split(rel, string(filepath.Separator))[0])
		e.chownTree(t, top)
	}
}

// DaemonConfigPath is where a rootless daemon reads daemon.json.
func (e *Env) DaemonConfigPath() string {
	return filepath.Join(e.ConfigHome, "skiff", "daemon.json")
}

// DefaultSocket is the rootless API socket of a daemon started from e.
func (e *Env) DefaultSocket() string {
	return filepath.Join(e.RuntimeDir, "skiff", "skiff.sock")
}

// Environ is the environment of a process run as the user: a minimal PATH,
// HOME, USER, the XDG directories and the marker; extra overrides, and
// "KEY" alone (no '=') in unset removes a variable.
func (e *Env) Environ(extra []string, unset []string) []string {
	env := map[string]string{
		"PATH":            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME":            e.Home,
		"USER":            e.User.Name,
		"LOGNAME":         e.User.Name,
		"XDG_RUNTIME_DIR": e.RuntimeDir,
		"XDG_DATA_HOME":   e.DataHome,
		"XDG_CONFIG_HOME": e.ConfigHome,
		"XDG_STATE_HOME":  e.StateHome,
		"LANG":            "C.UTF-8",
	}
	k, v, _ := strings.Cut(e.Marker, "=")
	env[k] = v
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	for _, k := range unset {
		delete(env, k)
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// Command is an exec.Cmd that runs as the env's user in its own process
// group, killed if the test process dies.
func (e *Env) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = e.Home
	cmd.Env = e.Environ(nil, nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if e.User.Switch {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(e.User.UID), Gid: uint32(e.User.GID), Groups: []uint32{}}
	}
	return cmd
}

func (e *Env) remove(t testing.TB) {
	t.Helper()
	if mounts := mountsUnder(e.Base); len(mounts) > 0 {
		t.Errorf("mounts left behind under %s:\n  %s", e.Base, strings.Join(mounts, "\n  "))
		for i := len(mounts) - 1; i >= 0; i-- {
			_ = syscall.Unmount(mounts[i], syscall.MNT_DETACH)
		}
	}
	if err := removeAll(e.Base); err != nil {
		t.Errorf("removing %s: %v", e.Base, err)
	}
}

// removeAll is os.RemoveAll that first makes read-only directories writable
// (image layers often have them).
func removeAll(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	err := os.RemoveAll(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w", err)
	}
	return nil
}
