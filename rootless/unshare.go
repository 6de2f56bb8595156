package rootless

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// IsUnshare reports whether this process was started as "unshare":
// RootlessKit's child runs its own executable under that name to create the
// detached network namespace (`unshare -n mount --bind /proc/self/ns/net P`)
// instead of the host's unshare(1), which some AppArmor profiles forbid.
func IsUnshare() bool { return filepath.Base(os.Args[0]) == "unshare" }

// RunUnshare implements the subset of unshare(1) RootlessKit uses: an
// optional -n/--net, then the command to run in the new namespace.
func RunUnshare() error {
	args := os.Args[1:]
	var flags uintptr
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		switch args[0] {
		case "-n", "--net":
			flags |= syscall.CLONE_NEWNET
		default:
			return fmt.Errorf("unshare: unsupported option %q", args[0])
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return errors.New("unshare: no command specified")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: flags}
	return cmd.Run()
}
