package containers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/skiff-engine/skiff/internal/atomicfile"
	"github.com/skiff-engine/skiff/internal/runtime"
)

// recordFile is a container's record in its directory; the name is
// dockerd's.
const recordFile = "config.v2.json"

// record is what the engine keeps of a container across restarts.
type record struct {
	ID      string
	Name    string // with the leading "/"
	Created time.Time
	Path    string
	Args    []string
	// Image is the image as the user named it; ImageID is "sha256:<hex>".
	Image      string
	ImageID    string
	Config     *container.Config
	HostConfig *container.HostConfig
	State      state
	// RestartCount counts restarts by the restart policy since the last
	// manual start (restart.go).
	RestartCount   int
	LogPath        string
	HostnamePath   string
	HostsPath      string
	ResolvConfPath string
	Driver         string
	// CgroupPath is the container's cgroup while it runs ("" when it has
	// none), for pause and stats.
	CgroupPath string `json:",omitempty"`
	// NetworkSettings are the container's networks (the endpoint config
	// asked at create, addresses while it runs) and published ports.
	NetworkSettings *container.NetworkSettings `json:",omitempty"`
	// MountPoints are the binds, volumes and tmpfs mounts resolved at
	// create (volume names included); nil in records of older engines,
	// which had binds only (mountsOf reads those from HostConfig).
	MountPoints []mountPoint `json:",omitempty"`
	// HasBeenManuallyStopped is a user's stop or kill (dockerd's name):
	// unless-stopped then stays stopped, across daemon restarts too.
	HasBeenManuallyStopped bool `json:",omitempty"`
}

// state is a container's run state, as dockerd's container.State; the
// status string is derived from it (status, in state.go).
type state struct {
	Running    bool
	Paused     bool
	Restarting bool
	OOMKilled  bool
	Dead       bool
	Pid        int
	ExitCode   int
	Error      string
	StartedAt  time.Time
	FinishedAt time.Time
	// Health is the healthcheck's state (health.go); nil without one.
	Health *container.Health `json:",omitempty"`
}

// container is a record and what the engine holds for it while it runs.
type ctr struct {
	// opMu serializes lifecycle operations (start, stop, remove, ...);
	// the exit monitor never takes it, so an operation may wait for the
	// exit while holding it.
	opMu sync.Mutex

	// saveMu orders record writes: the last snapshot taken is the last
	// one written, and two writes never share the temp file.
	saveMu sync.Mutex

	// mu guards everything below.
	mu        sync.Mutex
	rec       record
	task      *runtime.Task
	removing  bool
	removed   bool
	exitCh    chan struct{} // closed (and replaced) at each exit
	removedCh chan struct{} // closed when the container is gone
	waiters   map[*attachWaiter]struct{}
	restart   restartState // restart.go
	health    healthState  // health.go
}

func newContainer(rec record) *ctr {
	return &ctr{rec: rec, exitCh: make(chan struct{}), removedCh: make(chan struct{}), waiters: map[*attachWaiter]struct{}{}}
}

// save writes the record. durable adds the fsyncs of atomicfile: used
// when a record is created, so that a container the API reported exists
// after a crash. State changes use a plain rename, which is atomic for
// a killed engine (the page cache survives it) and keeps runs fast.
func (s *Service) save(c *ctr, durable bool) error {
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	c.mu.Lock()
	b, err := json.Marshal(&c.rec)
	id := c.rec.ID
	c.mu.Unlock()
	if err != nil {
		return err
	}
	p := filepath.Join(s.dir(id), recordFile)
	if durable {
		return atomicfile.WriteFile(p, b, 0o600)
	}
	return writeRename(p, b)
}

// writeRename replaces path by a temp file renamed over it.
func writeRename(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readRecord reads a container's record.
func readRecord(dir string) (record, error) {
	var rec record
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		return rec, err
	}
	return rec, json.Unmarshal(b, &rec)
}
