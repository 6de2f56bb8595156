package containers

import (
	"fmt"
	"time"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
)

// status is Docker's State.Status for st.
func status(st *state, removing bool) container.ContainerState {
	switch {
	case st.Running && st.Paused:
		return container.StatePaused
	case st.Running && st.Restarting:
		return container.StateRestarting
	case st.Running:
		return container.StateRunning
	case removing:
		return container.StateRemoving
	case st.Dead:
		return container.StateDead
	case st.StartedAt.IsZero():
		return container.StateCreated
	}
	return container.StateExited
}

// humanStatus is the Status column of `docker ps`: "Up 3 seconds",
// "Exited (3) 2 minutes ago", "Created", "Up 5 minutes (Paused)".
func humanStatus(st *state, removing bool, now time.Time) string {
	switch {
	case st.Running && st.Paused:
		return fmt.Sprintf("Up %s (Paused)", units.HumanDuration(now.Sub(st.StartedAt)))
	case st.Running && st.Restarting:
		return fmt.Sprintf("Restarting (%d) %s ago", st.ExitCode, units.HumanDuration(now.Sub(st.FinishedAt)))
	case st.Running:
		return "Up " + units.HumanDuration(now.Sub(st.StartedAt)) + healthSuffix(st)
	case removing:
		return "Removal In Progress"
	case st.Dead:
		return "Dead"
	case st.StartedAt.IsZero():
		return "Created"
	case st.FinishedAt.IsZero():
		return ""
	}
	return fmt.Sprintf("Exited (%d) %s ago", st.ExitCode, units.HumanDuration(now.Sub(st.FinishedAt)))
}

// apiTime is Docker's time format in inspect; the zero time prints as
// dockerd prints it.
func apiTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}
