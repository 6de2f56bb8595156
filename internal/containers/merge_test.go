package containers

import (
	"reflect"
	"testing"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func imageCfg() dockerspec.DockerOCIImageConfig {
	return dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
		User:         "daemon",
		Env:          []string{"PATH=/bin", "A=image", "B=image"},
		Entrypoint:   []string{"/entry"},
		Cmd:          []string{"serve", "--port", "80"},
		WorkingDir:   "/srv",
		Labels:       map[string]string{"l1": "image", "l2": "image"},
		StopSignal:   "SIGQUIT",
		ExposedPorts: map[string]struct{}{"80/tcp": {}},
		Volumes:      map[string]struct{}{"/data": {}},
	}}
}

func TestMergeImageConfig(t *testing.T) {
	tests := []struct {
		name           string
		user           container.Config
		wantEntrypoint []string
		wantCmd        []string
		wantPath       string
		wantArgs       []string
	}{
		{"image defaults", container.Config{}, []string{"/entry"}, []string{"serve", "--port", "80"}, "/entry", []string{"serve", "--port", "80"}},
		{"user cmd keeps entrypoint", container.Config{Cmd: []string{"sh"}}, []string{"/entry"}, []string{"sh"}, "/entry", []string{"sh"}},
		{"user entrypoint drops image cmd", container.Config{Entrypoint: []string{"sh"}}, []string{"sh"}, nil, "sh", []string{}},
		{"user entrypoint and cmd", container.Config{Entrypoint: []string{"sh"}, Cmd: []string{"-c", "x"}}, []string{"sh"}, []string{"-c", "x"}, "sh", []string{"-c", "x"}},
		{"empty entrypoint resets", container.Config{Entrypoint: []string{""}, Cmd: []string{"echo", "hi"}}, []string{""}, []string{"echo", "hi"}, "echo", []string{"hi"}},
		{"empty entrypoint without cmd", container.Config{Entrypoint: []string{""}}, []string{""}, nil, "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := imageCfg()
			cfg := tt.user
			mergeImageConfig(&cfg, &img)
			if !reflect.DeepEqual(cfg.Entrypoint, tt.wantEntrypoint) || !reflect.DeepEqual(cfg.Cmd, tt.wantCmd) {
				t.Errorf("entrypoint %q cmd %q, want %q %q", cfg.Entrypoint, cfg.Cmd, tt.wantEntrypoint, tt.wantCmd)
			}
			path, args := entrypointAndArgs(cfg.Entrypoint, cfg.Cmd)
			if path != tt.wantPath || !reflect.DeepEqual(args, tt.wantArgs) {
				t.Errorf("path %q args %q, want %q %q", path, args, tt.wantPath, tt.wantArgs)
			}
		})
	}
}

func TestMergeImageConfigFields(t *testing.T) {
	img := imageCfg()
	cfg := container.Config{
		Env:    []string{"A=user", "C=user"},
		Labels: map[string]string{"l2": "user", "l3": "user"},
		User:   "root",
	}
	mergeImageConfig(&cfg, &img)
	if want := []string{"A=user", "C=user", "PATH=/bin", "B=image"}; !reflect.DeepEqual(cfg.Env, want) {
		t.Errorf("env %q, want %q", cfg.Env, want)
	}
	if want := map[string]string{"l1": "image", "l2": "user", "l3": "user"}; !reflect.DeepEqual(cfg.Labels, want) {
		t.Errorf("labels %v, want %v", cfg.Labels, want)
	}
	if cfg.User != "root" || cfg.WorkingDir != "/srv" || cfg.StopSignal != "SIGQUIT" {
		t.Errorf("user %q workdir %q stop signal %q", cfg.User, cfg.WorkingDir, cfg.StopSignal)
	}
	if _, ok := cfg.ExposedPorts[network.MustParsePort("80/tcp")]; !ok {
		t.Errorf("exposed ports %v lack 80/tcp", cfg.ExposedPorts)
	}
	if _, ok := cfg.Volumes["/data"]; !ok {
		t.Errorf("volumes %v lack /data", cfg.Volumes)
	}
	// The image's maps must not be shared with the container's.
	cfg.Labels["l1"] = "changed"
	if img.Labels["l1"] != "image" {
		t.Error("merging aliased the image's labels")
	}
}

func TestMergeHealthcheck(t *testing.T) {
	img := imageCfg()
	img.Healthcheck = &dockerspec.HealthcheckConfig{Test: []string{"CMD", "true"}, Interval: 5, Retries: 3}
	cfg := container.Config{Healthcheck: &container.HealthConfig{Interval: 9}}
	mergeImageConfig(&cfg, &img)
	h := cfg.Healthcheck
	if !reflect.DeepEqual(h.Test, []string{"CMD", "true"}) || h.Interval != 9 || h.Retries != 3 {
		t.Errorf("healthcheck %+v", h)
	}
}
