package initproc

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/seccomp"
)

// Seccomp compiles and installs a container's seccomp profile: package
// internal/runtime/seccomp by default; tests swap in a stand-in filter.
type Seccomp struct {
	Compile func(*specs.LinuxSeccomp) ([]unix.SockFilter, error)
	// Install loads the filter on the calling thread; it needs
	// no_new_privs or CAP_SYS_ADMIN.
	Install func([]unix.SockFilter) error
}

var seccompImpl = Seccomp{Compile: seccomp.Compile, Install: seccomp.Install}

// SetSeccomp replaces the seccomp implementation init uses (tests).
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
