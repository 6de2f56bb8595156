package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Names of the sub-cgroups skiff makes under the engine's own cgroup.
const (
	engineLeaf = "engine" // the engine's processes move here
	parentName = "skiff"  // containers' cgroups live under here
)

// setupMu guards setupDone: the move of the engine into its leaf is done
// once per engine cgroup and process.
var (
	setupMu   sync.Mutex
	setupDone = map[string]bool{}
)

// Create makes the container's cgroup <engine cgroup>/skiff/<id>, applies
// res to it and returns its absolute path. It needs info.Delegated.
//
// cgroup v2 forbids processes in a cgroup whose subtree_control enables
// controllers (the no-internal-process rule), so the first call moves
// every process of the engine's cgroup into <engine cgroup>/engine.
func Create(info Info, id string, res *specs.LinuxResources) (string, error) {
	if !info.Delegated {
		return "", errdefs.ErrNotImplemented.WithMessage("cgroup control is not available: " + info.Reason)
	}
	if id == "" || strings.ContainsAny(id, "/.") {
		return "", errdefs.ErrInvalidArgument.WithMessage("invalid cgroup name " + strconv.Quote(id))
	}
	writes, err := settings(info, res)
	if err != nil {
		return "", err
	}
	parent, err := setupParent(info)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(parent, id)
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("creating cgroup: %w", err)
	}
	for _, s := range writes {
		if err := writeFile(dir, s.file, s.value); err != nil {
			_ = os.Remove(dir)
			return "", err
		}
	}
	return dir, nil
}

// setupParent prepares <engine cgroup>/skiff with the controllers enabled
// for its children, moving the engine into its leaf first.
func setupParent(info Info) (string, error) {
	setupMu.Lock()
	defer setupMu.Unlock()
	base := filepath.Join(Root, info.Path)
	parent := filepath.Join(base, parentName)
	if setupDone[base] {
		return parent, nil
	}
	ctrl := enableLine(info)
	leaf := filepath.Join(base, engineLeaf)
	if err := os.Mkdir(leaf, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("creating the engine's cgroup: %w", err)
	}
	if err := moveProcesses(base, leaf); err != nil {
		return "", err
	}
	if err := writeFile(base, "cgroup.subtree_control", ctrl); err != nil {
		return "", err
	}
	if err := os.Mkdir(parent, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("creating cgroup %s: %w", parent, err)
	}
	if err := writeFile(parent, "cgroup.subtree_control", ctrl); err != nil {
		return "", err
	}
	setupDone[base] = true
	return parent, nil
}

// enableLine is "+cpu +memory …" for the wanted controllers the engine has.
func enableLine(info Info) string {
	var parts []string
	for _, c := range []string{"cpu", "cpuset", "io", "memory", "pids"} {
		if info.Has(c) {
			parts = append(parts, "+"+c)
		}
	}
	return strings.Join(parts, " ")
}

// moveProcesses moves every process listed in from/cgroup.procs to to.
func moveProcesses(from, to string) error {
	b, err := os.ReadFile(filepath.Join(from, "cgroup.procs"))
	if err != nil {
		return fmt.Errorf("reading the engine's cgroup: %w", err)
	}
	for _, pid := range strings.Fields(string(b)) {
		// a process may have exited since the read: ESRCH is harmless
		if err := writeFile(to, "cgroup.procs", pid); err != nil && !errors.Is(err, unix.ESRCH) {
			return err
		}
	}
	return nil
}

// AddProcess moves pid into the cgroup at path.
func AddProcess(path string, pid int) error {
	return writeFile(path, "cgroup.procs", strconv.Itoa(pid))
}

// Freeze freezes (pause) or thaws (unpause) the cgroup at path and waits
// until the kernel reports the new state.
func Freeze(path string, frozen bool) error {
	want := uint64(0)
	if frozen {
		want = 1
	}
	if err := writeFile(path, "cgroup.freeze", strconv.FormatUint(want, 10)); err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(path, "cgroup.events"))
		if err != nil {
			return nil // no events file to confirm with (not a real cgroupfs)
		}
		if v, ok := parseFlatKeyed(string(b))["frozen"]; ok && v == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup %s: timed out waiting for frozen=%d", path, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Remove deletes the cgroup at path, killing what is left in it first.
// A cgroup that is already gone is not an error.
func Remove(path string) error {
	var err error
	for i := range 50 {
		err = unix.Rmdir(path)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			break
		}
		if i == 0 {
			// cgroup.kill (Linux 5.14+) SIGKILLs every process inside
			_ = writeFile(path, "cgroup.kill", "1")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("removing cgroup %s: %w", path, err)
}

// writeFile writes value to the interface file dir/name.
func writeFile(dir, name, value string) error {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("cgroup: %w", err)
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cgroup: writing %q to %s: %w", value, filepath.Join(dir, name), err)
	}
	return nil
}
