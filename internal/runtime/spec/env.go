package spec

import (
	"os"
	"strings"

	"github.com/moby/moby/api/types/container"
)

// DefaultHostname is the hostname Docker gives a container with none set:
// the host's with --network host, else the first 12 characters of its
// ID. The engine stores it in Config.Hostname at create, as dockerd does.
func DefaultHostname(id string, hc *container.HostConfig) string {
	if hc != nil && hc.NetworkMode.IsHost() {
		if h, err := os.Hostname(); err == nil {
			return h
		}
	}
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// environment is the process environment as dockerd builds it: PATH,
// HOSTNAME and (with a tty) TERM first, then the config's variables,
// which replace those defaults by name or, without "=", remove them.
// HOME comes last from passwd when unset, as runc adds it.
func environment(cfg *container.Config, hostname, home string) []string {
	env := []string{"PATH=" + DefaultPathEnv, "HOSTNAME=" + hostname}
	if cfg.Tty {
		env = append(env, "TERM=xterm")
	}
	env = mergeEnv(env, cfg.Env)
	if !hasEnv(env, "HOME") {
		if home == "" {
			home = "/"
		}
		env = append(env, "HOME="+home)
	}
	return env
}

func mergeEnv(defaults, overrides []string) []string {
	index := map[string]int{}
	for i, e := range defaults {
		k, _, _ := strings.Cut(e, "=")
		index[k] = i
	}
	removed := map[int]bool{}
	for _, v := range overrides {
		k, _, hasValue := strings.Cut(v, "=")
		i, exists := index[k]
		switch {
		case !hasValue:
			if exists {
				removed[i] = true
			}
		case exists:
			defaults[i] = v
			delete(removed, i)
		default:
			index[k] = len(defaults)
			defaults = append(defaults, v)
		}
	}
	out := defaults[:0]
	for i, e := range defaults {
		if !removed[i] {
			out = append(out, e)
		}
	}
	return out
}

func hasEnv(env []string, key string) bool {
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == key {
			return true
		}
	}
	return false
}
