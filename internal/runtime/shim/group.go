package shim

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"sync"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// group is the shim process: the containers the engine handed it over
// the group connection.
type group struct {
	self *os.File // the sealed binary every init runs from
	conn net.Conn

	wmu       sync.Mutex // one line at a time on conn
	instances sync.WaitGroup

	mu        sync.Mutex
	settingUp int
	gcOn      bool
}

// run takes containers until the engine closes the group connection (it
// has no live container here, or it died), then waits for every instance
// to end. Reading on while containers run is what keeps the engine from
// handing a container to a shim that is leaving.
func (g *group) run() {
	br := bufio.NewReaderSize(g.conn, 1024) // a Config is a few hundred bytes
	for {
		var cfg shimapi.Config
		if err := shimapi.ReadLine(br, &cfg); err != nil {
			break // EOF, or a line the engine should never send
		}
		g.instances.Add(1)
		g.mu.Lock()
		g.settingUp++
		g.mu.Unlock()
		go g.serve(cfg)
	}
	g.conn.Close()
	g.instances.Wait()
}

// serve sets up one container and answers the engine; the container's
// reaping goroutine takes it from there and calls ended at its end.
func (g *group) serve(cfg shimapi.Config) {
	answered := make(chan struct{})
	ended := func() {
		<-answered // a Done never overtakes its Ready
		g.send(shimapi.Ready{ID: cfg.ID, Done: true})
		g.instances.Done()
	}
	var s *shim
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				logPanic(cfg.ID, p)
				err = fmt.Errorf("shim: %v", p)
			}
		}()
		s, err = setup(cfg, g.self, ended)
		return err
	}()
	// After the answer: the collection settled may run must not delay it.
	defer g.settled()
	defer close(answered)
	if err != nil {
		r := shimapi.Ready{ID: cfg.ID, Error: err.Error(), ExitCode: 125}
		var ie *initError
		if errors.As(err, &ie) && ie.code != 0 {
			r.ExitCode = ie.code
		}
		g.send(r)
		g.instances.Done()
		return
	}
	g.send(shimapi.Ready{ID: cfg.ID, Pid: s.pid})
}

// send writes one line to the engine; with the connection closed (the
// engine gone) there is no one to tell.
func (g *group) send(r shimapi.Ready) {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	shimapi.WriteLine(g.conn, r)
}

// settled is called as each set-up ends. The shim starts with GOGC=off
// (set-up is short and finds little garbage); once nothing is being set
// up it is mostly idle, so it keeps the heap small rather than fast and
// gives back what set-up left.
func (g *group) settled() {
	g.mu.Lock()
	g.settingUp--
	idle := g.settingUp == 0
	first := !g.gcOn
	g.gcOn = true
	g.mu.Unlock()
	if first {
		debug.SetGCPercent(50)
	}
	if idle {
		debug.FreeOSMemory()
	}
}

// logPanic reports a recovered panic on stderr. The engine starts its
// shims with stderr on /dev/null, so this is for a shim run by hand.
func logPanic(id string, p any) {
	fmt.Fprintf(os.Stderr, "skiff shim: container %s: panic: %v\n%s", id, p, debug.Stack())
}
