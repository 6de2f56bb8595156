package containers

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/errdefs"
)

type killFunc func(syscall.Signal, bool) error

func (f killFunc) Kill(sig syscall.Signal, all bool) error { return f(sig, all) }

// A kill that finds the process gone (it exited between the state read and
// the kill) waits for the exit being recorded instead of failing rm -f.
func TestKillAndWaitAlreadyExiting(t *testing.T) {
	exited := make(chan struct{})
	gone := killFunc(func(syscall.Signal, bool) error {
		time.AfterFunc(50*time.Millisecond, func() { close(exited) })
		return errdefs.ErrConflict.WithMessage("container is not running")
	})
	if err := (&Service{}).killAndWait(nil, gone, exited); err != nil {
		t.Fatalf("killAndWait of an exiting container: %v", err)
	}
}

// Any other kill failure is returned once the exit does not come.
func TestKillAndWaitOtherError(t *testing.T) {
	boom := errors.New("shim unreachable")
	fail := killFunc(func(syscall.Signal, bool) error { return boom })
	if err := (&Service{}).killAndWait(nil, fail, make(chan struct{})); !errors.Is(err, boom) {
		t.Fatalf("killAndWait = %v, want %v", err, boom)
	}
}
