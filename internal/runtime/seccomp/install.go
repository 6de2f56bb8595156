package seccomp

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Install loads filter on the calling OS thread with
// seccomp(SECCOMP_SET_MODE_FILTER) and the SECCOMP_FILTER_FLAG_* flags the
// profile asked for (see Flags). The caller must have locked the goroutine to
// its thread and either set no_new_privs or hold CAP_SYS_ADMIN; the filter
// passes to children and survives execve, so the init calls it last.
func Install(filter []unix.SockFilter, flags uint) error {
	if len(filter) == 0 || len(filter) > maxInsns {
		return fmt.Errorf("seccomp filter of %d instructions", len(filter))
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(flags), uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(filter)
	if errno != 0 {
		return os.NewSyscallError("seccomp(SECCOMP_SET_MODE_FILTER)", errno)
	}
	return nil
}

var flagBits = map[specs.LinuxSeccompFlag]uint{
	specs.LinuxSeccompFlagLog:       unix.SECCOMP_FILTER_FLAG_LOG,
	specs.LinuxSeccompFlagSpecAllow: unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	// Only for a notify listener, which skiff never sets up (SCMP_ACT_NOTIFY
	// is refused): accepted, and not passed on, as the kernel refuses it
	// without SECCOMP_FILTER_FLAG_NEW_LISTENER.
	specs.LinuxSeccompFlagWaitKillableRecv: 0,
}

// Flags returns the seccomp(2) flags a profile asks for.
func Flags(s *specs.LinuxSeccomp) (uint, error) {
	if s == nil {
		return 0, nil
	}
	var bits uint
	for _, f := range s.Flags {
		b, ok := flagBits[f]
		if !ok {
			return 0, invalid(fmt.Sprintf("unknown seccomp flag %q", f))
		}
		bits |= b
	}
	return bits, nil
}
