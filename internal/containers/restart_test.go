package containers

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
)

func TestShouldRestartPolicies(t *testing.T) {
	always := container.RestartPolicy{Name: container.RestartPolicyAlways}
	unless := container.RestartPolicy{Name: container.RestartPolicyUnlessStopped}
	onFail3 := container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 3}
	onFail := container.RestartPolicy{Name: container.RestartPolicyOnFailure}
	for _, tc := range []struct {
		name     string
		p        container.RestartPolicy
		count    int
		code     int
		manual   bool
		canceled bool
		want     bool
	}{
		{"no", container.RestartPolicy{Name: container.RestartPolicyDisabled}, 0, 1, false, false, false},
		{"empty", container.RestartPolicy{}, 0, 1, false, false, false},
		{"always exit 0", always, 0, 0, false, false, true},
		{"always after a manual stop", always, 0, 0, true, false, true},
		{"always canceled by stop", always, 0, 137, true, true, false},
		{"unless-stopped", unless, 0, 0, false, false, true},
		{"unless-stopped stopped by the user", unless, 0, 0, true, false, false},
		{"on-failure exit 0", onFail3, 0, 0, false, false, false},
		{"on-failure exit 1", onFail3, 2, 1, false, false, true},
		{"on-failure at its maximum", onFail3, 3, 1, false, false, false},
		{"on-failure without a maximum", onFail, 1000, 1, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := restartState{canceled: tc.canceled}
			got, delay := r.shouldRestart(tc.p, tc.count, tc.code, tc.manual, time.Second)
			if got != tc.want {
				t.Fatalf("shouldRestart = %v, want %v", got, tc.want)
			}
			if got && delay != restartBackoffMin {
				t.Errorf("first delay %v, want %v", delay, restartBackoffMin)
			}
		})
	}
}

func TestRestartBackoff(t *testing.T) {
	p := container.RestartPolicy{Name: container.RestartPolicyAlways}
	var r restartState
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	for i, w := range want {
		if _, d := r.shouldRestart(p, i, 1, false, time.Second); d != w {
			t.Fatalf("restart %d: delay %v, want %v", i, d, w)
		}
	}
	for range 20 {
		r.shouldRestart(p, 0, 1, false, time.Second)
	}
	if _, d := r.shouldRestart(p, 0, 1, false, time.Second); d != time.Minute {
		t.Errorf("delay after many restarts %v, want the 1m cap", d)
	}
	// A run of 10 s or more starts the back-off again.
	if _, d := r.shouldRestart(p, 0, 1, false, 10*time.Second); d != restartBackoffMin {
		t.Errorf("delay after a long run %v, want %v", d, restartBackoffMin)
	}
}

func TestRestartsOnBoot(t *testing.T) {
	started := time.Now()
	rec := func(p container.RestartPolicy, code, count int, manual, ran bool) *record {
		r := &record{HostConfig: &container.HostConfig{RestartPolicy: p}, RestartCount: count, HasBeenManuallyStopped: manual}
		r.State.ExitCode = code
		if ran {
			r.State.StartedAt = started
		}
		return r
	}
	always := container.RestartPolicy{Name: container.RestartPolicyAlways}
	unless := container.RestartPolicy{Name: container.RestartPolicyUnlessStopped}
	onFail := container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 2}
	for _, tc := range []struct {
		name string
		rec  *record
		want bool
	}{
		{"always stopped by the user", rec(always, 0, 0, true, true), true},
		{"always never started", rec(always, 0, 0, false, false), false},
		{"unless-stopped stopped by the daemon", rec(unless, 143, 0, false, true), true},
		{"unless-stopped stopped by the user", rec(unless, 143, 0, true, true), false},
		{"on-failure failed", rec(onFail, 1, 1, false, true), true},
		{"on-failure exhausted", rec(onFail, 1, 2, false, true), false},
		{"no", rec(container.RestartPolicy{Name: "no"}, 1, 0, false, true), false},
	} {
		if got := restartsOnBoot(tc.rec); got != tc.want {
			t.Errorf("%s: restartsOnBoot = %v, want %v", tc.name, got, tc.want)
		}
	}
}
