// Package roleexe carries inside skiff a small binary of the container
// roles alone: shim, init and exec (cmd/skiff-roles). Those run once or for
// the whole life of every container, and as roles of the whole skiff
// binary each paid the engine's package start-up (several ms of CPU) and
// kept its package data (several MiB per shim); the small binary links
// only what they use.
//
// scripts/build.sh builds it into this directory and builds skiff with
// the skiff_roleexe tag; a plain `go build` embeds nothing and the roles
// run from skiff itself, which behaves the same. Either way the binary is
// executed from a sealed memfd (CVE-2019-5736).
package roleexe

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/rootless/memfd"
)

// highFd keeps the memfd above the fds a shim or exec role is started
// with, which fork places before it executes /proc/self/fd/<n>.
const highFd = 100

// Embedded reports whether this skiff carries the roles' binary.
func Embedded() bool { return len(binary) > 0 }

// Sealed returns a sealed, close-on-exec memfd holding the roles' binary,
// at fd 100 or above; nil when this skiff carries none.
func Sealed() (*os.File, error) {
	if !Embedded() {
		return nil, nil
	}
	mem, err := memfd.SealedEmbedded("skiff-roles", binary)
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	fd, err := unix.FcntlInt(mem.Fd(), unix.F_DUPFD_CLOEXEC, highFd)
	if err != nil {
		return nil, os.NewSyscallError("fcntl(F_DUPFD_CLOEXEC)", err)
	}
	return os.NewFile(uintptr(fd), "memfd:skiff-roles"), nil
}
