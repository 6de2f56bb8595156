package server

import (
	"fmt"
	"testing"
)

func TestRouteMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          string // fmt of vars, or "no"
	}{
		{"GET /containers/{id}/json", "/containers/abc/json", "map[id:abc]"},
		{"GET /containers/{id}/json", "/containers//json", "no"},
		{"GET /containers/{id}/json", "/containers/a/b/json", "no"},
		{"GET /images/{name...}/json", "/images/a/json", "map[name:a]"},
		{"GET /images/{name...}/json", "/images/r:5000/a/b:t/json", "map[name:r:5000/a/b:t]"},
		{"GET /images/{name...}/json", "/images/a/json/json", "map[name:a/json]"},
		{"GET /images/{name...}/json", "/images/json", "no"},
		{"GET /images/{name...}/json", "/images/a//json", "no"},
		{"DELETE /images/{name...}", "/images/a/b", "map[name:a/b]"},
		{"DELETE /images/{name...}", "/images/", "no"},
		{"GET /version", "/version", "map[]"},
		{"GET /version", "/version/", "no"},
	}
	for _, tc := range tests {
		rt, err := parsePattern(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		vars, ok := rt.match(tc.path)
		got := "no"
		if ok {
			got = fmt.Sprint(vars)
		}
		if got != tc.want {
			t.Errorf("%s on %s = %s, want %s", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestParsePatternErrors(t *testing.T) {
	for _, p := range []string{"/no/method", "GET no-slash", "GET /a/{b", "GET /a/b}c"} {
		if _, err := parsePattern(p); err == nil {
			t.Errorf("%q: no error", p)
		}
	}
}

func TestLookupPrefersLiterals(t *testing.T) {
	var tb routeTable
	for _, p := range []string{"GET /images/{name...}", "GET /images/{name...}/get", "GET /images/get", "GET /images/search"} {
		rt, _ := parsePattern(p)
		tb.set(rt)
	}
	for path, want := range map[string]string{
		"/images/get":     "/images/get",
		"/images/search":  "/images/search",
		"/images/a/get":   "/images/{name...}/get",
		"/images/a/b/xyz": "/images/{name...}",
	} {
		rt, _ := tb.lookup("GET", path)
		if rt == nil || rt.pattern != want {
			t.Errorf("%s -> %v, want %s", path, rt, want)
		}
	}
}

func TestSplitVersion(t *testing.T) {
	tests := []struct{ in, v, rest string }{
		{"/v1.44/containers/json", "1.44", "/containers/json"},
		{"/v1/_ping", "1", "/_ping"},
		{"/volumes/x", "", "/volumes/x"},
		{"/v1.44", "", "/v1.44"},
		{"/v/_ping", "", "/v/_ping"},
		{"/v1.4a/_ping", "", "/v1.4a/_ping"},
		{"/_ping", "", "/_ping"},
	}
	for _, tc := range tests {
		v, rest := splitVersion(tc.in)
		if v != tc.v || rest != tc.rest {
			t.Errorf("%s -> %q %q", tc.in, v, rest)
		}
	}
}
