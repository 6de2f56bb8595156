package runtime

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/errdefs"

	"github.com/skiff-engine/skiff/internal/atomicfile"
	"github.com/skiff-engine/skiff/internal/runtime/roleexe"
	"github.com/skiff-engine/skiff/internal/runtime/selfexe"
	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
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

	spare spareSlot // the parked exec role (exec_spare.go)
	cache execCache // parsed specs and compiled filters for exec (exec_cache.go)
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
	r := &Runtime{opts: opts, shimExe: "/proc/self/exe", spare: spareSlot{ready: make(chan *execRole, 1)}}
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

// Close releases the sealed binary. Running tasks are not affected.
func (r *Runtime) Close() error {
	self, err := r.sealed()
	if err != nil {
		return nil
	}
	return self.Close()
}

// Create starts a shim for b and in it the container's init, and returns
// when init is set up and waits for Start, or with init's setup error
// (a *StartError). Nothing of the task is left behind on failure.
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
	cfg, err := json.Marshal(shimConfig(b, bundle, sock))
	if err != nil {
		return nil, err
	}
	start := time.Now()
	pid, err := r.spawnShim(ctx, self, cfg, sock)
	if err != nil {
		return nil, err
	}
	t, err := r.dialTask(ctx, b.ID)
	if err != nil {
		// The shim is up but unreachable: stop it (and init with it).
		syscall.Kill(pid, syscall.SIGKILL)
		os.Remove(sock)
		return nil, err
	}
	r.opts.Log.Debug().Str("container", b.ID).Int("pid", t.Pid()).Dur("took", time.Since(start)).Msg("task created")
	return t, nil
}

// spawnShim starts the shim in its own session and waits for its Ready.
// It returns the shim's pid.
func (r *Runtime) spawnShim(ctx context.Context, self *os.File, cfg []byte, sock string) (int, error) {
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer readyR.Close()
	exe := r.shimExe
	if exe == "" {
		// The sealed roles' binary (at fd 100 or above: clear of the fds
		// the child gets before it executes this path).
		exe = "/proc/self/fd/" + strconv.Itoa(int(self.Fd()))
	}
	cmd := &exec.Cmd{
		Path: exe,
		Args: []string{"skiff-shim"},
		Env: []string{
			"_SKIFF_ROLE=shim",
			shimapi.EnvConfig + "=" + string(cfg),
			"GOMAXPROCS=1", // one P: less memory, and a shim has little to do
			// No collection during package init and set-up (it found
			// little garbage and cost a fifth of a shim's start); the
			// shim turns it on once init is ready.
			"GOGC=off",
		},
		Dir:         "/",
		ExtraFiles:  []*os.File{self, readyW}, // shimapi.FdSelfExe, shimapi.FdReady
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	err = cmd.Start()
	readyW.Close()
	if err != nil {
		return 0, fmt.Errorf("starting shim: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { cmd.Process.Kill() })
	var ready shimapi.Ready
	err = shimapi.ReadLine(bufio.NewReader(readyR), &ready)
	stop()
	if err == nil && ready.Error == "" {
		pid := cmd.Process.Pid
		// The engine reaps its shims; after an engine restart the
		// supervisor (a subreaper) does.
		reapLater(cmd.Process)
		return pid, nil
	}
	// Failed: let the shim finish before the caller removes the bundle.
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
	os.Remove(sock)
	switch {
	case ctx.Err() != nil:
		return 0, ctx.Err()
	case err == nil:
		return 0, &StartError{Msg: ready.Error, Code: ready.ExitCode}
	case errors.Is(err, io.EOF):
		return 0, fmt.Errorf("shim exited before init was ready: %s", cmd.ProcessState)
	}
	return 0, fmt.Errorf("shim: %w (%s)", err, cmd.ProcessState)
}
