package shim

import (
	"encoding/json"
	"net"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/atomicfile"
	"github.com/skiff-engine/skiff/internal/runtime/pidfd"
	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// How long the end of a container waits for output still in flight: for
// processes outside its pid namespace that hold its pipes, and for
// attached clients that read slowly.
const (
	outputDrain = 2 * time.Second
	clientDrain = 5 * time.Second
)

// reap waits for init (then the user's process) to exit and, once setup
// succeeded, sees the container to its end in the same goroutine (a shim
// serves many containers: each goroutine's stack counts): it records the
// exit, waits until the instance may end, and says so.
func (s *shim) reap() {
	awaitExit(s.cmd.Process.Pid)
	s.cmd.Wait()
	now := time.Now().UTC()
	s.mu.Lock()
	s.status = s.cmd.ProcessState.Sys().(syscall.WaitStatus)
	s.exit.ExitedAt = now
	s.mu.Unlock()
	close(s.reaped)
	if !<-s.proceed {
		return // setup failed: abandon cleans up
	}
	defer s.ended()
	defer func() {
		// A bug here must not end the shim's other containers: this one
		// ends without a recorded exit, as if its shim had died.
		if p := recover(); p != nil {
			logPanic(s.cfg.ID, p)
			s.removeSocket()
			s.closeWaiters()
		}
	}()
	defer s.closeFiles()
	s.finish()
	s.wait()
}

// exitCode is Docker's exit code for a wait status.
func exitCode(ws syscall.WaitStatus) int { return pidfd.ExitCode(unix.WaitStatus(ws)) }

// finish records the exit once all output reached the log and the
// attached clients, then tells waiters.
func (s *shim) finish() {
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if started {
		<-s.startDone // it ends once init has (its sync socket closes)
	}
	s.drainOutputs()
	s.io.closeStdin()
	if s.log != nil {
		s.log.Close()
	}
	s.bc.end(clientDrain)

	s.mu.Lock()
	s.exit.Code = exitCode(s.status)
	ex := s.exit
	s.mu.Unlock()
	if b, err := json.Marshal(ex); err == nil {
		// On failure a waiting engine still hears of the exit; only a
		// later engine would miss it.
		atomicfile.WriteFile(filepath.Join(s.cfg.Bundle, shimapi.ExitFile), b, 0o600)
	}
	s.mu.Lock()
	s.recorded = true
	waiters := make([]*net.UnixConn, 0, len(s.waiters))
	for c := range s.waiters {
		waiters = append(waiters, c)
	}
	s.mu.Unlock()
	for _, c := range waiters {
		c.SetWriteDeadline(time.Now().Add(clientDrain)) // an engine that reads nothing
		shimapi.WriteLine(c, shimapi.Response{Exit: &ex})
	}
}

// drainOutputs waits until the copiers saw EOF; a process that escaped
// the container may keep a pipe open, so after a while they are cut.
func (s *shim) drainOutputs() {
	done := make(chan struct{})
	go func() {
		s.copiers.Wait()
		close(done)
	}()
	select {
	case <-done:
		return
	case <-time.After(outputDrain):
	}
	for _, o := range s.io.outputs {
		o.r.Close()
	}
	<-done
}
