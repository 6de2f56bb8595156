package filters

import (
	"testing"
	"time"

	"github.com/containerd/errdefs"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"1700000000":           time.Unix(1700000000, 0),
		"2024-05-06T07:08:09Z": time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
		"1h":                   now.Add(-time.Hour),
	} {
		got, err := ParseTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseTime("yesterday", now); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad value: %v", err)
	}
}
