package daemon

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// envEngineReadyFD names the fd on which the engine tells its supervisor
// that it serves the API (one byte), so that the supervisor can tell a
// serving engine that was killed from one that cannot start.
const envEngineReadyFD = "_SKIFF_ENGINE_READY_FD"

// readyPipe is the supervisor's end of one engine's ready pipe.
type readyPipe struct {
	r int
	w *os.File // passed to the engine, closed here once it started
}

func newReadyPipe() (*readyPipe, error) {
	var p [2]int
	// Non-blocking: the supervisor reads it only after the engine exited.
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, err
	}
	return &readyPipe{r: p[0], w: os.NewFile(uintptr(p[1]), "engine-ready")}, nil
}

// served reports whether the engine wrote its byte.
func (p *readyPipe) served() bool {
	var b [1]byte
	n, _ := unix.Read(p.r, b[:])
	return n == 1
}

func (p *readyPipe) close() {
	p.w.Close()
	unix.Close(p.r)
}

// takeReadyFD takes the engine's end of the ready pipe out of the
// environment; nil when the engine was started without one.
func takeReadyFD() *os.File {
	fd, err := strconv.Atoi(os.Getenv(envEngineReadyFD))
	os.Unsetenv(envEngineReadyFD)
	if err != nil || fd < 3 {
		return nil
	}
	unix.CloseOnExec(fd) // shims and helpers must not hold it
	return os.NewFile(uintptr(fd), "engine-ready")
}

// signalServing tells the supervisor that the API is up.
func signalServing(f *os.File) {
	if f == nil {
		return
	}
	f.Write([]byte{1})
	f.Close()
}
