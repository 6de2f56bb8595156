package initproc

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestSeccompNotWired(t *testing.T) {
	saved := seccompImpl
	defer func() { seccompImpl = saved }()
	seccompImpl = seccompFuncs{}
	if f, err := compileSeccomp(nil); err != nil || f != nil {
		t.Errorf("no profile: %v, %v", f, err)
	}
	// A profile must never be dropped silently.
	if _, err := compileSeccomp(&specs.LinuxSeccomp{DefaultAction: specs.ActErrno}); err == nil {
		t.Error("a profile compiled with no seccomp implementation")
	}
}

func TestSeccompFlags(t *testing.T) {
	saved := seccompImpl
	defer func() { seccompImpl = saved }()
	seccompImpl = seccompFuncs{compile: testSeccompCompile, install: testSeccompInstall}
	f, err := compileSeccomp(&specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagSpecAllow}})
	if err != nil || f == nil || f.flags != unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW {
		t.Errorf("profile with flags: %+v, %v; want SECCOMP_FILTER_FLAG_SPEC_ALLOW", f, err)
	}
	if _, err := compileSeccomp(&specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Flags: []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_NOPE"}}); err == nil {
		t.Error("an unknown flag compiled")
	}
}
