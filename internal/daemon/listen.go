package daemon

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/activation"

	"github.com/skiff-engine/skiff/internal/supervisor"
)

// listeners are the API sockets the supervisor holds for the engine, so an
// engine restart never drops the socket or the systemd activation fds.
type listeners struct {
	files []*os.File
	owned []string // socket paths skiff created, removed at exit
}

// openListeners takes the socket-activation fds when present and otherwise
// creates the unix sockets named by hosts.
func openListeners(hosts []string) (*listeners, error) {
	files := activation.Files(true)
	if len(files) > 0 {
		return &listeners{files: files}, nil
	}
	l := &listeners{}
	for _, h := range hosts {
		path, err := unixPath(h)
		if err != nil {
			l.close()
			return nil, err
		}
		f, err := listenUnix(path)
		if err != nil {
			l.close()
			return nil, err
		}
		l.files = append(l.files, f)
		l.owned = append(l.owned, path)
	}
	return l, nil
}

// unixPath accepts "unix:///path" (or a bare absolute path); TCP listening
// with TLS is a later feature and gets a clear error rather than a guess.
func unixPath(host string) (string, error) {
	switch {
	case strings.HasPrefix(host, "unix://"):
		p := strings.TrimPrefix(host, "unix://")
		if !filepath.IsAbs(p) {
			return "", fmt.Errorf("invalid host %q: the socket path must be absolute", host)
		}
		return p, nil
	case filepath.IsAbs(host):
		return host, nil
	case strings.HasPrefix(host, "tcp://"), strings.HasPrefix(host, "fd://"):
		return "", fmt.Errorf("invalid host %q: skiff listens only on unix sockets for now", host)
	default:
		return "", fmt.Errorf("invalid host %q: use unix:///path/to/skiff.sock", host)
	}
}

// ErrAlreadyRunning means another daemon answers on the socket.
var ErrAlreadyRunning = errors.New("a skiff daemon is already running")

// checkNotRunning fails when something answers on path, and removes a stale
// socket file that nothing listens on any more.
func checkNotRunning(path string) error {
	if _, err := os.Lstat(path); err != nil {
		return nil
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		c.Close()
		return fmt.Errorf("%w on %s", ErrAlreadyRunning, path)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("removing stale socket %s: %w", path, err)
	}
	return nil
}

func listenUnix(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating socket directory: %w", err)
	}
	if err := checkNotRunning(path); err != nil {
		return nil, err
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", path, err)
	}
	// The fd outlives this listener: the engine serves on a dup of it.
	ln.SetUnlinkOnClose(false)
	defer ln.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		os.Remove(path)
		return nil, err
	}
	f, err := ln.File()
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return f, nil
}

func (l *listeners) close() {
	for _, f := range l.files {
		f.Close()
	}
}

// engineListeners turns the inherited fds back into listeners.
func engineListeners() ([]net.Listener, error) {
	var n int
	if _, err := fmt.Sscan(os.Getenv(supervisor.EnvEngineListenFDs), &n); err != nil || n <= 0 {
		return nil, errors.New("the engine got no API listener (it is started by `skiff daemon`, not by hand)")
	}
	os.Unsetenv(supervisor.EnvEngineListenFDs)
	out := make([]net.Listener, 0, n)
	for i := 0; i < n; i++ {
		f := os.NewFile(uintptr(3+i), fmt.Sprintf("listener-%d", i))
		ln, err := net.FileListener(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("listener fd %d: %w", 3+i, err)
		}
		out = append(out, ln)
	}
	return out, nil
}
