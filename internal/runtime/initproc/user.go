package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/sys/user"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// switchUser sets this thread's groups, gid and uid. The stdlib's
// syscall.Setresuid changes every thread of the process; these raw calls
// change only the locked init thread, the one that will execve.
func switchUser(u specs.User) error {
	gids := []int{int(u.GID)}
	for _, g := range u.AdditionalGids {
		if !slices.Contains(gids, int(g)) {
			gids = append(gids, int(g))
		}
	}
	if err := unix.Setgroups(gids); err != nil {
		// Rootless with a single mapped id: setgroups is denied or the
		// groups do not exist in the namespace. Docker rootless runs
		// without supplementary groups then; anything else is an error.
		refused := errors.Is(err, unix.EPERM) || errors.Is(err, unix.EINVAL)
		if !refused || (!setgroupsDenied() && gidsMapped(gids...)) {
			return fmt.Errorf("setgroups %v: %w", gids, err)
		}
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(u.GID), uintptr(u.GID), uintptr(u.GID)); e != 0 {
		return fmt.Errorf("setresgid %d: %w", u.GID, e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(u.UID), uintptr(u.UID), uintptr(u.UID)); e != 0 {
		return fmt.Errorf("setresuid %d: %w", u.UID, e)
	}
	return nil
}

// keepCaps sets PR_SET_KEEPCAPS, which keeps the permitted set across the
// uid change so that applyCaps can still grant the spec's caps to a
// non-root user.
func keepCaps(on bool) error {
	v := 0
	if on {
		v = 1
	}
	return os.NewSyscallError("prctl(PR_SET_KEEPCAPS)", unix.Prctl(unix.PR_SET_KEEPCAPS, uintptr(v), 0, 0, 0))
}

// makeCwd creates the working directory if missing, each new directory
// owned by the container's user, as Docker does at start.
func makeCwd(cwd string, uid, gid int) error {
	var missing []string
	for p := filepath.Clean(cwd); p != "/"; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil {
			break
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		missing = append(missing, p)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		if err := os.Lchown(missing[i], uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// withHome adds HOME from the user's passwd entry ("/" without one) when
// env has none.
func withHome(env []string, uid int) []string {
	if _, ok := envValue(env, "HOME"); ok {
		return env
	}
	home := "/"
	if u, err := user.LookupUid(uid); err == nil && u.Home != "" {
		home = u.Home
	}
	return append(slices.Clip(env), "HOME="+home)
}

// envValue returns the last value of key in env, as a shell would see it.
func envValue(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
