package jsonfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// watcher signals on C when the log file is written or created. It
// watches the file's directory, so a log that does not exist yet is seen
// when it appears. A missing directory gives a watcher whose C never fires
// (the container's log can then only stay empty).
type watcher struct {
	C <-chan struct{}
	f *os.File
}

func watch(path string) (*watcher, error) {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("inotify_init1", err)
	}
	dir, name := filepath.Dir(path), filepath.Base(path)
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_MODIFY|unix.IN_CREATE|unix.IN_MOVED_TO); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.ENOENT) {
			return &watcher{}, nil
		}
		return nil, os.NewSyscallError("inotify_add_watch", err)
	}
	// A non-blocking fd makes os.File use the runtime poller, so Close
	// wakes the pending Read and the goroutine ends.
	f := os.NewFile(uintptr(fd), "inotify")
	c := make(chan struct{}, 1)
	go loop(f, name, c)
	return &watcher{C: c, f: f}, nil
}

// Close stops the watch.
func (w *watcher) Close() error {
	if w.f == nil {
		return nil
	}
	return w.f.Close()
}

func loop(f *os.File, name string, c chan<- struct{}) {
	buf := make([]byte, 64*(unix.SizeofInotifyEvent+unix.NAME_MAX+1))
	for {
		n, err := f.Read(buf)
		if err != nil {
			return
		}
		if concerns(buf[:n], name) {
			// One pending signal is enough: the reader reads to the end.
			select {
			case c <- struct{}{}:
			default:
			}
		}
	}
}

// concerns reports whether a batch of inotify events names the file (or
// overflowed, when it may have).
func concerns(b []byte, name string) bool {
	for len(b) >= unix.SizeofInotifyEvent {
		mask := binary.NativeEndian.Uint32(b[4:8])
		n := int(binary.NativeEndian.Uint32(b[12:16]))
		end := unix.SizeofInotifyEvent + n
		if end > len(b) {
			return true
		}
		if mask&unix.IN_Q_OVERFLOW != 0 {
			return true
		}
		if string(bytes.TrimRight(b[unix.SizeofInotifyEvent:end], "\x00")) == name {
			return true
		}
		b = b[end:]
	}
	return false
}
