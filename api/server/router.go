package server

import (
	"fmt"
	"strings"

	"github.com/skiff-engine/skiff/api/httputils"
)

// route is one method + path pattern. Patterns are Go ServeMux-like:
// literal segments, {name} for one segment and {name...} for one or more
// segments. Unlike ServeMux, {name...} may sit in the middle, because image
// and plugin names contain slashes: /images/{name...}/json.
type route struct {
	method  string
	pattern string
	segs    []segment
	handler httputils.HandlerFunc
	// literals ranks overlapping patterns: the one with more literal
	// segments wins, so /images/get beats /images/{name...}.
	literals int
}

type segment struct {
	literal string
	param   string
	greedy  bool
}

// parsePattern splits "GET /containers/{id}/json" into a route.
func parsePattern(pattern string) (*route, error) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("route pattern %q: want \"METHOD /path\"", pattern)
	}
	rt := &route{method: method, pattern: path}
	for _, s := range strings.Split(path[1:], "/") {
		switch {
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "...}"):
			rt.segs = append(rt.segs, segment{param: s[1 : len(s)-4], greedy: true})
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			rt.segs = append(rt.segs, segment{param: s[1 : len(s)-1]})
		case strings.ContainsAny(s, "{}"):
			return nil, fmt.Errorf("route pattern %q: bad segment %q", pattern, s)
		default:
			rt.segs = append(rt.segs, segment{literal: s})
			rt.literals++
		}
	}
	return rt, nil
}

// match reports whether path fits the route and returns its parameters.
func (rt *route) match(path string) (map[string]string, bool) {
	if !strings.HasPrefix(path, "/") {
		return nil, false
	}
	vars := map[string]string{}
	if matchSegs(rt.segs, strings.Split(path[1:], "/"), vars) {
		return vars, true
	}
	return nil, false
}

// matchSegs matches pattern segments against path parts, backtracking over
// how many parts each {name...} takes. Parameters never match empty parts.
func matchSegs(segs []segment, parts []string, vars map[string]string) bool {
	if len(segs) == 0 {
		return len(parts) == 0
	}
	if len(parts) == 0 {
		return false
	}
	s := segs[0]
	switch {
	case s.literal != "" || (s.param == "" && !s.greedy):
		return parts[0] == s.literal && matchSegs(segs[1:], parts[1:], vars)
	case !s.greedy:
		if parts[0] == "" {
			return false
		}
		vars[s.param] = parts[0]
		return matchSegs(segs[1:], parts[1:], vars)
	default:
		// Take as few parts as the rest of the pattern allows; rest needs at
		// least len(segs)-1 parts.
		for n := 1; n <= len(parts)-(len(segs)-1); n++ {
			taken := parts[:n]
			if containsEmpty(taken) {
				return false
			}
			if matchSegs(segs[1:], parts[n:], vars) {
				vars[s.param] = strings.Join(taken, "/")
				return true
			}
		}
		return false
	}
}

func containsEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}

// routeTable holds the routes in registration order.
type routeTable struct {
	routes []*route
}

// set adds rt, or replaces the handler of the route with the same method
// and pattern (how a real handler replaces a 501 stub).
func (t *routeTable) set(rt *route) {
	for i, old := range t.routes {
		if old.method == rt.method && old.pattern == rt.pattern {
			t.routes[i] = rt
			return
		}
	}
	t.routes = append(t.routes, rt)
}

// lookup finds the route for method and path: among matches, the one with
// the most literal segments, then the first registered. A path known under
// another method only is not found, as in dockerd (404, not 405).
func (t *routeTable) lookup(method, path string) (*route, map[string]string) {
	var best *route
	var vars map[string]string
	for _, rt := range t.routes {
		if rt.method != method || (best != nil && rt.literals <= best.literals) {
			continue
		}
		if v, ok := rt.match(path); ok {
			best, vars = rt, v
		}
	}
	return best, vars
}

// splitVersion strips a /vX.Y prefix: "/v1.44/containers/json" gives
// ("1.44", "/containers/json"). Only digits and dots make a version, as in
// dockerd, so "/volumes" is left alone.
func splitVersion(path string) (version, rest string) {
	if !strings.HasPrefix(path, "/v") {
		return "", path
	}
	end := strings.IndexByte(path[1:], '/')
	if end < 0 {
		return "", path
	}
	v := path[2 : end+1]
	if v == "" || strings.Trim(v, "0123456789.") != "" {
		return "", path
	}
	return v, path[end+1:]
}
