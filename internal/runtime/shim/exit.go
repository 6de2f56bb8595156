package shim

import (
	"encoding/json"
	"path/filepath"
	"syscall"
	"time"

	"github.com/skiff-engine/skiff/internal/atomicfile"
	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// How long the end of a container waits for output still in flight: for
// processes outside its pid namespace that hold its pipes, and for
// attached clients that read slowly.
const (
	outputDrain = 2 * time.Second
	clientDrain = 5 * time.Second
)

// reap waits for init (then the user's process) to exit.
func (s *shim) reap() {
	s.cmd.Wait()
	now := time.Now().UTC()
	s.mu.Lock()
	s.status = s.cmd.ProcessState.Sys().(syscall.WaitStatus)
	s.exit.ExitedAt = now
	s.mu.Unlock()
	close(s.reaped)
}

// exitCode is Docker's exit code for a wait status.
func exitCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// finish records the exit once all output reached the log and the
// attached clients, then tells waiters.
func (s *shim) finish() {
	<-s.reaped
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
	close(s.exited)
	s.poke()
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
