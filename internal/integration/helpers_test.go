package integration

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// apiAtLeast reports whether API version v ("1.52") is at least min.
func apiAtLeast(t *testing.T, v, min string) bool {
	t.Helper()
	parse := func(s string) [2]int {
		maj, minor, ok := strings.Cut(s, ".")
		a, err1 := strconv.Atoi(maj)
		b, err2 := strconv.Atoi(minor)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("bad API version %q", s)
		}
		return [2]int{a, b}
	}
	x, y := parse(v), parse(min)
	return x[0] > y[0] || (x[0] == y[0] && x[1] >= y[1])
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(strings.TrimSpace(s)), v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
}

func hasRootless(secopts []string) bool {
	return slices.ContainsFunc(secopts, func(s string) bool {
		return slices.Contains(strings.Split(s, ","), "name=rootless")
	})
}
