package containers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"go.podman.io/storage"

	"github.com/skiff-engine/skiff/internal/runtime/spec"
)

// storageMetadata marks the storage containers this service owns, so the
// reconcile never deletes another tool's (a builder's) containers.
const storageMetadata = `{"skiff":"container"}`

// Create makes a container from an image: the merged config, a storage
// container (the writable layer), the generated files and the record.
// A failure leaves none of them.
func (s *Service) Create(ctx context.Context, name, platform string, req *container.CreateRequest) (container.CreateResponse, error) {
	if req == nil || req.Config == nil {
		return container.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage("config cannot be empty in order to create a container")
	}
	cfg := *req.Config
	hc := &container.HostConfig{}
	if req.HostConfig != nil {
		cp := *req.HostConfig
		hc = &cp
	}
	if name != "" {
		n, err := checkName(name)
		if err != nil {
			return container.CreateResponse{}, err
		}
		name = n
	}
	if err := checkLogConfig(&hc.LogConfig); err != nil {
		return container.CreateResponse{}, err
	}
	nets, err := s.checkNetworkMode(hc, &cfg, req.NetworkingConfig)
	if err != nil {
		return container.CreateResponse{}, err
	}
	img, err := s.opt.Images.Lookup(ctx, cfg.Image)
	if err != nil {
		return container.CreateResponse{}, err
	}
	mergeImageConfig(&cfg, &img.Config.Config)
	path, args := entrypointAndArgs(cfg.Entrypoint, cfg.Cmd)
	if path == "" {
		return container.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage("No command specified")
	}
	if _, err := userMounts(hc); err != nil {
		return container.CreateResponse{}, err
	}
	warnings, err := spec.Verify(hc, &cfg, s.opt.Cgroups, s.opt.Rootless)
	if err != nil {
		return container.CreateResponse{}, err
	}
	if warnings == nil {
		warnings = []string{}
	}
	warnings = append(warnings, portWarnings(hc)...)

	mps, undoVolumes, err := s.registerMounts(ctx, &cfg, hc)
	if err != nil {
		return container.CreateResponse{}, err
	}
	id := newID()
	if cfg.Hostname == "" {
		cfg.Hostname = spec.DefaultHostname(id, hc)
	}
	if name == "" {
		name = s.generateName(id)
	} else if err := s.reserveName(name, id); err != nil {
		undoVolumes()
		return container.CreateResponse{}, err
	}
	rec := record{
		ID: id, Name: name, Created: time.Now().UTC(),
		Path: path, Args: args,
		Image: req.Config.Image, ImageID: "sha256:" + img.ID,
		Config: &cfg, HostConfig: hc,
		Driver:      s.driverName(),
		MountPoints: mps,

		NetworkSettings: &container.NetworkSettings{Networks: nets},
	}
	if err := s.materialize(ctx, &rec, img.ID); err != nil {
		undoVolumes()
		s.releaseName(name, id)
		return container.CreateResponse{}, err
	}
	c := newContainer(rec)
	s.mu.Lock()
	s.byID[id] = c
	s.mu.Unlock()
	s.publish(c, events.ActionCreate, nil)
	return container.CreateResponse{ID: id, Warnings: warnings}, nil
}

// materialize makes the storage container, the directory with its files
// and, last, the record: until the record exists the reconcile treats
// the rest as debris of a crash.
func (s *Service) materialize(ctx context.Context, rec *record, imageID string) (err error) {
	if err := s.waitReconciled(ctx); err != nil {
		return err
	}
	store, err := s.opt.Images.Store(ctx)
	if err != nil {
		return err
	}
	if _, err := store.CreateContainer(rec.ID, nil, imageID, "", storageMetadata, nil); err != nil {
		return fmt.Errorf("creating the container's filesystem: %w", err)
	}
	dir := s.dir(rec.ID)
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
			if derr := store.DeleteContainer(rec.ID); derr != nil {
				s.log.Warn().Err(derr).Str("container", rec.ID).Msg("removing a half-created container")
			}
		}
	}()
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	rec.HostnamePath = filepath.Join(dir, "hostname")
	rec.HostsPath = filepath.Join(dir, "hosts")
	rec.ResolvConfPath = filepath.Join(dir, "resolv.conf")
	rec.LogPath = filepath.Join(dir, rec.ID+"-json.log")
	hc := rec.HostConfig
	if err := writeNetFiles(dir, rec.Config.Hostname, rec.Config.Domainname, hc.NetworkMode.IsHost(), hc.DNS, hc.DNSSearch, hc.DNSOptions); err != nil {
		return err
	}
	return s.save(&ctr{rec: *rec}, true)
}

// checkLogConfig allows json-file, the only log driver, and records it
// as the container's driver as dockerd records its default (docker-py
// reads it to decide whether it can read the output back).
func checkLogConfig(lc *container.LogConfig) error {
	if lc.Type != "" && lc.Type != "json-file" {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("logging driver %q is not supported: skiff writes json-file logs only", lc.Type))
	}
	lc.Type = "json-file"
	if lc.Config == nil {
		lc.Config = map[string]string{}
	}
	return nil
}

// driverName is the storage driver (inspect's Driver).
func (s *Service) driverName() string {
	if d, ok := s.opt.Images.StorageDriver(); ok {
		return d.Name
	}
	return ""
}

// mountRootfs mounts the container's filesystem (storage counts mounts).
func (s *Service) mountRootfs(ctx context.Context, id string) (storage.Store, string, error) {
	store, err := s.opt.Images.Store(ctx)
	if err != nil {
		return nil, "", err
	}
	p, err := store.Mount(id, "")
	if err != nil {
		return nil, "", fmt.Errorf("mounting the container's filesystem: %w", err)
	}
	return store, p, nil
}

// unmountRootfs drops one mount of the container's filesystem.
func (s *Service) unmountRootfs(store storage.Store, id string) {
	if _, err := store.Unmount(id, false); err != nil {
		s.log.Warn().Err(err).Str("container", id).Msg("unmounting the container's filesystem")
	}
}
