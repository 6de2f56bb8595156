package initproc

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Seccomp compiles and installs a container's seccomp profile. Package
// internal/runtime/seccomp provides it; SetSeccomp wires it in (main or an
// init func), which keeps initproc buildable before that package exists.
type Seccomp struct {
	Compile func(*specs.LinuxSeccomp) ([]unix.SockFilter, error)
	// Install loads the filter on the calling thread; it needs
	// no_new_privs or CAP_SYS_ADMIN.
	Install func([]unix.SockFilter) error
}

var seccompImpl Seccomp

// SetSeccomp sets the seccomp implementation init uses.
func SetSeccomp(s Seccomp) { seccompImpl = s }

// compileSeccomp compiles the spec's profile; nil when there is none. A
// profile with no implementation wired in is an error: running a
// container without the filter it asked for would be silently unsafe.
func compileSeccomp(s *specs.LinuxSeccomp) ([]unix.SockFilter, error) {
	if s == nil {
		return nil, nil
	}
	if seccompImpl.Compile == nil || seccompImpl.Install == nil {
		return nil, errors.New("seccomp profiles are not supported by this build")
	}
	return seccompImpl.Compile(s)
}

func installSeccomp(filter []unix.SockFilter) error {
	if filter == nil {
		return nil
	}
	return seccompImpl.Install(filter)
}
