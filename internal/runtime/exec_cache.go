package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/seccomp"
)

// maxCachedSpecs bounds the cache; past it, it starts over.
const maxCachedSpecs = 512

// execCache holds a Runtime's parsed task specs and compiled filters, so
// that an exec neither parses config.json nor compiles the profile again.
type execCache struct {
	mu        sync.Mutex
	specs     map[string]*cachedSpec
	filters   map[*specs.LinuxSeccomp]*compiledFilter
	compileMu sync.Mutex
}

// cachedSpec is a task's config.json as parsed, valid while the file is
// the same one (a restart writes a new one).
type cachedSpec struct {
	ino, size int64
	mtime     unix.Timespec
	spec      *specs.Spec
}

// compiledFilter is a profile compiled as the container's init compiles
// it, in the bytes the exec role installs.
type compiledFilter struct {
	prog  []byte
	flags uint
}

func (r *Runtime) execCache() *execCache { return &r.cache }

// TaskSpec is the spec the running task of container id was created with
// (its bundle's config.json): an exec starts from its process, as dockerd
// starts from the one containerd holds. It is shared: callers must not
// modify it.
func (r *Runtime) TaskSpec(id string) (*specs.Spec, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	path := filepath.Join(bundleDir(r.opts.RunDir, id), "config.json")
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil, errdefs.ErrNotFound.WithMessage("no task for container " + id)
		}
		return nil, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	c := r.execCache()
	c.mu.Lock()
	if e := c.specs[id]; e != nil && e.ino == int64(st.Ino) && e.size == st.Size && e.mtime == st.Mtim {
		c.mu.Unlock()
		return e.spec, nil
	}
	c.mu.Unlock()
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errdefs.ErrNotFound.WithMessage("no task for container " + id)
		}
		return nil, err
	}
	var s specs.Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("the task's config.json: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.specs == nil || len(c.specs) >= maxCachedSpecs {
		c.specs = map[string]*cachedSpec{}
		c.filters = map[*specs.LinuxSeccomp]*compiledFilter{}
	}
	if old := c.specs[id]; old != nil && old.spec.Linux != nil {
		delete(c.filters, old.spec.Linux.Seccomp)
	}
	c.specs[id] = &cachedSpec{ino: int64(st.Ino), size: st.Size, mtime: st.Mtim, spec: &s}
	return &s, nil
}

// compiledSeccomp compiles s once per profile (a cached task spec's
// profile is always the same pointer).
func (r *Runtime) compiledSeccomp(s *specs.LinuxSeccomp) (*compiledFilter, error) {
	c := r.execCache()
	c.mu.Lock()
	f := c.filters[s]
	c.mu.Unlock()
	if f != nil {
		return f, nil
	}
	// One compile at a time: concurrent execs of a new container wait
	// for the first instead of each compiling.
	c.compileMu.Lock()
	defer c.compileMu.Unlock()
	c.mu.Lock()
	f = c.filters[s]
	c.mu.Unlock()
	if f != nil {
		return f, nil
	}
	flags, err := seccomp.Flags(s)
	if err != nil {
		return nil, err
	}
	prog, err := seccomp.Compile(s)
	if err != nil {
		return nil, err
	}
	if len(prog) == 0 {
		return nil, errors.New("seccomp: an empty filter")
	}
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(prog)*int(unsafe.Sizeof(prog[0])))
	f = &compiledFilter{prog: append([]byte(nil), raw...), flags: flags}
	c.mu.Lock()
	if c.filters == nil || len(c.filters) >= maxCachedSpecs {
		c.filters = map[*specs.LinuxSeccomp]*compiledFilter{}
	}
	c.filters[s] = f
	c.mu.Unlock()
	return f, nil
}
