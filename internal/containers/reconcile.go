package containers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/errdefs"
	"go.podman.io/storage"

	"github.com/skiff-engine/skiff/internal/runtime"
)

// load reads every record and brings the engine's view in line with what
// survived a restart or a crash: running containers are reconnected to
// their shims (or get the exit the shim recorded), and what a crash left
// half-made is removed. The storage part waits for image storage in the
// background; Create waits for it to finish.
func (s *Service) load() error {
	entries, err := os.ReadDir(s.root)
	if err != nil {
		return err
	}
	var running, stopped, restarting []*ctr
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(s.root, e.Name())
		rec, err := readRecord(dir)
		if errors.Is(err, os.ErrNotExist) {
			// No record: a create or a remove that did not finish (the
			// record is written last and removed first).
			s.log.Info().Str("container", e.Name()).Msg("removing the remains of an unfinished create or remove")
			os.RemoveAll(dir)
			continue
		}
		if err != nil || rec.ID != e.Name() || rec.Config == nil || rec.HostConfig == nil {
			// Records are written atomically, so this is damage, not a
			// crash: keep the container's files for a human to look at.
			s.log.Error().Err(err).Str("container", e.Name()).Str("record", filepath.Join(dir, recordFile)).Msg("container record unreadable: the container is left out, its files are kept")
			s.unreadable[e.Name()] = true
			continue
		}
		c := newContainer(rec)
		s.byID[rec.ID] = c
		s.names[rec.Name] = rec.ID
		if rec.State.Restarting {
			restarting = append(restarting, c) // no task while it waits
		} else if rec.State.Running {
			running = append(running, c)
		} else {
			stopped = append(stopped, c)
		}
	}
	conns := s.dialShims(running)
	for i, c := range running {
		s.reconnect(c, conns[i])
	}
	for _, c := range stopped {
		s.clearOrphanTask(c)
	}
	for _, c := range restarting {
		s.clearOrphanTask(c)
		s.resumeRestart(c)
	}
	go s.reconcileStorage()
	return nil
}

// dialed is the outcome of connecting to one container's shim.
type dialed struct {
	task *runtime.Task
	err  error
}

// dialShims connects to the shims of the running containers all at once:
// the API waits for this, and a hung shim then costs its timeout once,
// not once per container after it.
func (s *Service) dialShims(cs []*ctr) []dialed {
	out := make([]dialed, len(cs))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t, err := s.opt.Runtime.Connect(ctx, c.rec.ID)
			out[i] = dialed{t, err}
		}()
	}
	wg.Wait()
	return out
}

// reconnect takes a running container's shim back, or records the exit
// the shim left when it is gone.
func (s *Service) reconnect(c *ctr, d dialed) {
	id := c.rec.ID
	t, err := d.task, d.err
	if err == nil {
		c.task = t
		c.rec.State.Pid = t.Pid()
		s.restoreNetwork(c, t.Pid())
		s.restorePorts(c)
		s.restoreVolumes(c)
		s.monitor(c, t)
		s.startHealth(c, true)
		return
	}
	ex, ok := runtime.ReadExit(s.opt.RunDir, id)
	if !ok {
		ex = runtime.Exit{Code: 255, ExitedAt: time.Now().UTC(), Err: "shim disappeared"}
	}
	if !errdefs.IsNotFound(err) {
		s.log.Warn().Err(err).Str("container", id).Msg("reconnecting to the container's shim")
	}
	s.opt.Runtime.Remove(id)
	// exited needs storage (unmount, auto-remove): run it aside.
	go s.exited(c, nil, ex)
}

// clearOrphanTask ends a shim left by a start that the engine did not
// finish (it crashed before recording the container as running).
func (s *Service) clearOrphanTask(c *ctr) {
	id := c.rec.ID
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	t, err := s.opt.Runtime.Connect(ctx, id)
	if err != nil {
		if errdefs.IsNotFound(err) {
			s.opt.Runtime.Remove(id)
		}
		return
	}
	s.log.Info().Str("container", id).Msg("stopping the task of a start that did not finish")
	t.Kill(syscall.SIGKILL, true)
	t.Wait(ctx)
	t.Delete(ctx)
	t.Close()
}

// reconcileStorage deletes storage containers that have no record (a
// crash mid-create or mid-remove), drops records whose storage container
// is gone, and clears mounts that stopped containers left behind.
// clearStaleMount unmounts the rootfs of a container that is not running
// (left mounted by an engine that died). It holds the container's
// operation lock: a start at daemon boot (restart policies) or by a quick
// user may be mounting it right now.
func (s *Service) clearStaleMount(store storage.Store, c *ctr) {
	c.opMu.Lock()
	defer c.opMu.Unlock()
	c.mu.Lock()
	id, running := c.rec.ID, c.rec.State.Running
	c.mu.Unlock()
	if running {
		return
	}
	if n, err := store.Mounted(id); err == nil && n > 0 {
		if _, err := store.Unmount(id, true); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn().Err(err).Str("container", id).Msg("clearing a stale mount")
		}
	}
}

func (s *Service) reconcileStorage() {
	defer close(s.reconciled)
	ctx := context.Background()
	store, err := s.opt.Images.Store(ctx)
	if err != nil {
		return
	}
	list, err := store.Containers()
	if err != nil {
		s.log.Warn().Err(err).Msg("listing storage containers")
		return
	}
	have := map[string]bool{}
	for _, sc := range list {
		have[sc.ID] = true
		if sc.Metadata != storageMetadata {
			continue
		}
		if _, err := s.get(sc.ID); err == nil || s.unreadable[sc.ID] {
			continue
		}
		s.log.Info().Str("container", sc.ID).Msg("deleting a container filesystem that has no record")
		if err := s.deleteStorage(sc.ID); err != nil {
			s.log.Warn().Err(err).Str("container", sc.ID).Msg("deleting an orphan container filesystem")
		}
	}
	for _, c := range s.all() {
		c.mu.Lock()
		id, running := c.rec.ID, c.rec.State.Running
		c.mu.Unlock()
		if !have[id] {
			s.log.Warn().Str("container", id).Msg("dropping a container whose filesystem is gone")
			s.mu.Lock()
			delete(s.byID, id)
			if s.names[c.rec.Name] == id {
				delete(s.names, c.rec.Name)
			}
			s.mu.Unlock()
			os.RemoveAll(s.dir(id))
			continue
		}
		if !running {
			s.clearStaleMount(store, c)
		}
	}
	// Temp files of interrupted durable record writes (atomicfile's).
	matches, _ := filepath.Glob(filepath.Join(s.root, "*", "."+recordFile+".tmp-*"))
	for _, m := range matches {
		os.Remove(m)
	}
}

// waitReconciled holds creates until the storage reconcile is done, so it
// never mistakes a container being created for debris.
func (s *Service) waitReconciled(ctx context.Context) error {
	select {
	case <-s.reconciled:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
