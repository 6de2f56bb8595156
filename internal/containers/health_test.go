package containers

import (
	"reflect"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
)

func TestProbeCommand(t *testing.T) {
	for _, tc := range []struct {
		test  []string
		shell []string
		want  []string
	}{
		{nil, nil, nil},
		{[]string{"NONE"}, nil, nil},
		{[]string{"CMD"}, nil, nil},
		{[]string{"CMD", "probe", "-x"}, nil, []string{"probe", "-x"}},
		{[]string{"CMD-SHELL", "test -f /x"}, nil, []string{"/bin/sh", "-c", "test -f /x"}},
		{[]string{"CMD-SHELL", "test -f /x"}, []string{"/bin/ash", "-e", "-c"}, []string{"/bin/ash", "-e", "-c", "test -f /x"}},
		{[]string{"BOGUS", "x"}, nil, nil},
	} {
		cfg := &container.Config{Shell: tc.shell}
		if tc.test != nil {
			cfg.Healthcheck = &container.HealthConfig{Test: tc.test}
		}
		if got := probeCommand(cfg); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("probeCommand(%q, shell %q) = %q, want %q", tc.test, tc.shell, got, tc.want)
		}
	}
}

func TestApplyProbeResult(t *testing.T) {
	started := time.Now()
	hc := container.HealthConfig{Retries: 2, StartPeriod: time.Minute}
	h := &container.Health{Status: container.Starting}
	res := func(code int, after time.Duration) *container.HealthcheckResult {
		return &container.HealthcheckResult{Start: started.Add(after), End: started.Add(after), ExitCode: code}
	}
	// Failures in the start period do not count while starting.
	applyProbeResult(h, res(1, time.Second), hc, started)
	applyProbeResult(h, res(1, 2*time.Second), hc, started)
	if h.Status != container.Starting || h.FailingStreak != 0 {
		t.Fatalf("in the start period: %s streak %d", h.Status, h.FailingStreak)
	}
	applyProbeResult(h, res(0, 3*time.Second), hc, started)
	if h.Status != container.Healthy {
		t.Fatalf("after a success: %s", h.Status)
	}
	// Once healthy, failures count even within the start period.
	applyProbeResult(h, res(1, 4*time.Second), hc, started)
	if h.Status != container.Healthy || h.FailingStreak != 1 {
		t.Fatalf("one failure: %s streak %d", h.Status, h.FailingStreak)
	}
	applyProbeResult(h, res(-1, 5*time.Second), hc, started)
	if h.Status != container.Unhealthy || h.FailingStreak != 2 {
		t.Fatalf("retries failures: %s streak %d", h.Status, h.FailingStreak)
	}
	applyProbeResult(h, res(0, 6*time.Second), hc, started)
	if h.Status != container.Healthy || h.FailingStreak != 0 {
		t.Fatalf("recovered: %s streak %d", h.Status, h.FailingStreak)
	}
	if len(h.Log) != healthMaxLog || !h.Log[len(h.Log)-1].Start.Equal(started.Add(6*time.Second)) {
		t.Errorf("log keeps the last %d results, got %d", healthMaxLog, len(h.Log))
	}
	// Default retries: 3.
	h = &container.Health{Status: container.Healthy}
	for i := range 3 {
		if h.Status == container.Unhealthy {
			t.Fatalf("unhealthy after %d failures", i)
		}
		applyProbeResult(h, res(1, time.Hour), container.HealthConfig{}, started)
	}
	if h.Status != container.Unhealthy {
		t.Errorf("3 failures with default retries: %s", h.Status)
	}
}

func TestHealthStatusText(t *testing.T) {
	now := time.Now()
	st := &state{Running: true, StartedAt: now.Add(-5 * time.Second)}
	if got := humanStatus(st, false, now); got != "Up 5 seconds" {
		t.Errorf("no healthcheck: %q", got)
	}
	for hs, want := range map[container.HealthStatus]string{
		container.Starting:  "Up 5 seconds (health: starting)",
		container.Healthy:   "Up 5 seconds (healthy)",
		container.Unhealthy: "Up 5 seconds (unhealthy)",
	} {
		st.Health = &container.Health{Status: hs}
		if got := humanStatus(st, false, now); got != want {
			t.Errorf("%s: %q, want %q", hs, got, want)
		}
	}
}
