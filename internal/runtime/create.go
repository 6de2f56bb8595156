package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/errdefs"

	"github.com/skiff-engine/skiff/internal/atomicfile"
	"github.com/skiff-engine/skiff/internal/runtime/roleexe"
	"github.com/skiff-engine/skiff/internal/runtime/selfexe"
)

// Runtime creates tasks and finds them again. It holds the sealed copy of
// the binary every init runs from.
type Runtime struct {
	opts Options
	// shimExe is the binary a shim runs: this one, or "" for the sealed
	// binary when that is the small roles' binary skiff carries; a test
	// may measure another.
	shimExe string

	once    sync.Once
	self    *os.File
	selfErr error

	groups groups    // the shim processes that take new containers (group.go)
	spare  spareSlot // the parked exec role (exec_spare.go)
	cache  execCache // parsed specs and compiled filters for exec (exec_cache.go)
}

// New prepares RunDir and starts making the sealed binary in the
// background, so that the first container does not wait for it.
func New(opts Options) (*Runtime, error) {
	if opts.RunDir == "" {
		return nil, errdefs.ErrInvalidArgument.WithMessage("runtime: no run directory")
	}
	if err := checkSocketPath(opts.RunDir); err != nil {
		return nil, err
	}
	for _, d := range []string{"containers", "shims"} {
		if err := os.MkdirAll(filepath.Join(opts.RunDir, d), 0o700); err != nil {
			return nil, err
		}
	}
	size := opts.ShimGroupSize
	if size <= 0 {
		size = DefaultShimGroupSize
	}
	r := &Runtime{
		opts:    opts,
		shimExe: "/proc/self/exe",
		groups:  groups{size: size, runDir: opts.RunDir, log: opts.Log},
		spare:   spareSlot{ready: make(chan *execRole, 1)},
	}
	if rolesEmbedded {
		r.shimExe = ""
	}
	go r.sealed()
	return r, nil
}

// rolesEmbedded: shims, init and exec roles run from the small binary skiff
// carries (tests that play those roles themselves turn it off).
var rolesEmbedded = roleexe.Embedded()

// sealed is the binary shims, init and exec roles run from: the small
// roles' binary when skiff carries it, else a copy of this one.
func (r *Runtime) sealed() (*os.File, error) {
	r.once.Do(func() {
		if rolesEmbedded {
			r.self, r.selfErr = roleexe.Sealed()
		} else {
			r.self, r.selfErr = selfexe.Sealed()
		}
	})
	return r.self, r.selfErr
}

// Close releases the sealed binary and closes the shims' group
// connections. Running tasks are not affected.
func (r *Runtime) Close() error {
	r.groups.closeAll()
	self, err := r.sealed()
	if err != nil {
		return nil
	}
	return self.Close()
}

// Create hands b to a shim (one with room in its group, or a new one),
// which starts the container's init. It returns when init is set up and
// waits for Start, or with init's setup error (a *StartError). Nothing of
// the task is left behind on failure.
func (r *Runtime) Create(ctx context.Context, b Bundle) (_ *Task, err error) {
	if err := checkID(b.ID); err != nil {
		return nil, err
	}
	if b.Spec == nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage("runtime: no spec")
	}
	bundle, sock := bundleDir(r.opts.RunDir, b.ID), socketPath(r.opts.RunDir, b.ID)
	if c, err := net.Dial("unix", sock); err == nil {
		c.Close()
		return nil, errdefs.ErrAlreadyExists.WithMessage("a task for container " + b.ID + " is running")
	}
	os.RemoveAll(bundle) // left by a shim that died
	if err := os.Mkdir(bundle, 0o700); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(bundle)
		}
	}()
	spec, err := json.Marshal(b.Spec)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(bundle, "config.json"), spec, 0o600); err != nil {
		return nil, err
	}
	self, err := r.sealed()
	if err != nil {
		return nil, fmt.Errorf("sealed copy of the binary: %w", err)
	}
	start := time.Now()
	// On failure the shim has undone the container (init reaped, socket
	// removed) before it answered: the bundle may go at once.
	pid, err := r.hand(ctx, self, shimConfig(b, bundle, sock))
	if err != nil {
		return nil, err
	}
	t, err := r.dialTask(ctx, b.ID)
	if err != nil {
		// The container is set up but unreachable: kill init (the shim's
		// child, not reaped while it waits for start); its instance ends.
		syscall.Kill(pid, syscall.SIGKILL)
		return nil, err
	}
	r.opts.Log.Debug().Str("container", b.ID).Int("pid", t.Pid()).Dur("took", time.Since(start)).Msg("task created")
	return t, nil
}
