package containers

import (
	"syscall"
	"testing"

	"github.com/containerd/errdefs"
)

func TestParseSignal(t *testing.T) {
	good := map[string]syscall.Signal{
		"KILL": syscall.SIGKILL, "SIGKILL": syscall.SIGKILL, "9": syscall.SIGKILL,
		"term": syscall.SIGTERM, "SigHup": syscall.SIGHUP, "USR1": syscall.SIGUSR1,
		"RTMIN+3": syscall.Signal(37), "SIGRTMAX-1": syscall.Signal(63), "64": syscall.Signal(64),
	}
	for in, want := range good {
		got, err := parseSignal(in)
		if err != nil || got != want {
			t.Errorf("%q: got %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"FOO", "0", "-1", "65", "SIG", "RTMIN+40", ""} {
		_, err := parseSignal(in)
		if !errdefs.IsInvalidArgument(err) || err.Error() != "Invalid signal: "+in {
			t.Errorf("%q: got %v, want 400 Invalid signal", in, err)
		}
	}
	if stopSignal("") != syscall.SIGTERM || stopSignal("SIGQUIT") != syscall.SIGQUIT || stopSignal("bogus") != syscall.SIGTERM {
		t.Error("stopSignal defaults")
	}
}
