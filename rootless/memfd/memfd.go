// Package memfd makes sealed in-memory copies of programs to execute: the
// container roles' binary and the network helper that skiff carries
// inside itself, and skiff's own binary for container init. A sealed
// memfd cannot be written by anyone, so a container that reaches the
// program through /proc/<pid>/exe cannot overwrite it (CVE-2019-5736).
package memfd

import (
	"errors"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// Seals forbid every change to a copy, and any later change of the seals.
const Seals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE

// Sealed returns a read-only, sealed, close-on-exec memfd named name
// holding everything read from src.
func Sealed(name string, src io.Reader) (*os.File, error) {
	// MFD_EXEC: where vm.memfd_noexec asks for it (Linux 6.3+); older
	// kernels do not know the flag and refuse it.
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING|unix.MFD_EXEC)
	if errors.Is(err, unix.EINVAL) {
		fd, err = unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	}
	if err != nil {
		return nil, os.NewSyscallError("memfd_create", err)
	}
	mem := os.NewFile(uintptr(fd), "memfd:"+name)
	// os.File.ReadFrom uses copy_file_range/sendfile where it can.
	if _, err := io.Copy(mem, src); err != nil {
		mem.Close()
		return nil, err
	}
	if _, err := unix.FcntlInt(mem.Fd(), unix.F_ADD_SEALS, Seals); err != nil {
		mem.Close()
		return nil, os.NewSyscallError("fcntl(F_ADD_SEALS)", err)
	}
	return mem, nil
}

// SealedEmbedded is Sealed for a binary skiff carries inside itself (a
// go:embed string). Copying reads every page of it into this process;
// they are dropped again afterwards (dropEmbedded), or the copy would
// stay in this process's memory for good: 10 MiB in the daemon for the
// network helper.
func SealedEmbedded(name string, data string) (*os.File, error) {
	mem, err := Sealed(name, strings.NewReader(data))
	if err == nil {
		dropEmbedded(data)
	}
	return mem, err
}
