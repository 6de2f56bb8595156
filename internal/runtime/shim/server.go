package shim

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/containerd/errdefs"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// requestTimeout bounds how long a new connection may take to say what
// it wants.
const requestTimeout = 10 * time.Second

// serve accepts control connections until the listener closes.
func (s *shim) serve() {
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // EMFILE and the like
			continue
		}
		go s.handle(c)
	}
}

func (s *shim) handle(c *net.UnixConn) {
	// A bug in one request must not take the shim's other containers down.
	defer func() {
		if p := recover(); p != nil {
			logPanic(s.cfg.ID, p)
			c.Close()
		}
	}()
	br := bufio.NewReaderSize(c, 512)
	c.SetReadDeadline(time.Now().Add(requestTimeout))
	var req shimapi.Request
	if err := shimapi.ReadLine(br, &req); err != nil {
		c.Close()
		return
	}
	c.SetReadDeadline(time.Time{})
	switch req.Op {
	case shimapi.OpWait:
		s.handleWait(c, br)
		return
	case shimapi.OpAttach:
		s.handleAttach(c, br, req)
		return
	}
	defer c.Close()
	var resp shimapi.Response
	switch req.Op {
	case shimapi.OpStart:
		resp = s.start()
	case shimapi.OpKill:
		resp = result(s.kill(syscall.Signal(req.Signal), req.All))
	case shimapi.OpResize:
		resp = result(s.resize(req.Width, req.Height))
	case shimapi.OpDelete:
		resp = result(s.delete())
	default:
		resp = result(errdefs.ErrInvalidArgument.WithMessage("unknown shim request " + req.Op))
	}
	shimapi.WriteLine(c, resp)
	if req.Op == shimapi.OpDelete && resp.Error == "" {
		s.mu.Lock()
		s.deleted = true
		s.mu.Unlock()
		s.poke()
	}
}

func result(err error) shimapi.Response {
	if err != nil {
		return shimapi.ErrorResponse(err)
	}
	return shimapi.Response{}
}

// handleWait answers the pid now and the exit when it is recorded (finish
// sends it). An open wait connection is how the shim knows an engine is
// connected; this goroutine only reads until the engine closes it.
func (s *shim) handleWait(c *net.UnixConn, br *bufio.Reader) {
	defer c.Close()
	s.mu.Lock()
	s.monitors++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.monitors--
		delete(s.waiters, c)
		s.mu.Unlock()
		s.poke()
	}()
	if shimapi.WriteLine(c, shimapi.Response{Pid: s.pid}) != nil {
		return
	}
	s.mu.Lock()
	recorded, ex := s.recorded, s.exit
	s.waiters[c] = struct{}{} // finish sends the exit, unless it did already
	s.mu.Unlock()
	if recorded && shimapi.WriteLine(c, shimapi.Response{Exit: &ex}) != nil {
		return
	}
	for {
		if _, err := br.ReadByte(); err != nil {
			return
		}
	}
}

// handleAttach streams output frames to c and, if asked, copies what c
// sends to the container's stdin.
func (s *shim) handleAttach(c *net.UnixConn, br *bufio.Reader, req shimapi.Request) {
	if shimapi.WriteLine(c, shimapi.Response{}) != nil {
		c.Close()
		return
	}
	cl := newClient(c, req.Stdout, req.Stderr)
	s.bc.add(cl)
	go cl.run(&s.bc)
	if !req.Stdin {
		return
	}
	var dst io.Writer = io.Discard
	if s.io.stdin != nil {
		dst = s.io.stdin
	}
	io.Copy(dst, br)
	if s.cfg.StdinOnce {
		s.io.closeStdin()
	}
}

// start lets init exec the user's process and reports how that went.
func (s *shim) start() shimapi.Response {
	s.mu.Lock()
	started := s.started
	s.started = true
	s.mu.Unlock()
	if started {
		return result(errdefs.ErrConflict.WithMessage("container was already started"))
	}
	defer close(s.startDone)
	defer s.sync.close()
	select {
	case <-s.reaped:
		return result(errdefs.ErrConflict.WithMessage("container has exited before it was started"))
	default:
	}
	if err := s.sync.send(syncMsg{Type: msgStart}); err != nil {
		return result(s.initDied())
	}
	m, err := s.sync.recv()
	switch {
	case errors.Is(err, io.EOF):
		// init's fd 3 closed on execve. (An init that crashes without a
		// word looks the same; its exit code then tells.)
		return shimapi.Response{}
	case err != nil:
		return result(err)
	case m.Type == msgError:
		ie := errorOf(m, 128)
		s.mu.Lock()
		s.exit.Err = ie.msg
		s.mu.Unlock()
		return shimapi.Response{Error: ie.msg, ExitCode: ie.code}
	}
	return result(errors.New("init sent " + m.Type + " after start"))
}

// delete succeeds once the exit is recorded; the shim then leaves and
// takes its bundle and socket with it.
func (s *shim) delete() error {
	s.mu.Lock()
	recorded := s.recorded
	s.mu.Unlock()
	if !recorded {
		return errdefs.ErrConflict.WithMessage("cannot delete a running task")
	}
	s.removeSocket()
	return os.RemoveAll(s.cfg.Bundle)
}
