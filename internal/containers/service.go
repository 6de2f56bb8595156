// Package containers is the engine's container service: it creates,
// starts, stops and removes containers with Docker's semantics, keeps one
// record per container in <data-root>/containers/<id>/, and runs each
// container's process through internal/runtime (one shim per container,
// which outlives the engine).
package containers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
	"github.com/rs/zerolog"

	"github.com/skiff-engine/skiff/internal/events"
	"github.com/skiff-engine/skiff/internal/images"
	netsvc "github.com/skiff-engine/skiff/internal/network"
	"github.com/skiff-engine/skiff/internal/runtime"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
	"github.com/skiff-engine/skiff/slirp/portfwd"
)

// Options configure the container service.
type Options struct {
	DataRoot string // records go in <DataRoot>/containers/<id>/
	RunDir   string // the runtime's run directory (ReadExit after a restart)
	Images   *images.Service
	Runtime  *runtime.Runtime
	Events   *events.Broker
	Log      zerolog.Logger
	// Rootless and SingleID describe the engine's user namespace.
	Rootless, SingleID bool
	Cgroups            cgroups.Info
	// Volumes creates, mounts and removes named and anonymous volumes;
	// nil refuses them (binds and tmpfs still work).
	Volumes VolumeBackend
	// Networks is the network service; nil gives every container
	// loopback only (unit tests).
	Networks *netsvc.Service
	// HostGatewayIP is what --add-host h:host-gateway resolves to: an
	// address that reaches the host (its loopback, rootless).
	HostGatewayIP string
	// Ports publishes ports into the networks' namespace; nil publishes
	// none (unit tests).
	Ports *portfwd.Forwarder
}

// Service is the container service; it implements the API's
// ContainersBackend.
type Service struct {
	opt  Options
	log  zerolog.Logger
	root string // <DataRoot>/containers

	reconciled chan struct{} // closed when the storage reconcile is done
	// unreadable are containers whose record exists but cannot be read:
	// kept on disk (with their filesystems) for a human, never deleted.
	unreadable map[string]bool

	mu    sync.Mutex
	byID  map[string]*ctr
	names map[string]string // "/name" -> ID

	execs execStore // exec instances, in memory only (exec.go)

	restarts restartCtl // restart policies (restart_run.go)
}

// New loads every container record and reconciles it with storage and
// the runtime (see reconcile.go). Image storage opens in the background,
// so the storage part of the reconcile runs once it is open.
func New(opt Options) (*Service, error) {
	s := &Service{
		opt:        opt,
		log:        opt.Log.With().Str("component", "containers").Logger(),
		root:       filepath.Join(opt.DataRoot, "containers"),
		byID:       map[string]*ctr{},
		unreadable: map[string]bool{},
		names:      map[string]string{},

		reconciled: make(chan struct{}),
	}
	if err := os.MkdirAll(s.root, 0o700); err != nil {
		return nil, err
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// dir is a container's directory of records and generated files.
func (s *Service) dir(id string) string { return filepath.Join(s.root, id) }

// errNoSuchContainer is Docker's 404.
func errNoSuchContainer(idOrName string) error {
	return errdefs.ErrNotFound.WithMessage("No such container: " + idOrName)
}

// get finds a container by full ID, name (with or without "/") or unique
// ID prefix, in Docker's order.
func (s *Service) get(idOrName string) (*ctr, error) {
	if idOrName == "" {
		return nil, errNoSuchContainer(idOrName)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.byID[idOrName]; ok {
		return c, nil
	}
	name := idOrName
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	if id, ok := s.names[name]; ok {
		if c, ok := s.byID[id]; ok {
			return c, nil
		}
	}
	var found *ctr
	for id, c := range s.byID {
		if strings.HasPrefix(id, idOrName) {
			if found != nil {
				return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("multiple IDs found with provided prefix: %s", idOrName))
			}
			found = c
		}
	}
	if found == nil {
		return nil, errNoSuchContainer(idOrName)
	}
	return found, nil
}

// all returns the containers, in no order.
func (s *Service) all() []*ctr {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*ctr, 0, len(s.byID))
	for _, c := range s.byID {
		out = append(out, c)
	}
	return out
}

// InUse lists the containers created from an image (storage image ID),
// for images' deletion checks.
func (s *Service) InUse(imageID string) []string {
	imageID = strings.TrimPrefix(imageID, "sha256:")
	var out []string
	for _, c := range s.all() {
		c.mu.Lock()
		if strings.TrimPrefix(c.rec.ImageID, "sha256:") == imageID {
			out = append(out, c.rec.ID)
		}
		c.mu.Unlock()
	}
	return out
}

// Running counts running containers (the engine's idle timer).
func (s *Service) Running() int {
	n := 0
	for _, c := range s.all() {
		c.mu.Lock()
		if c.rec.State.Running {
			n++
		}
		c.mu.Unlock()
	}
	return n
}

// Close drops the engine's connections to the shims; the containers go
// on running and are found again by the next engine.
func (s *Service) Close() {
	for _, c := range s.all() {
		c.mu.Lock()
		t := c.task
		c.mu.Unlock()
		if t != nil {
			t.Close()
		}
	}
}

// StopAll stops every running container in parallel, each with its own
// stop signal and timeout, as dockerd does when it shuts down without
// live-restore: a stopped daemon leaves no container running behind it.
// (An engine that crashes stops nothing; the next one reconnects.)
func (s *Service) StopAll(ctx context.Context) {
	s.beginShutdown()
	var wg sync.WaitGroup
	for _, c := range s.all() {
		c.mu.Lock()
		id, running := c.rec.ID, c.rec.State.Running
		c.mu.Unlock()
		if !running {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Stop(ctx, id, "", nil); err != nil && !errdefs.IsNotModified(err) {
				s.log.Warn().Err(err).Str("container", id).Msg("stopping at shutdown")
			}
		}()
	}
	wg.Wait()
}
