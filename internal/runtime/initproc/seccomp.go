package initproc

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/seccomp"
)

// seccompFuncs compiles and installs a container's seccomp profile: package
// internal/runtime/seccomp by default; tests swap in a stand-in filter.
type seccompFuncs struct {
	compile func(*specs.LinuxSeccomp) ([]unix.SockFilter, error)
	// install loads the filter on the calling thread with the given
	// SECCOMP_FILTER_FLAG_* flags; it needs no_new_privs or CAP_SYS_ADMIN.
	install func([]unix.SockFilter, uint) error
}

var seccompImpl = seccompFuncs{compile: seccomp.Compile, install: seccomp.Install}

// seccompFilter is a compiled profile and the flags (log, spec_allow, …)
// it asks seccomp(2) for.
type seccompFilter struct {
	prog  []unix.SockFilter
	flags uint
}

// compileSeccomp compiles the spec's profile; nil when there is none. A
// profile with no implementation wired in is an error: running a
// container without the filter it asked for would be silently unsafe.
func compileSeccomp(s *specs.LinuxSeccomp) (*seccompFilter, error) {
	if s == nil {
		return nil, nil
	}
	if seccompImpl.compile == nil || seccompImpl.install == nil {
		return nil, errors.New("seccomp profiles are not supported by this build")
	}
	flags, err := seccomp.Flags(s)
	if err != nil {
		return nil, err
	}
	prog, err := seccompImpl.compile(s)
	if err != nil {
		return nil, err
	}
	return &seccompFilter{prog: prog, flags: flags}, nil
}

func installSeccomp(f *seccompFilter) error {
	if f == nil {
		return nil
	}
	return seccompImpl.install(f.prog, f.flags)
}
