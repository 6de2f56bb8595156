package containers

import (
	"context"
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/images"
)

// Commit makes an image from the container's filesystem changes and its
// config: the request's config with the changes applied, filled from the
// container's (dockerd's rule). opts.Pause is not honoured yet: the diff is
// read from the container as it runs.
func (s *Service) Commit(ctx context.Context, opts server.CommitOptions) (string, error) {
	c, err := s.get(opts.Container)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	rec, removing := c.rec, c.removing
	c.mu.Unlock()
	switch {
	case rec.State.Dead:
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("You cannot commit container %s which is Dead", rec.ID))
	case removing:
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("You cannot commit container %s which is being removed", rec.ID))
	}
	var ref reference.Named
	if opts.Repo != "" {
		name := opts.Repo
		if opts.Tag != "" {
			name += ":" + opts.Tag
		}
		if ref, err = images.ParseReference(name); err != nil {
			return "", err
		}
	}
	newCfg := container.Config{}
	if opts.Config != nil {
		newCfg = *opts.Config
	}
	if len(opts.Changes) > 0 {
		ic := toImageConfig(&newCfg)
		if err := images.ApplyChanges(&ic.ImageConfig, opts.Changes); err != nil {
			return "", err
		}
		fromImageConfig(&newCfg, &ic)
	}
	ctrCfg := toImageConfig(rec.Config)
	mergeImageConfig(&newCfg, &ctrCfg)

	parent, err := s.opt.Images.Lookup(ctx, rec.ImageID)
	if err != nil {
		return "", err
	}
	store, err := s.opt.Images.Store(ctx)
	if err != nil {
		return "", err
	}
	sc, err := store.Container(rec.ID)
	if err != nil {
		return "", err
	}
	img := parent.Config
	img.Author = opts.Author
	img.Config = toImageConfig(&newCfg)
	id, err := s.opt.Images.Commit(ctx, images.CommitOptions{
		ParentID:  parent.ID,
		LayerID:   sc.LayerID,
		Config:    img,
		CreatedBy: strings.Join(rec.Config.Cmd, " "), // dockerd's
		Comment:   opts.Comment,
		Ref:       ref,
	})
	if err != nil {
		return "", err
	}
	// dockerd's attributes: imageRef is "" for an untagged image.
	attrs := map[string]string{"comment": opts.Comment, "imageID": "sha256:" + id, "imageRef": ""}
	if ref != nil {
		attrs["imageRef"] = reference.FamiliarString(ref)
	}
	s.publish(c, events.ActionCommit, attrs)
	return "sha256:" + id, nil
}

// toImageConfig is the image-config view of a container config.
func toImageConfig(c *container.Config) dockerspec.DockerOCIImageConfig {
	ic := dockerspec.DockerOCIImageConfig{
		ImageConfig: ocispec.ImageConfig{
			User: c.User, Env: c.Env, Entrypoint: c.Entrypoint, Cmd: c.Cmd,
			Volumes: c.Volumes, WorkingDir: c.WorkingDir, Labels: c.Labels,
			StopSignal: c.StopSignal, ArgsEscaped: c.ArgsEscaped,
		},
	}
	ic.Healthcheck = c.Healthcheck
	ic.OnBuild = c.OnBuild
	ic.Shell = c.Shell
	if len(c.ExposedPorts) > 0 {
		ic.ExposedPorts = map[string]struct{}{}
		for p := range c.ExposedPorts {
			ic.ExposedPorts[p.String()] = struct{}{}
		}
	}
	return ic
}

// fromImageConfig copies what ApplyChanges may set back.
func fromImageConfig(c *container.Config, ic *dockerspec.DockerOCIImageConfig) {
	c.User, c.Env, c.Entrypoint, c.Cmd = ic.User, ic.Env, ic.Entrypoint, ic.Cmd
	c.Volumes, c.WorkingDir, c.Labels, c.StopSignal = ic.Volumes, ic.WorkingDir, ic.Labels, ic.StopSignal
	if len(ic.ExposedPorts) > 0 {
		c.ExposedPorts = network.PortSet{}
		for p := range ic.ExposedPorts {
			if port, err := network.ParsePort(strings.TrimSpace(p)); err == nil {
				c.ExposedPorts[port] = struct{}{}
			}
		}
	}
}
