package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/rootless/paths"
)

// unshareCmd is `skiff unshare`, as `podman unshare`: it runs a command
// as root in the daemon's user and mount namespaces, where the files that
// containers wrote under subordinate ids can be read, chowned or deleted.
type unshareCmd struct {
	Command []string `arg:"" optional:"" passthrough:"" name:"command" help:"Command and arguments (default: $SHELL)."`
}

// Run replaces skiff with nsenter(1) joining the daemon's namespaces: a Go
// program has threads, and the kernel lets only a single-threaded process
// join a user namespace.
func (c *unshareCmd) Run(a *app) error {
	argv := c.Command
	if len(argv) == 0 {
		sh := os.Getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		argv = []string{sh}
	}
	if paths.Rootful() {
		return statusError{Code: 125, Msg: "skiff unshare is for rootless skiff: as root, files of containers already belong to you"}
	}
	pid, err := namespaceHolder()
	if err != nil {
		return statusError{Code: 125, Msg: err.Error()}
	}
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return statusError{Code: 125, Msg: "skiff unshare needs nsenter(1), which is not installed: install util-linux (apt-get install util-linux, dnf install util-linux-core)"}
	}
	args := []string{"nsenter", "--target", strconv.Itoa(pid), "--user", "--mount"}
	if wd, err := os.Getwd(); err == nil {
		args = append(args, "--wd="+wd)
	}
	args = append(args, "--")
	args = append(args, argv...)
	env := append(os.Environ(), "SKIFF_UNSHARE=1")
	if err := syscall.Exec(nsenter, args, env); err != nil {
		return statusError{Code: 126, Msg: fmt.Sprintf("running nsenter: %v", err)}
	}
	return nil
}

// namespaceHolder finds a process of the running daemon inside its user
// namespace: RootlessKit's child (its pid in the state directory), else the
// process that listens on the default API socket (the daemon's supervisor
// with the single-id mapping).
func namespaceHolder() (int, error) {
	runDir, err := paths.RuntimeDir()
	if err != nil {
		return 0, err
	}
	var candidates []int
	if b, err := os.ReadFile(filepath.Join(runDir, "rootlesskit", "child_pid")); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			candidates = append(candidates, pid)
		}
	}
	sock, err := paths.Socket()
	if err != nil {
		return 0, err
	}
	if pid, err := socketPeer(sock); err == nil {
		candidates = append(candidates, pid)
	}
	self, _ := os.Readlink("/proc/self/ns/user")
	for _, pid := range candidates {
		ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", pid))
		if err == nil && ns != self {
			return pid, nil
		}
	}
	return 0, errors.New("no running skiff daemon found (its namespaces are entered through " + sock + "): start it with 'skiff daemon' first")
}

// socketPeer returns the pid that listens on the unix socket path.
func socketPeer(path string) (int, error) {
	conn, err := net.Dial("unix", path)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	raw, err := conn.(*net.UnixConn).SyscallConn()
	if err != nil {
		return 0, err
	}
	var cred *unix.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return 0, err
	}
	if credErr != nil {
		return 0, credErr
	}
	return int(cred.Pid), nil
}
