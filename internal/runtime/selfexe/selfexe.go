// Package selfexe makes the sealed in-memory copy of this binary that
// container init is executed from. A container whose root could reach the
// binary through /proc/<init>/exe must not be able to overwrite it
// (CVE-2019-5736): a sealed memfd cannot be written by anyone.
package selfexe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// seals forbid every change to the copy, and any later change of the seals.
const seals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE

// Sealed returns a read-only, sealed memfd holding a copy of
// /proc/self/exe. It is close-on-exec; hand it to a child explicitly
// (exec.Cmd.ExtraFiles). Make it once per process: copying the binary
// costs tens of milliseconds.
func Sealed() (*os.File, error) { return SealedFrom("/proc/self/exe") }

// SealedFrom makes the sealed copy of another binary (for tests that run
// a built skiff from a test binary).
func SealedFrom(path string) (*os.File, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	mem, err := sealedCopy("skiff", src)
	if err != nil {
		return nil, fmt.Errorf("copying %s: %w", path, err)
	}
	return mem, nil
}

// SealedBytes makes a sealed memfd named name holding data (a binary
// skiff carries inside itself).
func SealedBytes(name string, data []byte) (*os.File, error) {
	return sealedCopy(name, bytes.NewReader(data))
}

func sealedCopy(name string, src io.Reader) (*os.File, error) {
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
	if _, err := unix.FcntlInt(mem.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		mem.Close()
		return nil, os.NewSyscallError("fcntl(F_ADD_SEALS)", err)
	}
	return mem, nil
}
