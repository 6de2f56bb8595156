package daemon

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/supervisor"
)

// takeReadyFD takes the engine's end of the ready pipe out of the
// environment; nil when the engine was started without one.
func takeReadyFD() *os.File {
	fd, err := strconv.Atoi(os.Getenv(supervisor.EnvEngineReadyFD))
	os.Unsetenv(supervisor.EnvEngineReadyFD)
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
