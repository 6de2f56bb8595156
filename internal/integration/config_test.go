package integration

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestDaemonJSONErrors: a bad daemon.json stops the daemon with an error
// that points at the problem.
func TestDaemonJSONErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    *regexp.Regexp
	}{
		{"UnknownKey", `{"log-level": "debug", "bogus-key": true}`, regexp.MustCompile(`bogus-key`)},
		// The stray token is on line 3, column 3.
		{"InvalidJSON", "{\n  \"debug\": true,\n  oops\n}\n", regexp.MustCompile(`(?is)line\D{0,3}3\b.*column\D{0,3}3\b`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := harness.RunDaemon(t, 30*time.Second, harness.WithDaemonJSON(tc.content))
			if r.ExitCode == 0 {
				t.Fatalf("daemon accepted daemon.json %q and exited 0:\n%s", tc.content, r.Stderr)
			}
			if !tc.want.MatchString(r.Stderr) {
				t.Errorf("daemon error does not match %s:\n%s", tc.want, r.Stderr)
			}
			if !strings.Contains(r.Stderr, "daemon.json") {
				t.Errorf("daemon error does not name the file daemon.json:\n%s", r.Stderr)
			}
		})
	}
}
