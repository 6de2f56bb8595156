package supervisor

import (
	"os"

	"golang.org/x/sys/unix"
)

// EnvEngineReadyFD names the fd on which the engine tells its supervisor
// that it serves the API (one byte), so that the supervisor can tell a
// serving engine that was killed from one that cannot start.
const EnvEngineReadyFD = "_SKIFF_ENGINE_READY_FD"

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
