package containers

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/internal/runtime"
	"github.com/skiff-engine/skiff/internal/runtime/spec"
)

// execKeep is how long a finished exec stays inspectable; dockerd's GC
// drops finished execs after one or two 5-minute ticks.
const execKeep = 5 * time.Minute

// execRec is one exec instance. Records live in memory only: dockerd
// drops them at a restart too.
type execRec struct {
	id          string
	c           *ctr
	containerID string

	cmd                            []string
	user, workingDir               string
	env                            []string // complete, built at create
	tty, privileged                bool
	openStdin, openStdout, openErr bool
	detachKeys                     []byte // as given (nil: the default)
	consoleSize                    *[2]uint

	mu       sync.Mutex
	running  bool
	exitCode *int
	pid      int
	proc     *runtime.Process
	ended    time.Time
	started  chan struct{} // closed once the start succeeded or failed
	exited   chan struct{} // closed once the exit is recorded (nil before the start)
}

// execStore holds the execs of every container; the zero value is ready.
type execStore struct {
	mu   sync.Mutex
	byID map[string]*execRec
}

func (st *execStore) add(e *execRec) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.byID == nil {
		st.byID = map[string]*execRec{}
	}
	st.byID[e.id] = e
}

func (st *execStore) get(id string) *execRec {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.byID[id]
}

// sweep drops execs that ended long ago or whose container is gone.
func (st *execStore) sweep(now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, e := range st.byID {
		e.mu.Lock()
		old := !e.ended.IsZero() && now.Sub(e.ended) > execKeep
		e.mu.Unlock()
		e.c.mu.Lock()
		gone := e.c.removed
		e.c.mu.Unlock()
		if old || gone {
			delete(st.byID, id)
		}
	}
}

// running lists the IDs of container c's execs that have not ended, for
// inspect's ExecIDs (nil when none, as dockerd).
func (st *execStore) running(c *ctr) []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	var ids []string
	for id, e := range st.byID {
		e.mu.Lock()
		live := e.exitCode == nil
		e.mu.Unlock()
		if e.c == c && live {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// activeContainer is dockerd's getActiveContainer: the container must be
// running, neither paused nor restarting.
func (s *Service) activeContainer(idOrName string) (*ctr, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return nil, err
	}
	return c, checkExecState(c, idOrName)
}

// checkExecState refuses a container that cannot take an exec, with
// dockerd's words (the paused message names the container as asked).
func checkExecState(c *ctr, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.rec.State
	switch {
	case !st.Running || c.task == nil:
		return errNotRunning(c.rec.ID)
	case st.Paused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is paused, unpause the container before exec", name))
	case st.Restarting:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is restarting, wait until the container is running", c.rec.ID))
	}
	return nil
}

// ExecCreate sets up an exec in a running container and returns its ID.
func (s *Service) ExecCreate(ctx context.Context, idOrName string, req *container.ExecCreateRequest) (string, error) {
	if len(req.Cmd) == 0 {
		return "", errdefs.ErrInvalidArgument.WithMessage("No exec command specified")
	}
	c, err := s.activeContainer(idOrName)
	if err != nil {
		return "", err
	}
	var keys []byte
	if req.DetachKeys != "" {
		if keys, err = parseDetachKeys(req.DetachKeys); err != nil {
			return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid escape keys (%s) provided", req.DetachKeys))
		}
	}
	if req.User != "" {
		// Early, as dockerd: a bad user fails the create, not the start.
		if _, err := s.execUser(c, req.User); err != nil {
			return "", err
		}
	}
	e := s.newExec(c, req.Cmd, req.User, req.WorkingDir, req.Env, req.Tty)
	e.privileged = req.Privileged
	e.openStdin, e.openStdout, e.openErr = req.AttachStdin, req.AttachStdout, req.AttachStderr
	e.detachKeys = keys
	e.consoleSize = req.ConsoleSize
	s.registerExec(e)
	return e.id, nil
}

// newExec fills in an exec's defaults from its container, as dockerd:
// the container's user and working dir when none is given, and the
// container's environment with the exec's on top.
func (s *Service) newExec(c *ctr, cmd []string, user, wd string, env []string, tty bool) *execRec {
	c.mu.Lock()
	cfg := c.rec.Config
	id := c.rec.ID
	c.mu.Unlock()
	if user == "" {
		user = cfg.User
	}
	if wd == "" {
		wd = cfg.WorkingDir
	}
	return &execRec{
		id: newID(), c: c, containerID: id,
		cmd: slices.Clone(cmd), user: user, workingDir: wd, tty: tty,
		env:     spec.ExecEnv(cfg, tty, env),
		started: make(chan struct{}),
	}
}

// registerExec stores e and reports exec_create.
func (s *Service) registerExec(e *execRec) {
	s.execs.sweep(time.Now())
	s.execs.add(e)
	s.publish(e.c, execAction(events.ActionExecCreate, e.cmd), map[string]string{"execID": e.id})
}

// getExec is dockerd's getExecConfig: an unknown exec is 404, and so is
// one whose container is gone; a stopped or paused container is 409.
func (s *Service) getExec(id string) (*execRec, error) {
	e := s.execs.get(id)
	if e == nil {
		return nil, errdefs.ErrNotFound.WithMessage("No such exec instance: " + id)
	}
	e.c.mu.Lock()
	gone := e.c.removed
	e.c.mu.Unlock()
	if gone {
		return nil, errNoSuchContainer(id)
	}
	if err := checkExecState(e.c, e.containerID); err != nil {
		return nil, err
	}
	return e, nil
}

// ExecInspect returns an exec's state; it works after the container
// stopped, as dockerd's.
func (s *Service) ExecInspect(ctx context.Context, id string) (*container.ExecInspectResponse, error) {
	e := s.execs.get(id)
	if e == nil {
		return nil, errdefs.ErrNotFound.WithMessage("No such exec instance: " + id)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	priv := e.privileged
	r := &container.ExecInspectResponse{
		ID:      e.id,
		Running: e.running,
		ProcessConfig: &container.ExecProcessConfig{
			Tty: e.tty, Entrypoint: e.cmd[0], Arguments: nonNilStrings(e.cmd[1:]),
			Privileged: &priv, User: e.user,
		},
		OpenStdin: e.openStdin, OpenStdout: e.openStdout, OpenStderr: e.openErr,
		CanRemove:   false,
		ContainerID: e.containerID,
		DetachKeys:  e.detachKeys,
		Pid:         e.pid,
	}
	if e.exitCode != nil {
		code := *e.exitCode
		r.ExitCode = &code
	}
	return r, nil
}
