package containers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/skiff-engine/skiff/internal/runtime"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
	"github.com/skiff-engine/skiff/internal/runtime/seccomp"
	"github.com/skiff-engine/skiff/internal/runtime/spec"
)

// exitUnknown is Docker's exit code for a start that failed for another
// reason than a missing or non-executable command.
const exitUnknown = 128

// Start starts a created or exited container.
func (s *Service) Start(ctx context.Context, idOrName string) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	s.resetRestart(c)
	return s.start(ctx, c)
}

// start runs the container's process; call with c.opMu held. A client
// that goes away mid-start does not interrupt it: a half-started
// container is worse than an unwanted one.
func (s *Service) start(ctx context.Context, c *ctr) (retErr error) {
	ctx = context.WithoutCancel(ctx)
	c.mu.Lock()
	switch {
	case c.removing || c.removed:
		c.mu.Unlock()
		return errdefs.ErrConflict.WithMessage("container is marked for removal and cannot be started")
	case c.rec.State.Paused:
		c.mu.Unlock()
		return errdefs.ErrConflict.WithMessage("cannot start a paused container, try unpause instead")
	case c.rec.State.Running:
		c.mu.Unlock()
		return errdefs.ErrNotModified.WithMessage("container already started")
	}
	rec := c.rec
	c.mu.Unlock()
	id := rec.ID
	if err := s.checkNetworks(&rec); err != nil {
		return s.startFailed(c, err)
	}

	store, rootfs, err := s.mountRootfs(ctx, id)
	if err != nil {
		return s.startFailed(c, err)
	}
	var task *runtime.Task
	var cgroupPath string
	volumesMounted := false
	defer func() {
		if retErr == nil {
			return
		}
		if task != nil {
			s.discardTask(task)
		}
		if volumesMounted {
			s.releaseVolumes(c)
		}
		s.releasePorts(c)
		s.teardownNetwork(c)
		if cgroupPath != "" {
			cgroups.Remove(cgroupPath)
		}
		s.unmountRootfs(store, id)
		retErr = s.startFailed(c, retErr)
	}()

	mounts, err := s.setupMounts(ctx, &rec, rootfs)
	if err != nil {
		return err
	}
	volumesMounted = true
	sp, err := s.buildSpec(&rec, rootfs, mounts)
	if err != nil {
		return err
	}
	if s.opt.Cgroups.Delegated {
		if cgroupPath, err = cgroups.Create(s.opt.Cgroups, id, sp.Linux.Resources); err != nil {
			return err
		}
	}
	cfg := rec.Config
	task, err = s.opt.Runtime.Create(ctx, runtime.Bundle{
		ID: id, Spec: sp, LogPath: rec.LogPath,
		Tty: cfg.Tty, OpenStdin: cfg.OpenStdin, StdinOnce: cfg.StdinOnce,
		Init: rec.HostConfig.Init != nil && *rec.HostConfig.Init,
	})
	if err != nil {
		return err
	}
	if cgroupPath != "" {
		if err := cgroups.AddProcess(cgroupPath, task.Pid()); err != nil {
			return err
		}
	}
	// The process waits in init for Start: give it its network and
	// published ports now, so it never runs without them.
	if err := s.setupNetwork(ctx, c, task.Pid()); err != nil {
		return err
	}
	if err := s.publishPorts(ctx, c); err != nil {
		return err
	}
	// Clients that attached before the start get the output from the
	// first byte on (docker run: create, attach, wait, start).
	s.connectWaiters(ctx, c, task)
	if err := task.Start(ctx); err != nil {
		return err
	}

	c.mu.Lock()
	st := &c.rec.State
	st.Running, st.Paused, st.Restarting, st.OOMKilled, st.Dead = true, false, false, false, false
	st.Pid = task.Pid()
	st.ExitCode, st.Error = 0, ""
	st.StartedAt = time.Now().UTC()
	st.FinishedAt = time.Time{}
	c.rec.CgroupPath = cgroupPath
	c.task = task
	c.mu.Unlock()
	if err := s.save(c, false); err != nil {
		s.log.Warn().Err(err).Str("container", id).Msg("saving the container's state")
	}
	s.publish(c, events.ActionStart, nil)
	s.monitor(c, task)
	s.startHealth(c, false)
	return nil
}

// buildSpec makes the OCI spec for a start.
func (s *Service) buildSpec(rec *record, rootfs string, mounts []specs.Mount) (*specs.Spec, error) {
	hc := rec.HostConfig
	np, err := s.netPathsOf(rec)
	if err != nil {
		return nil, err
	}
	sp, err := spec.Build(spec.Input{
		ID: rec.ID, Config: rec.Config, HostConfig: hc, Rootfs: rootfs, NetNSPath: np.ns,
		HostsPath: np.hosts, ResolvConfPath: np.resolv, HostnamePath: np.hostname,
		Mounts:   mounts,
		Rootless: s.opt.Rootless, SingleID: s.opt.SingleID, Cgroups: s.opt.Cgroups,
	})
	if err != nil {
		return nil, err
	}
	if !hc.Privileged && sp.Linux != nil {
		sc, err := seccomp.ForSpec(seccompOpt(hc.SecurityOpt), sp)
		if err != nil {
			return nil, err
		}
		sp.Linux.Seccomp = sc
	}
	return sp, nil
}

// seccompOpt is the value of a seccomp= (or seccomp:) security option.
func seccompOpt(opts []string) string {
	for _, o := range opts {
		for _, sep := range []string{"=", ":"} {
			if v, ok := strings.CutPrefix(o, "seccomp"+sep); ok {
				return v
			}
		}
	}
	return ""
}

// startFailed records a failed start as Docker does: the exit code (127
// command not found, 126 not executable) and the error, status left as
// it was; an AutoRemove container goes. Errors of the container's
// process are the client's (400), with the words the docker CLI looks
// for to pick its exit code.
func (s *Service) startFailed(c *ctr, err error) error {
	code := exitUnknown
	var ec runtime.ExitCoder
	isProcess := errors.As(err, &ec)
	if isProcess && ec.ExitCode() != 0 {
		code = ec.ExitCode()
	}
	msg := err.Error()
	if isProcess {
		msg = "failed to create task for container: " + msg
		err = errdefs.ErrInvalidArgument.WithMessage(msg)
	}
	c.mu.Lock()
	c.rec.State.ExitCode = code
	c.rec.State.Error = msg
	auto := c.rec.HostConfig.AutoRemove
	c.mu.Unlock()
	s.save(c, false)
	if auto {
		if rerr := s.remove(c, true); rerr != nil {
			s.log.Warn().Err(rerr).Str("container", c.rec.ID).Msg("auto-removing after a failed start")
		}
	}
	return err
}

// discardTask ends a task whose start failed.
func (s *Service) discardTask(t *runtime.Task) {
	t.Kill(syscall.SIGKILL, true)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t.Wait(ctx)
	if err := t.Delete(ctx); err != nil {
		s.log.Warn().Err(err).Msg("deleting a task that failed to start")
	}
	t.Close()
}

// errNotRunning is Docker's 409 for operations that need a running
// container (dockerd's errNotRunning, same words).
func errNotRunning(id string) error {
	return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is not running", id))
}
