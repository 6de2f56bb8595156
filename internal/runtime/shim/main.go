// Package shim is the container shim role. One shim process serves a
// group of containers (up to the daemon's shim-group-size, handed to it
// over its group connection; see group.go): for each it starts the
// container's init from the sealed copy of the binary, holds the
// container's stdio, copies its output to the json-file log and to
// attached clients, reaps it and records its exit. Each container keeps
// its own control socket, so the engine deals with containers, never with
// groups, once they are created. A shim runs in its own session and
// outlives the engine, which reconnects to each container's socket (see
// package shimapi for the protocol). Sharing one Go runtime is the point:
// a Go process costs some 600 KiB before it does anything, and a group
// splits that among its containers. The price is a shared fault domain:
// init dies with its shim (Pdeathsig), so a shim crash ends its group.
//
// Lifetime, per container: the shim records the exit in <bundle>/exit.json
// only after every byte of output reached the log and the attached
// clients, then tells connected engines. The container's instance ends
// when the engine deletes the task, at once when no engine is connected
// (the next engine reads exit.json), or linger after the exit at the
// latest. The process leaves when every instance has ended and the engine
// closed the group connection. It is not a subreaper: in its own pid
// namespace the container's init reaps its orphans, and outside one they
// go to the supervisor, which is.
package shim

import (
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// Role is the value of _SKIFF_ROLE that selects this role.
const Role = "shim"

// linger is how long a container whose process has exited waits for a
// connected engine to delete it. With no engine connected it leaves at
// once: the exit is recorded in the bundle for the next engine.
const linger = 5 * time.Minute

// Main runs the shim role and returns its exit code.
func Main() int {
	self, err := takeSelfExe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiff shim:", err)
		return 2
	}
	unix.CloseOnExec(shimapi.FdGroup) // never init's
	f := os.NewFile(shimapi.FdGroup, "group")
	conn, err := net.FileConn(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiff shim: no group connection:", err)
		return 2
	}
	g := &group{self: self, conn: conn}
	g.run()
	return 0
}

// wait returns, once finish recorded the exit, when the instance may
// end: the engine deleted the task, or no engine is connected, or linger
// passed.
func (s *shim) wait() {
	timer := time.NewTimer(linger)
	defer timer.Stop()
	for {
		s.mu.Lock()
		done := s.deleted || s.monitors == 0
		s.mu.Unlock()
		if done {
			break
		}
		select {
		case <-s.changed:
		case <-timer.C:
			s.removeSocket()
			s.closeWaiters()
			return
		}
	}
	s.removeSocket()
	s.closeWaiters()
}

// removeSocket stops serving the container's socket. Only once: after a
// delete the engine may create the container again, and the new
// instance's socket has the same path.
func (s *shim) removeSocket() {
	s.unlisten.Do(func() {
		s.ln.Close()
		os.Remove(s.cfg.Socket)
	})
}

// closeWaiters ends the instance's wait connections, as the exit of a shim
// of its own would.
func (s *shim) closeWaiters() {
	s.mu.Lock()
	for c := range s.waiters {
		c.Close()
	}
	s.mu.Unlock()
}
