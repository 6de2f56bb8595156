package containers

import (
	"maps"
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// mergeImageConfig fills the container config from the image's, as
// dockerd does: what the user set wins, Env and Labels merge by key, and
// an entrypoint given by the user drops the image's Cmd. The image's
// OnBuild stays out of the container (dockerd's merge leaves it too), so
// a commit does not inherit the parent's triggers.
func mergeImageConfig(cfg *container.Config, img *dockerspec.DockerOCIImageConfig) {
	if cfg.User == "" {
		cfg.User = img.User
	}
	if len(img.ExposedPorts) > 0 {
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = network.PortSet{}
		}
		for p := range img.ExposedPorts {
			if port, err := network.ParsePort(p); err == nil {
				if _, ok := cfg.ExposedPorts[port]; !ok {
					cfg.ExposedPorts[port] = struct{}{}
				}
			}
		}
	}
	cfg.Env = mergeEnv(img.Env, cfg.Env)
	// Always a map, as dockerd's merge leaves it (inspect shows {}).
	labels := make(map[string]string, len(img.Labels)+len(cfg.Labels))
	maps.Copy(labels, img.Labels)
	maps.Copy(labels, cfg.Labels)
	cfg.Labels = labels
	if len(cfg.Entrypoint) == 0 {
		if len(cfg.Cmd) == 0 {
			cfg.Cmd = img.Cmd
			cfg.ArgsEscaped = img.ArgsEscaped
		}
		if cfg.Entrypoint == nil {
			cfg.Entrypoint = img.Entrypoint
		}
	}
	if cfg.WorkingDir == "" {
		cfg.WorkingDir = img.WorkingDir
	}
	if len(img.Volumes) > 0 {
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for v := range img.Volumes {
			cfg.Volumes[v] = struct{}{}
		}
	}
	if cfg.StopSignal == "" {
		cfg.StopSignal = img.StopSignal
	}
	if h := img.Healthcheck; h != nil {
		if cfg.Healthcheck == nil {
			hc := *h
			cfg.Healthcheck = &hc
		} else {
			// Fields the user left zero come from the image.
			uh := cfg.Healthcheck
			if len(uh.Test) == 0 {
				uh.Test = h.Test
			}
			if uh.Interval == 0 {
				uh.Interval = h.Interval
			}
			if uh.Timeout == 0 {
				uh.Timeout = h.Timeout
			}
			if uh.StartPeriod == 0 {
				uh.StartPeriod = h.StartPeriod
			}
			if uh.StartInterval == 0 {
				uh.StartInterval = h.StartInterval
			}
			if uh.Retries == 0 {
				uh.Retries = h.Retries
			}
		}
	}
}

// mergeEnv appends the image's variables whose keys the user did not set.
func mergeEnv(image, user []string) []string {
	if len(user) == 0 {
		return append([]string(nil), image...)
	}
	seen := make(map[string]bool, len(user))
	for _, kv := range user {
		k, _, _ := strings.Cut(kv, "=")
		seen[k] = true
	}
	out := append([]string(nil), user...)
	for _, kv := range image {
		k, _, _ := strings.Cut(kv, "=")
		if !seen[k] {
			out = append(out, kv)
		}
	}
	return out
}

// entrypointAndArgs is the container's Path and Args. An entrypoint of
// [""] is the user's reset of the image's entrypoint (--entrypoint "").
func entrypointAndArgs(entrypoint, cmd []string) (string, []string) {
	if len(entrypoint) == 1 && entrypoint[0] == "" {
		entrypoint = nil
	}
	argv := append(append([]string{}, entrypoint...), cmd...)
	if len(argv) == 0 {
		return "", []string{}
	}
	return argv[0], argv[1:]
}
