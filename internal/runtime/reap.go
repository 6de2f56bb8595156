package runtime

import (
	"os"

	"github.com/skiff-engine/skiff/internal/runtime/pidfd"
)

// reapLater reaps the running shim p once it exits, without holding an OS
// thread meanwhile. A goroutine blocked in wait4 (exec.Cmd.Wait) holds
// one thread for the shim's whole life, one per running container; a
// pidfd instead is watched by the netpoller, and turns readable when the
// shim exits. The engine must reap its shims itself: only after it dies
// are they the supervisor's (a subreaper's) to reap.
func reapLater(p *os.Process) {
	pid := p.Pid
	f, err := pidfd.Open(pid)
	if err != nil {
		go p.Wait() // no pidfd (Linux < 5.3): a blocked wait it is
		return
	}
	p.Release()
	go func() {
		defer f.Close()
		pidfd.Reap(f, pid)
	}()
}
