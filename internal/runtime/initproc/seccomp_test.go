package initproc

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestSeccompNotWired(t *testing.T) {
	saved := seccompImpl
	defer func() { seccompImpl = saved }()
	seccompImpl = Seccomp{}
	if f, err := compileSeccomp(nil); err != nil || f != nil {
		t.Errorf("no profile: %v, %v", f, err)
	}
	// A profile must never be dropped silently.
	if _, err := compileSeccomp(&specs.LinuxSeccomp{DefaultAction: specs.ActErrno}); err == nil {
		t.Error("a profile compiled with no seccomp implementation")
	}
}
