package runtime

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// DefaultShimGroupSize is how many containers one shim process serves
// when Options.ShimGroupSize is not set (daemon.json shim-group-size).
const DefaultShimGroupSize = 8

// groups hands containers to shim processes, at most size to each: one Go
// process costs some 600 KiB before it does anything, so sharing one is
// what keeps a container's shim small. A group counts a container from
// the moment it is handed over until the shim says its instance ended, so
// a place freed by a deleted container is taken again.
type groups struct {
	size   int
	runDir string
	log    zerolog.Logger

	mu   sync.Mutex
	open []*shimGroup // groups that still take containers
}

// shimGroup is one shim process and the engine's end of its group
// connection (see shimapi/group.go).
type shimGroup struct {
	gs      *groups
	started chan struct{} // closed when the process started, or err says why not
	pid     int
	err     error
	conn    net.Conn
	wmu     sync.Mutex // one line at a time on conn

	// Under gs.mu:
	live    int                           // handed over and not ended
	pending map[string]chan shimapi.Ready // set-ups waiting for Ready
	closed  bool                          // no longer takes containers
}

// hand gives the container cfg to a shim with room, starting one if none
// has, and returns init's pid once it is set up.
func (r *Runtime) hand(ctx context.Context, self *os.File, cfg shimapi.Config) (int, error) {
	g, first := r.groups.reserve()
	if first {
		g.start(r.shimExe, self)
	}
	select {
	case <-g.started:
	case <-ctx.Done():
		g.release()
		return 0, ctx.Err()
	}
	if g.err != nil {
		g.release()
		return 0, g.err
	}
	ch, err := g.send(cfg)
	if err != nil {
		g.release()
		return 0, err
	}
	select {
	case rd := <-ch:
		if rd.Error != "" {
			return 0, &StartError{Msg: rd.Error, Code: rd.ExitCode}
		}
		return rd.Pid, nil
	case <-ctx.Done():
		if !g.abandon(cfg.ID) {
			// The answer came as the caller gave up: it is in ch.
			if rd := <-ch; rd.Error == "" {
				go killAbandoned(r.opts.RunDir, cfg.ID)
			}
		}
		return 0, ctx.Err()
	}
}

// reserve takes a place in a group with room, or in a new group that the
// caller must start (first).
func (gs *groups) reserve() (g *shimGroup, first bool) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	for _, g := range gs.open {
		if g.live < gs.size {
			g.live++
			return g, false
		}
	}
	g = &shimGroup{gs: gs, started: make(chan struct{}), live: 1, pending: map[string]chan shimapi.Ready{}}
	gs.open = append(gs.open, g)
	return g, true
}

// release frees a place; the last one closes the group, so its shim
// leaves once its containers' instances have ended.
func (g *shimGroup) release() {
	g.gs.mu.Lock()
	defer g.gs.mu.Unlock()
	g.live--
	if g.live == 0 {
		g.closeLocked()
	}
}

// closeLocked takes g out of the open groups and closes its connection.
func (g *shimGroup) closeLocked() {
	if g.closed {
		return
	}
	g.closed = true
	for i, o := range g.gs.open {
		if o == g {
			g.gs.open = append(g.gs.open[:i], g.gs.open[i+1:]...)
			break
		}
	}
	if g.conn != nil {
		g.conn.Close()
	}
}

// closeAll closes every group: their shims take no more containers and
// leave when their containers are done.
func (gs *groups) closeAll() {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	for len(gs.open) > 0 {
		gs.open[0].closeLocked()
	}
}

// start runs the shim process in its own session with the sealed binary
// on fd 3 and its end of the group connection on fd 4.
func (g *shimGroup) start(shimExe string, self *os.File) {
	defer close(g.started)
	pid, conn, err := spawnShim(shimExe, self)
	g.gs.mu.Lock()
	defer g.gs.mu.Unlock()
	if err != nil {
		g.err = err
		g.closeLocked()
		return
	}
	g.pid, g.conn = pid, conn
	if g.closed { // closeAll came first
		conn.Close()
	}
	go g.read(bufio.NewReaderSize(conn, 4096))
}

func spawnShim(shimExe string, self *os.File) (int, net.Conn, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, nil, os.NewSyscallError("socketpair", err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "shim-group"), os.NewFile(uintptr(fds[1]), "shim-group")
	defer ours.Close()
	exe := shimExe
	if exe == "" {
		// The sealed roles' binary (at fd 100 or above: clear of the fds
		// the child gets before it executes this path).
		exe = "/proc/self/fd/" + strconv.Itoa(int(self.Fd()))
	}
	cmd := &exec.Cmd{
		Path: exe,
		Args: []string{"skiff-shim"},
		Env: []string{
			"_SKIFF_ROLE=shim",
			"GOMAXPROCS=1", // one P: less memory, and a shim has little to do
			// No collection during package init and the first set-up (it
			// found little garbage and cost a fifth of a shim's start);
			// the shim turns it on once that is done.
			"GOGC=off",
		},
		Dir:         "/",
		ExtraFiles:  []*os.File{self, theirs}, // shimapi.FdSelfExe, shimapi.FdGroup
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	err = cmd.Start()
	theirs.Close()
	if err != nil {
		return 0, nil, fmt.Errorf("starting shim: %w", err)
	}
	pid := cmd.Process.Pid
	// The engine reaps its shims; after an engine restart the supervisor
	// (a subreaper) does.
	reapLater(cmd.Process)
	conn, err := net.FileConn(ours)
	return pid, conn, err
}

// send hands cfg over and returns where its Ready will come.
func (g *shimGroup) send(cfg shimapi.Config) (chan shimapi.Ready, error) {
	ch := make(chan shimapi.Ready, 1)
	g.gs.mu.Lock()
	if g.closed {
		g.gs.mu.Unlock()
		return nil, errors.New("the container's shim exited")
	}
	g.pending[cfg.ID] = ch
	g.gs.mu.Unlock()
	g.wmu.Lock()
	err := shimapi.WriteLine(g.conn, cfg)
	g.wmu.Unlock()
	if err != nil {
		g.gs.mu.Lock()
		delete(g.pending, cfg.ID)
		g.gs.mu.Unlock()
		return nil, fmt.Errorf("handing the container to its shim: %w", err)
	}
	return ch, nil
}

// abandon is for a set-up whose caller gave up: when its Ready comes, the
// container is killed, and its instance, with no engine connected, ends.
// It reports false when the answer was already on its way.
func (g *shimGroup) abandon(id string) bool {
	g.gs.mu.Lock()
	defer g.gs.mu.Unlock()
	if _, ok := g.pending[id]; !ok {
		return false
	}
	g.pending[id] = nil
	return true
}

// killAbandoned kills a container whose creator gave up waiting.
func killAbandoned(runDir, id string) {
	(&Task{runDir: runDir, id: id}).Kill(syscall.SIGKILL, true)
}

// read takes the shim's lines until its connection ends: Ready answers
// the waiting set-up (a failed one frees its place), Done frees the place
// of an ended instance. At the end the shim is gone, or the engine closed
// the group: waiting set-ups fail.
func (g *shimGroup) read(br *bufio.Reader) {
	for {
		var rd shimapi.Ready
		if err := shimapi.ReadLine(br, &rd); err != nil {
			break
		}
		g.gs.mu.Lock()
		ch, waiting := g.pending[rd.ID]
		if !rd.Done {
			delete(g.pending, rd.ID)
		}
		g.gs.mu.Unlock()
		switch {
		case rd.Done || rd.Error != "":
			g.release()
			if !rd.Done && ch != nil {
				ch <- rd
			}
		case ch != nil:
			ch <- rd
		case waiting: // abandoned
			go killAbandoned(g.gs.runDir, rd.ID)
		}
	}
	g.gs.mu.Lock()
	byEngine, live := g.closed, g.live
	pending := g.pending
	g.pending = map[string]chan shimapi.Ready{}
	g.closeLocked()
	g.gs.mu.Unlock()
	if !byEngine {
		// Its containers' tasks only see their shim gone: say which.
		g.gs.log.Warn().Int("shim", g.pid).Int("containers", live).Msg("a shim process exited while it served containers; they ended with it")
	}
	for id, ch := range pending {
		if ch != nil {
			ch <- shimapi.Ready{ID: id, Error: "the container's shim exited before init was ready", ExitCode: 125}
		}
	}
}
