package runtime

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/containerd/errdefs"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// callTimeout bounds control calls that take no context.
const callTimeout = 10 * time.Second

// Task is the engine's handle on one container's shim. Its methods are
// safe for concurrent use.
type Task struct {
	runDir string
	id     string
	pid    int

	// mon is the open wait connection: the shim sees the engine as
	// connected while it is open, and sends the exit on it.
	mon    net.Conn
	closed atomic.Bool
	once   sync.Once
	done   chan struct{} // closed when exit or err is set
	exit   Exit
	err    error

	onExitMu sync.Mutex
	onExit   func(Exit, error) // see OnExit
}

// Connect finds the shim of container id again, after an engine restart.
// It returns an errdefs NotFound error when the shim is gone; the exit it
// recorded is then in ReadExit.
func (r *Runtime) Connect(ctx context.Context, id string) (*Task, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	return r.dialTask(ctx, id)
}

// Remove removes what a task left in RunDir after its shim went away
// without a Delete (Connect said NotFound).
func (r *Runtime) Remove(id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	return removeState(r.opts.RunDir, id)
}

// removeState removes a task's socket and bundle.
func removeState(runDir, id string) error {
	os.Remove(socketPath(runDir, id))
	return os.RemoveAll(bundleDir(runDir, id))
}

func (r *Runtime) dialTask(ctx context.Context, id string) (*Task, error) {
	c, err := dial(ctx, r.opts.RunDir, id)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	br := bufio.NewReaderSize(c, 1024)
	var resp shimapi.Response
	err = shimapi.WriteLine(c, shimapi.Request{Op: shimapi.OpWait})
	if err == nil {
		err = shimapi.ReadLine(br, &resp)
	}
	if !stop() || err != nil {
		c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("shim of container %s: %w", id, errdefs.ErrNotFound.WithMessage(err.Error()))
	}
	t := &Task{runDir: r.opts.RunDir, id: id, pid: resp.Pid, mon: c, done: make(chan struct{})}
	go t.watch(br)
	return t, nil
}

// dial connects to a shim's control socket; a missing or dead shim is
// NotFound.
func dial(ctx context.Context, runDir, id string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", socketPath(runDir, id))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("no shim for container %s: %w", id, errdefs.ErrNotFound)
		}
		return nil, err
	}
	return c, nil
}

// watch waits on the wait connection for the exit.
func (t *Task) watch(br *bufio.Reader) {
	var resp shimapi.Response
	err := shimapi.ReadLine(br, &resp)
	switch {
	case err == nil && resp.Exit != nil:
		t.exit = exitOf(*resp.Exit)
	case t.closed.Load():
		t.err = errdefs.ErrUnavailable.WithMessage("task connection closed")
	default:
		// The shim went away without telling: it may have recorded the
		// exit all the same.
		if ex, ok := ReadExit(t.runDir, t.id); ok {
			t.exit = ex
		} else {
			t.exit = Exit{Code: 255, ExitedAt: time.Now().UTC(), Err: "the container's shim exited unexpectedly"}
		}
	}
	t.onExitMu.Lock()
	close(t.done)
	f := t.onExit
	t.onExitMu.Unlock()
	if f != nil {
		f(t.exit, t.err)
	}
}

// OnExit has f called once with what Wait would return, on the goroutine
// that watches the task (or a new one when the exit is known already):
// the engine follows every running container, and a goroutine parked in
// Wait for each is a stack apiece.
func (t *Task) OnExit(f func(Exit, error)) {
	t.onExitMu.Lock()
	defer t.onExitMu.Unlock()
	select {
	case <-t.done:
		go f(t.exit, t.err)
	default:
		t.onExit = f
	}
}

// Pid is the container's PID 1 as the engine sees it.
func (t *Task) Pid() int { return t.pid }

// Start lets init exec the container's process. It returns when execve
// succeeded, or a *StartError with the code Docker gives such a failure.
func (t *Task) Start(ctx context.Context) error {
	resp, err := t.call(ctx, shimapi.Request{Op: shimapi.OpStart})
	if err != nil {
		return err
	}
	if resp.Error != "" && resp.ExitCode != 0 {
		return &StartError{Msg: resp.Error, Code: resp.ExitCode}
	}
	return resp.Err()
}

// Kill sends sig to the container's PID 1, or with all to every process
// of the container.
func (t *Task) Kill(sig syscall.Signal, all bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	resp, err := t.call(ctx, shimapi.Request{Op: shimapi.OpKill, Signal: int(sig), All: all})
	if err != nil {
		return err
	}
	return resp.Err()
}

// Resize sets the size of the container's tty.
func (t *Task) Resize(w, h uint16) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	resp, err := t.call(ctx, shimapi.Request{Op: shimapi.OpResize, Width: w, Height: h})
	if err != nil {
		return err
	}
	return resp.Err()
}

// Wait blocks until the container's process has exited and its output is
// in the log and with attached clients.
func (t *Task) Wait(ctx context.Context) (Exit, error) {
	select {
	case <-t.done:
		return t.exit, t.err
	case <-ctx.Done():
		return Exit{}, ctx.Err()
	}
}

// Delete ends a task whose process has exited: the shim leaves and its
// bundle and socket are removed. It is a Conflict while the process runs.
func (t *Task) Delete(ctx context.Context) error {
	resp, err := t.call(ctx, shimapi.Request{Op: shimapi.OpDelete})
	if errdefs.IsNotFound(err) {
		// The shim is gone already; clear what it left.
		err = removeState(t.runDir, t.id)
	} else if err == nil {
		err = resp.Err()
	}
	if err != nil {
		return err
	}
	return t.Close()
}

// Close drops the engine's connection; the shim and container go on.
func (t *Task) Close() error {
	t.once.Do(func() {
		t.closed.Store(true)
		t.mon.Close()
	})
	return nil
}

// call makes one request on a fresh connection.
func (t *Task) call(ctx context.Context, req shimapi.Request) (shimapi.Response, error) {
	c, err := dial(ctx, t.runDir, t.id)
	if err != nil {
		return shimapi.Response{}, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	var resp shimapi.Response
	err = shimapi.WriteLine(c, req)
	if err == nil {
		err = shimapi.ReadLine(bufio.NewReaderSize(c, 1024), &resp)
	}
	if err != nil {
		if ctx.Err() != nil {
			return resp, ctx.Err()
		}
		return resp, fmt.Errorf("shim of container %s: %s: %w", t.id, req.Op, err)
	}
	return resp, nil
}
