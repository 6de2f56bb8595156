// Package netns opens and runs code in network namespaces: the detached
// namespace where container networks live and each container's own.
package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// Open opens a network namespace file (a bind-mounted nsfs file or
// /proc/<pid>/ns/net).
func Open(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil || st.Type != unix.NSFS_MAGIC {
		f.Close()
		return nil, fmt.Errorf("%s is not a network namespace", path)
	}
	return f, nil
}

// OfPid opens a process's network namespace.
func OfPid(pid int) (*os.File, error) {
	return Open(fmt.Sprintf("/proc/%d/ns/net", pid))
}

// Ensure returns path when it is a network namespace, else makes a new
// namespace and binds it there. The engine's supervisor holds the mount
// namespace, so the namespace outlives an engine restart.
func Ensure(path string) error {
	if f, err := Open(path); err == nil {
		f.Close()
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		// The thread ends up in the new namespace: it is never unlocked,
		// so it exits with this goroutine instead of serving others.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("creating the networks' namespace: %w", err)
			return
		}
		src := fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid())
		if err := unix.Mount(src, path, "", unix.MS_BIND, ""); err != nil {
			errc <- fmt.Errorf("binding the networks' namespace to %s: %w", path, err)
			return
		}
		errc <- nil
	}()
	return <-errc
}

// Do runs fn on a thread that joined the namespace ns. The thread is
// thrown away afterwards when it cannot return to the original namespace.
func Do(ns *os.File, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("joining a network namespace: %w", err)
			return
		}
		ferr := fn()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err == nil {
			runtime.UnlockOSThread()
		}
		errc <- ferr
	}()
	return <-errc
}

// WriteSysctl sets a net.* sysctl of the namespace ns (procfs resolves
// /proc/sys/net by the opening thread's namespace).
func WriteSysctl(ns *os.File, key, value string) error {
	p := filepath.Join("/proc/sys", strings.ReplaceAll(key, ".", "/"))
	return Do(ns, func() error {
		err := os.WriteFile(p, []byte(value), 0o644)
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("sysctl %s does not exist", key)
		}
		return err
	})
}
