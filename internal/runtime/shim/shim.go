package shim

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/logs/jsonfile"
	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// shim is the state of one container in a shim process.
type shim struct {
	cfg      shimapi.Config
	cmd      *exec.Cmd
	pid      int
	newPidNS bool
	sync     *syncConn
	io       *stdio
	log      *jsonfile.Writer // nil without a log
	bc       broadcaster
	ln       *net.UnixListener
	unlisten sync.Once // removeSocket's: the path may be a new instance's later
	copiers  sync.WaitGroup

	reaped chan struct{} // closed when init is reaped; status is set
	// changed is poked when monitors or deleted change.
	changed chan struct{}
	// proceed tells the reaping goroutine whether setup succeeded: it
	// then goes on to finish and wait, and calls ended.
	proceed chan bool
	ended   func()
	// startDone is closed when a start that was asked for has returned:
	// the exit it may explain (init's error) is recorded after it.
	startDone chan struct{}

	mu       sync.Mutex
	status   syscall.WaitStatus
	exit     shimapi.ExitStatus
	started  bool // a start was asked for
	monitors int  // open wait connections: a connected engine
	deleted  bool
	recorded bool                       // the exit is recorded: exit is set
	waiters  map[*net.UnixConn]struct{} // open wait connections
}

// initError is a failure init reported, with the exit code it chose.
type initError struct {
	msg  string
	code int
}

func (e *initError) Error() string { return e.msg }

// setup does everything up to init being ready: on success the control
// socket serves and init waits for start, and ended is called once the
// container's instance has ended (see wait); on failure nothing of the
// container is left in the shim (it goes on serving the others).
func setup(cfg shimapi.Config, self *os.File, ended func()) (_ *shim, err error) {
	s := &shim{
		cfg:       cfg,
		reaped:    make(chan struct{}),
		changed:   make(chan struct{}, 1),
		proceed:   make(chan bool, 1),
		startDone: make(chan struct{}),
		ended:     ended,
		waiters:   map[*net.UnixConn]struct{}{},
	}
	s.bc.clients = map[*client]struct{}{}
	os.Remove(cfg.Socket) // left by a shim that was killed
	s.ln, err = net.ListenUnix("unix", &net.UnixAddr{Name: cfg.Socket, Net: "unix"})
	if err != nil {
		return nil, err
	}
	defer func() {
		// A panic must undo the set-up too: else init would wait for start
		// forever, and its fds and reaping goroutine would stay.
		if p := recover(); p != nil {
			logPanic(cfg.ID, p)
			err = fmt.Errorf("shim: %v", p)
		}
		if err != nil {
			s.abandon()
		}
	}()
	if err := os.Chmod(cfg.Socket, 0o600); err != nil {
		return nil, err
	}
	if err := s.startInit(self); err != nil {
		return nil, err
	}
	if err := s.awaitReady(); err != nil {
		return nil, err
	}
	s.proceed <- true
	go s.serve()
	return s, nil
}

// abandon undoes a failed setup: init is killed and reaped, and every fd,
// the log and the socket of the container are closed.
func (s *shim) abandon() {
	s.proceed <- false
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		<-s.reaped
		s.drainOutputs()
	}
	s.closeFiles()
	s.removeSocket()
}

// closeFiles closes every fd the shim holds for the container: at the end
// of its instance, or of a failed set-up. The process serves others and
// lives on, so they must not wait for a collection to close them.
func (s *shim) closeFiles() {
	if s.io != nil {
		s.io.closeChild()
		s.io.closeStdin()
		for _, o := range s.io.outputs {
			o.r.Close()
		}
	}
	if s.sync != nil {
		s.sync.close() // left open by a container never started
	}
	if s.log != nil {
		s.log.Close()
	}
}

// startInit opens the log and stdio and starts init, stopped before it
// runs the user's process.
func (s *shim) startInit(self *os.File) error {
	var err error
	if s.cfg.LogPath != "" {
		if s.log, err = jsonfile.Create(s.cfg.LogPath); err != nil {
			return err
		}
	}
	if s.cfg.Tty {
		s.io, err = newPTY(s.cfg.OpenStdin, consoleSize(s.cfg))
	} else {
		s.io, err = newPipes(s.cfg.OpenStdin)
	}
	if err != nil {
		return err
	}
	flags := uintptr(s.cfg.CloneFlags)
	s.newPidNS = flags&unix.CLONE_NEWPID != 0
	parent, child, err := newSyncPair()
	if err != nil {
		return err
	}
	defer child.Close()
	s.sync = parent
	s.cmd = initCommand(self, s.cfg, s.io, child, flags)
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("starting init: %w", err)
	}
	go s.reap() // at once: abandon waits for it once init started
	s.pid = s.cmd.Process.Pid
	s.io.closeChild()
	for _, o := range s.io.outputs {
		s.copiers.Add(1)
		go s.copyOutput(o)
	}
	return nil
}

// copyOutput copies one output of the container to the log and to every
// attached client until the container's end of it is closed.
func (s *shim) copyOutput(o output) {
	defer s.copiers.Done()
	var log io.WriteCloser
	if s.log != nil {
		log = s.log.Stream(o.name)
		defer log.Close()
	}
	for {
		f, n, err := readFrame(o.r)
		if n > 0 {
			if log != nil {
				log.Write(f.buf()[:n]) // a full disk must not stop attach
			}
			if !s.bc.send(o.stream, f, n) {
				framePool.Put(f) // else the clients' now
			}
		} else if f != nil {
			framePool.Put(f)
		}
		if err != nil {
			return
		}
	}
}

// poke tells wait that monitors or deleted changed.
func (s *shim) poke() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}
