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
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/rootless/memfd"
)

// highFd keeps the memfd above the fds a shim or exec role is started
// with, which fork places before it executes /proc/self/fd/<n>.
const highFd = 100

// Embedded reports whether this skiff carries the roles' binary.
func Embedded() bool { return len(binary) > 0 }

// EnvFD names an fd on which a process inherits the sealed roles' binary
// from its parent: the supervisor runs from that memfd and hands it to
// each engine, so the supervisor and every shim share one copy's pages.
const EnvFD = "_SKIFF_ROLES_FD"

// Sealed returns a sealed, close-on-exec memfd holding the roles' binary,
// at fd 100 or above: the one inherited through EnvFD, or a new copy; nil
// when this skiff carries none.
func Sealed() (*os.File, error) {
	if !Embedded() {
		return nil, nil
	}
	mem, err := inherited()
	if mem == nil && err == nil {
		mem, err = memfd.SealedEmbedded("skiff-roles", binary)
	}
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

// inherited takes the memfd named by EnvFD out of the environment, when
// it is there and sealed against writes; nil otherwise.
func inherited() (*os.File, error) {
	fd, err := strconv.Atoi(os.Getenv(EnvFD))
	os.Unsetenv(EnvFD)
	if err != nil || fd < 3 {
		return nil, nil
	}
	seals, err := unix.FcntlInt(uintptr(fd), unix.F_GET_SEALS, 0)
	if err != nil || seals&memfd.Seals != memfd.Seals {
		unix.Close(fd)
		return nil, nil // not a sealed memfd: make a copy instead
	}
	return os.NewFile(uintptr(fd), "memfd:skiff-roles"), nil
}
