package supervisor

import (
	"testing"
	"time"
)

func TestEnginePacer(t *testing.T) {
	t0 := time.Unix(1000, 0)
	type step struct {
		at     time.Duration
		served bool
		delay  time.Duration
		giveUp bool
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"a killed engine restarts at once", []step{{0, true, 0, false}}},
		{"a few kills in a row stay quick", []step{{0, true, 0, false}, {time.Second, true, 0, false}, {2 * time.Second, true, 0, false}}},
		{"a served crash loop backs off", []step{
			{0, true, 0, false}, {time.Second, true, 0, false}, {2 * time.Second, true, 0, false},
			{3 * time.Second, true, restartBackoff[0], false}, {4 * time.Second, true, restartBackoff[1], false},
			{5 * time.Second, true, restartBackoff[2], false}, {6 * time.Second, true, restartBackoff[3], false},
			{7 * time.Second, true, restartBackoff[3], false},
		}},
		{"quick again after the window", []step{
			{0, true, 0, false}, {time.Second, true, 0, false}, {2 * time.Second, true, 0, false},
			{3 * time.Second, true, restartBackoff[0], false}, {2 * time.Minute, true, 0, false},
		}},
		{"start failures back off and give up", []step{
			{0, false, restartBackoff[0], false}, {time.Second, false, restartBackoff[1], false},
			{2 * time.Second, false, restartBackoff[2], false}, {3 * time.Second, false, restartBackoff[3], false},
			{4 * time.Second, false, 0, true},
		}},
		{"serving resets the start failures", []step{
			{0, false, restartBackoff[0], false}, {time.Second, false, restartBackoff[1], false},
			{2 * time.Second, true, 0, false}, {3 * time.Second, false, restartBackoff[0], false},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p enginePacer
			for i, s := range tc.steps {
				d, g := p.next(t0.Add(s.at), s.served)
				if d != s.delay || g != s.giveUp {
					t.Fatalf("step %d: got (%v, %v), want (%v, %v)", i, d, g, s.delay, s.giveUp)
				}
			}
		})
	}
}
