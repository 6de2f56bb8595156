package containers

import (
	"syscall"
	"testing"
)

func TestUnpauseForKill(t *testing.T) {
	for _, tc := range []struct {
		name   string
		paused bool
		cfg    string
		sig    syscall.Signal
		want   bool
	}{
		{"running", false, "", syscall.SIGKILL, false},
		{"paused kill", true, "", syscall.SIGKILL, true},
		{"paused any signal, no stop signal set", true, "", syscall.SIGUSR1, true},
		{"paused the stop signal", true, "SIGUSR2", syscall.SIGUSR2, true},
		{"paused the stop signal by number", true, "12", syscall.SIGUSR2, true},
		{"paused another signal stays pending", true, "SIGUSR2", syscall.SIGHUP, false},
		{"paused SIGKILL with a stop signal set", true, "SIGUSR2", syscall.SIGKILL, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := unpauseForKill(tc.paused, tc.cfg, tc.sig); got != tc.want {
				t.Errorf("unpauseForKill(%v, %q, %v) = %v, want %v", tc.paused, tc.cfg, tc.sig, got, tc.want)
			}
		})
	}
}
