package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Probes that need a fresh user or mount namespace run in a child process:
// unshare(CLONE_NEWUSER) is refused to a multi-threaded process, and every
// Go process is one. The child is this binary again (/proc/self/exe, so it
// works whatever main does), told by probeEnv what to do; init below runs
// the probe before main and exits.
const (
	probeEnv    = "_SKIFF_CHECK_PROBE"
	probeDirEnv = "_SKIFF_CHECK_PROBE_DIR"

	probeUserns  = "userns"
	probeOverlay = "overlay"
	// asUserPrefix: root runs the probe for another user, so the namespaces
	// are created by that user and meet the same restrictions.
	asUserPrefix = "as-user:"
)

func init() {
	if mode := os.Getenv(probeEnv); mode != "" {
		os.Exit(runProbe(mode, os.Getenv(probeDirEnv)))
	}
}

// runProbe is the child side; it reports errors on stderr and by exit code.
func runProbe(mode, dir string) int {
	var err error
	switch {
	case mode == probeUserns:
		// Being here is the test: the clone with CLONE_NEWUSER succeeded.
	case mode == probeOverlay:
		var how string
		how, err = mountOverlay(dir)
		fmt.Print(how)
	case strings.HasPrefix(mode, asUserPrefix):
		var out string
		out, err = spawn(strings.TrimPrefix(mode, asUserPrefix), dir, nil)
		fmt.Print(out)
	default:
		err = fmt.Errorf("unknown probe %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// probeUser names whom to run a namespace probe as when the caller is root
// checking another user; nil means the calling user.
type probeUser struct {
	uid, gid uint32
	groups   []uint32
}

// spawn runs probe mode in a child. Modes other than userns run in a new
// mount namespace too; as non-root they run in a new user namespace that
// maps the caller to root, as skiff's single-id fallback does.
func spawn(mode, dir string, as *probeUser) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/proc/self/exe")
	cmd.Env = []string{probeEnv + "=" + mode, probeDirEnv + "=" + dir, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	switch {
	case as != nil:
		cmd.Env[0] = probeEnv + "=" + asUserPrefix + mode
		attr.Credential = &syscall.Credential{Uid: as.uid, Gid: as.gid, Groups: as.groups}
	case os.Geteuid() != 0 || mode == probeUserns:
		attr.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		// An unprivileged process may only map its gid after denying setgroups.
		attr.GidMappingsEnableSetgroups = false
	default:
		attr.Cloneflags = syscall.CLONE_NEWNS // rootful: overlay in a private mount namespace
	}
	cmd.SysProcAttr = attr
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return stdout.String(), errors.New(msg)
		}
		return stdout.String(), err
	}
	return stdout.String(), nil
}

// mountOverlay mounts overlayfs on fresh directories under dir and writes
// through it, then cleans up. It returns the mount options that worked.
func mountOverlay(dir string) (string, error) {
	// Keep our mounts out of the parent namespace whatever its propagation.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return "", fmt.Errorf("making mounts private: %w", err)
	}
	if dir == "" {
		dir = os.TempDir()
	}
	tmp, err := os.MkdirTemp(dir, "skiff-check-overlay-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	d := func(n string) string { return filepath.Join(tmp, n) }
	for _, n := range []string{"lower", "upper", "work", "merged"} {
		if err := os.Mkdir(d(n), 0o700); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(d("lower"), "f"), []byte("x"), 0o600); err != nil {
		return "", err
	}
	base := "lowerdir=" + d("lower") + ",upperdir=" + d("upper") + ",workdir=" + d("work")
	// userxattr (5.11+) stores overlay metadata in user.* xattrs, which is
	// what an unprivileged mount needs; older kernels reject the option.
	order := []string{base + ",userxattr", base}
	if initialUserns() {
		// Rootful: trusted.* xattrs, as the storage driver will use.
		order = []string{base, base + ",userxattr"}
	}
	var used string
	var mountErr error
	for _, opts := range order {
		if mountErr = unix.Mount("overlay", d("merged"), "overlay", 0, opts); mountErr == nil {
			used = strings.TrimPrefix(opts, base+",")
			if used == opts {
				used = ""
			}
			break
		}
	}
	if mountErr != nil {
		return "", fmt.Errorf("mount -t overlay: %w", mountErr)
	}
	defer unix.Unmount(d("merged"), unix.MNT_DETACH)
	// Copy-up and whiteouts are where unprivileged overlay used to fail.
	if err := os.WriteFile(filepath.Join(d("merged"), "f"), []byte("y"), 0o600); err != nil {
		return used, fmt.Errorf("copy-up through overlay: %w", err)
	}
	if err := os.Remove(filepath.Join(d("merged"), "f")); err != nil {
		return used, fmt.Errorf("whiteout through overlay: %w", err)
	}
	return used, nil
}

// initialUserns reports whether this process is in the host's user
// namespace, whose uid_map is the identity over all ids.
func initialUserns() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	return err == nil && strings.Join(strings.Fields(string(b)), " ") == "0 0 4294967295"
}
