// Package volumes is the engine's volume service: named and anonymous
// volumes of the built-in "local" driver (a directory, or a tmpfs or bind
// mount made when a container first mounts it) and of Docker's legacy
// volume plugins, with dockerd's names, errors, filters and events.
package volumes

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moby/sys/mountinfo"
	"github.com/rs/zerolog"

	"github.com/skiff-engine/skiff/internal/atomicfile"
	"github.com/skiff-engine/skiff/internal/events"
)

// LocalDriver is the built-in driver's name.
const LocalDriver = "local"

// AnonymousLabel marks volumes created without a name; prune removes only
// these unless asked for all.
const AnonymousLabel = "com.docker.volume.anonymous"

// On-disk layout below Options.Root: <name>/volume.json (metadata) and,
// for the local driver, <name>/_data. Creates are staged in a .tmp- dir
// and removals renamed to a .trash- dir, so a crash leaves no half volume.
const (
	metaFile     = "volume.json"
	dataDir      = "_data"
	tmpPrefix    = ".tmp-"
	trashPrefix  = ".trash-"
	rootDirPerm  = 0o701
	dataDirPerm  = 0o755
	metaFilePerm = 0o600
)

// Options configures New.
type Options struct {
	Root       string // <data-root>/volumes
	PluginDirs []string
	Events     *events.Broker
	Log        zerolog.Logger
	Rootless   bool
}

// Service manages the volumes. Its global lock only guards maps; slow work
// (plugin calls, mounts, removing trees) holds the volume's own lock.
type Service struct {
	opt     Options
	log     zerolog.Logger
	plugins *pluginSet
	locks   nameLocks
	pruning atomic.Bool

	mu    sync.Mutex
	vols  map[string]*vol
	users func() map[string][]string
}

// meta is what volume.json holds.
type meta struct {
	Name      string
	Driver    string
	Labels    map[string]string `json:",omitempty"`
	Options   map[string]string `json:",omitempty"`
	CreatedAt time.Time
}

// vol is a volume the service knows, with its runtime state.
type vol struct {
	meta
	refs       map[string]int // mounts by ref (container ID)
	mounted    bool           // local tmpfs/bind: _data is mounted
	mountpoint string         // plugin: last Mountpoint it gave
	scope      string
}

// New loads the volumes below opt.Root, finishing what a crash left: a
// staged create is dropped, a removal in progress completed.
func New(opt Options) (*Service, error) {
	if opt.Root == "" {
		return nil, errors.New("volumes: no root directory")
	}
	if err := os.MkdirAll(opt.Root, 0o700); err != nil {
		return nil, err
	}
	s := &Service{
		opt:     opt,
		log:     opt.Log.With().Str("component", "volumes").Logger(),
		plugins: newPluginSet(opt.PluginDirs),
		vols:    map[string]*vol{},
	}
	entries, err := os.ReadDir(opt.Root)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(opt.Root, name)
		if !e.IsDir() {
			continue
		}
		if strings.HasPrefix(name, tmpPrefix) || strings.HasPrefix(name, trashPrefix) {
			if err := removeTree(p); err != nil {
				s.log.Warn().Err(err).Str("path", p).Msg("removing a leftover of an unfinished volume create or remove")
			}
			continue
		}
		m, err := readMeta(p)
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				s.log.Warn().Err(err).Str("volume", name).Msg("unreadable volume metadata; volume skipped")
				continue
			}
			// A volume directory of dockerd's layout (no metadata):
			// adopt it as a plain local volume.
			if _, err := os.Stat(filepath.Join(p, dataDir)); err != nil {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			m = meta{Name: name, Driver: LocalDriver, CreatedAt: info.ModTime()}
		}
		v := &vol{meta: m, refs: map[string]int{}, scope: "local"}
		if m.Driver == LocalDriver && needsMount(m.Options) {
			v.mounted, _ = mountinfo.Mounted(filepath.Join(p, dataDir))
		}
		s.vols[name] = v
	}
	return s, nil
}

// SetUsers gives the service the function that maps each volume name to
// the containers using it (whether running or not), in one pass over the
// containers: those make a volume in use for remove, prune and the
// dangling filter.
func (s *Service) SetUsers(f func() map[string][]string) {
	s.mu.Lock()
	s.users = f
	s.mu.Unlock()
}

// userIndex is the containers using each volume (nil without SetUsers);
// callers that check many volumes take it once.
func (s *Service) userIndex() map[string][]string {
	s.mu.Lock()
	users := s.users
	s.mu.Unlock()
	if users == nil {
		return nil
	}
	return users()
}

// lookup returns the known volume name, or nil.
func (s *Service) lookup(name string) *vol {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vols[name]
}

// inUse lists the references to v: the containers using it (from
// users, a userIndex) and its mounts.
func (s *Service) inUse(v *vol, users map[string][]string) []string {
	s.mu.Lock()
	refs := make([]string, 0, len(v.refs))
	for r := range v.refs {
		refs = append(refs, r)
	}
	s.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, r := range append(slices.Clone(users[v.Name]), refs...) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func (s *Service) volDir(name string) string { return filepath.Join(s.opt.Root, name) }

func (s *Service) dataPath(name string) string { return filepath.Join(s.opt.Root, name, dataDir) }

func readMeta(dir string) (meta, error) {
	var m meta
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", filepath.Join(dir, metaFile), err)
	}
	if m.Name != filepath.Base(dir) || m.Driver == "" {
		return m, fmt.Errorf("%s does not describe volume %q", filepath.Join(dir, metaFile), filepath.Base(dir))
	}
	return m, nil
}

func writeMeta(dir string, m meta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, metaFile), b, metaFilePerm)
}

// nameLocks serializes the operations on one volume name.
type nameLocks struct {
	mu sync.Mutex
	m  map[string]*nameLock
}

type nameLock struct {
	sync.Mutex
	waiters int
}

func (l *nameLocks) lock(name string) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*nameLock{}
	}
	nl := l.m[name]
	if nl == nil {
		nl = &nameLock{}
		l.m[name] = nl
	}
	nl.waiters++
	l.mu.Unlock()
	nl.Lock()
	return func() {
		nl.Unlock()
		l.mu.Lock()
		nl.waiters--
		if nl.waiters == 0 {
			delete(l.m, name)
		}
		l.mu.Unlock()
	}
}
