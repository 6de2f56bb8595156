// Package shim is the per-container shim role. One shim runs for each
// container: it starts the container's init from the sealed copy of the
// binary, holds the container's stdio, copies its output to the json-file
// log and to attached clients, reaps it and records its exit. It runs in
// its own session and outlives the engine, which reconnects through the
// control socket (see package shimapi for the protocol).
//
// Lifetime: the shim records the exit in <bundle>/exit.json only after
// every byte of output reached the log and the attached clients, then
// tells connected engines. It leaves when the engine deletes the task, at
// once when no engine is connected (the next engine reads exit.json), or
// linger after the exit at the latest. It is not a subreaper: in its own
// pid namespace the container's init reaps its orphans, and outside one
// they go to the supervisor, which is.
package shim

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// Role is the value of _SKIFF_ROLE that selects this role.
const Role = "shim"

// linger is how long a shim whose process has exited waits for a
// connected engine to delete it. With no engine connected it leaves at
// once: the exit is recorded in the bundle for the next engine.
const linger = 5 * time.Minute

// Main runs the shim role and returns its exit code.
func Main() int {
	var cfg shimapi.Config
	if err := json.Unmarshal([]byte(os.Getenv(shimapi.EnvConfig)), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "skiff shim: bad config:", err)
		return 2
	}
	os.Unsetenv(shimapi.EnvConfig)
	ready := os.NewFile(shimapi.FdReady, "ready")
	unix.CloseOnExec(shimapi.FdReady)
	s, err := setup(cfg)
	if err != nil {
		var ie *initError
		r := shimapi.Ready{Error: err.Error(), ExitCode: 125}
		if errors.As(err, &ie) && ie.code != 0 {
			r.ExitCode = ie.code
		}
		shimapi.WriteLine(ready, r)
		ready.Close()
		return 1
	}
	shimapi.WriteLine(ready, shimapi.Ready{Pid: s.pid})
	ready.Close()
	// Started with GOGC=off (set-up is short): from now on a shim is
	// mostly idle, so keep the heap small rather than fast, and give back
	// what start-up left.
	debug.SetGCPercent(50)
	debug.FreeOSMemory()
	s.wait()
	return 0
}

// wait returns when the shim may exit: the process has ended and the
// engine deleted the task, or no engine is connected, or linger passed.
func (s *shim) wait() {
	<-s.exited
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
			return
		}
	}
	s.removeSocket()
}

func (s *shim) removeSocket() {
	s.ln.Close()
	os.Remove(s.cfg.Socket)
}
