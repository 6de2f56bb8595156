package containers

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
)

func TestStatusStrings(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	started := now.Add(-3 * time.Second)
	tests := []struct {
		name     string
		st       state
		removing bool
		status   container.ContainerState
		human    string
	}{
		{"created", state{}, false, container.StateCreated, "Created"},
		{"running", state{Running: true, StartedAt: started}, false, container.StateRunning, "Up 3 seconds"},
		{"paused", state{Running: true, Paused: true, StartedAt: now.Add(-5 * time.Minute)}, false, container.StatePaused, "Up 5 minutes (Paused)"},
		{"exited", state{ExitCode: 3, StartedAt: started, FinishedAt: now.Add(-2 * time.Minute)}, false, container.StateExited, "Exited (3) 2 minutes ago"},
		{"removing", state{ExitCode: 0, StartedAt: started, FinishedAt: now}, true, container.StateRemoving, "Removal In Progress"},
		{"dead", state{Dead: true, StartedAt: started}, false, container.StateDead, "Dead"},
		{"failed start", state{ExitCode: 127, Error: "exec failed"}, false, container.StateCreated, "Created"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status(&tt.st, tt.removing); got != tt.status {
				t.Errorf("status %q, want %q", got, tt.status)
			}
			if got := humanStatus(&tt.st, tt.removing, now); got != tt.human {
				t.Errorf("human status %q, want %q", got, tt.human)
			}
		})
	}
}

func TestAPITime(t *testing.T) {
	if got := apiTime(time.Time{}); got != "0001-01-01T00:00:00Z" {
		t.Errorf("zero time %q", got)
	}
	ts := time.Date(2025, 2, 3, 4, 5, 6, 7, time.UTC)
	if got := apiTime(ts); got != "2025-02-03T04:05:06.000000007Z" {
		t.Errorf("time %q", got)
	}
}

func TestCommandLine(t *testing.T) {
	if got := commandLine("sh", []string{"-c", "echo hi"}); got != "sh -c 'echo hi'" {
		t.Errorf("got %q", got)
	}
	if got := commandLine("true", nil); got != "true" {
		t.Errorf("got %q", got)
	}
}
