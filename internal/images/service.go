// Package images is the engine's image service: layer storage
// (go.podman.io/storage), registries and archives (go.podman.io/image/v5),
// with Docker's semantics for names, IDs, tags and deletion on top.
package images

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/rs/zerolog"
	"go.podman.io/image/v5/signature"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage"

	ievents "github.com/skiff-engine/skiff/internal/events"
)

// Options configure the image service.
type Options struct {
	StoreOptions
	// InsecureRegistries are host[:port] names or CIDRs reached over plain
	// HTTP or unverified TLS (daemon.json insecure-registries); loopback
	// registries are always insecure, as with Docker.
	InsecureRegistries []string
	// RegistryMirrors are pull-through mirrors for docker.io.
	RegistryMirrors []string
	// UserAgent is sent to registries.
	UserAgent string
	Events    *ievents.Broker
	// InUse reports the containers that use an image; nil until the
	// containers feature lands.
	InUse func(imageID string) []string
}

// Service is the image service. Storage opens in the background at start
// so the API answers at once; image requests wait for it.
type Service struct {
	opt   Options
	log   zerolog.Logger
	ready chan struct{}

	store   storage.Store
	driver  Driver
	openErr error

	// nameMu serializes tag changes so that check-then-set sequences
	// (untag the last name, then delete) see a consistent image.
	nameMu  sync.Mutex
	tagTime map[string]time.Time // by image ID: Docker's Metadata.LastTagTime

	cacheMu sync.Mutex
	cache   map[string]*imageInfo // by image ID; configs never change
}

// New starts opening storage and returns at once.
func New(opt Options) *Service {
	s := &Service{opt: opt, log: opt.Log, ready: make(chan struct{}), cache: map[string]*imageInfo{}, tagTime: map[string]time.Time{}}
	go s.open()
	return s
}

func (s *Service) open() {
	defer close(s.ready)
	for _, d := range []string{s.opt.RunRoot, filepath.Join(s.opt.DataRoot, "tmp"), filepath.Join(s.opt.DataRoot, "cache")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			s.openErr = err
			return
		}
	}
	if s.openErr = s.writeRegistriesConf(); s.openErr != nil {
		return
	}
	s.store, s.driver, s.openErr = openStore(s.opt.StoreOptions)
	if s.openErr != nil {
		s.log.Error().Err(s.openErr).Msg("image storage is unavailable")
		return
	}
	istorage.Transport.SetStore(s.store)
	s.removeOrphanLayers(s.store)
	s.log.Debug().Str("driver", describe(s.driver)).Msg("image storage open")
}

// errStorage wraps a storage that could not open, as a 503.
type errStorage struct{ error }

func (e errStorage) Unwrap() error { return e.error }
func (errStorage) Unavailable()    {}

// Store waits for storage to be open.
func (s *Service) Store(ctx context.Context) (storage.Store, error) {
	select {
	case <-s.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if s.openErr != nil {
		return nil, errStorage{s.openErr}
	}
	return s.store, nil
}

// StorageDriver reports the driver, once storage is open (ok false before).
func (s *Service) StorageDriver() (Driver, bool) {
	select {
	case <-s.ready:
		return s.driver, s.openErr == nil
	default:
		return Driver{}, false
	}
}

// Close releases storage: unmounts what it mounted and writes its state.
func (s *Service) Close() {
	<-s.ready
	if s.store != nil {
		if _, err := s.store.Shutdown(false); err != nil {
			s.log.Warn().Err(err).Msg("shutting down image storage")
		}
	}
}

// systemContext is image/v5's configuration for one registry operation.
// Host configuration (/etc/containers/registries.conf, policy.json,
// auth.json) is deliberately ignored: skiff behaves as dockerd, which
// takes credentials from the request and settings from daemon.json only.
func (s *Service) systemContext() *types.SystemContext {
	none := filepath.Join(s.opt.RunRoot, "none") // never created
	mode := types.ShortNameModeDisabled
	return &types.SystemContext{
		SystemRegistriesConfPath:    s.registriesConf(),
		SystemRegistriesConfDirPath: none,
		RegistriesDirPath:           none,
		AuthFilePath:                none,
		DockerRegistryUserAgent:     s.opt.UserAgent,
		BigFilesTemporaryDir:        filepath.Join(s.opt.DataRoot, "tmp"),
		BlobInfoCacheDir:            filepath.Join(s.opt.DataRoot, "cache"),
		ShortNameMode:               &mode,
	}
}

// policy accepts any image: Docker does not verify signatures on pull.
func policy() (*signature.PolicyContext, error) {
	return signature.NewPolicyContext(&signature.Policy{
		Default: []signature.PolicyRequirement{signature.NewPRInsecureAcceptAnything()},
	})
}

func (s *Service) lastTagTime(id string) (time.Time, bool) {
	s.nameMu.Lock()
	defer s.nameMu.Unlock()
	t, ok := s.tagTime[id]
	return t, ok
}

// publish sends an image event (Actor.ID is the image name or ID).
func (s *Service) publish(action events.Action, id string, attrs map[string]string) {
	if s.opt.Events == nil {
		return
	}
	s.opt.Events.Publish(events.Message{Type: events.ImageEventType, Action: action, Actor: events.Actor{ID: id, Attributes: s.eventAttributes(id, attrs)}})
}

// DriverStatus is the storage part of GET /info: the driver's name, its
// status lines and a warning when a slow fallback is in use. Before
// storage is open it reports "" so that /info never waits.
func (s *Service) DriverStatus() (name string, status [][2]string, warning string) {
	d, ok := s.StorageDriver()
	if !ok {
		return "", nil, ""
	}
	status = [][2]string{{"Backing Filesystem", backingFS(filepath.Join(s.opt.DataRoot, "storage"))}}
	if d.MountProgram != "" {
		status = append(status, [2]string{"Mount Program", d.MountProgram})
	} else if d.Name == "overlay" {
		status = append(status, [2]string{"Native Overlay Diff", "true"}, [2]string{"Using metacopy", "false"})
	}
	if s.opt.SingleID {
		status = append(status, [2]string{"Ownership", "single-id mapping: file owners other than root are not kept"})
	}
	return d.Name, status, d.Warning
}

// CountImages is Info.Images (0 before storage is open).
func (s *Service) CountImages() int {
	if _, ok := s.StorageDriver(); !ok {
		return 0
	}
	imgs, err := s.store.Images()
	if err != nil {
		return 0
	}
	return len(imgs)
}
