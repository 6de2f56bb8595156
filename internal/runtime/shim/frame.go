package shim

import (
	"io"
	"os"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// readSize is how much one read of a container's output takes: a pipe
// holds 64 KiB by default, so a busy writer's whole backlog in one read.
const readSize = 64 * 1024

// frame is one attach frame: the output is read straight into it after
// room for the header, so it reaches the log and every attached client
// without a copy. Client queues share it read-only; the last one done
// with it gives it back to the pool, so a chatty container makes no
// garbage (and a shim's GC stays idle).
type frame struct {
	b      []byte // header then data; cap is FrameHeader+readSize
	refs   atomic.Int32
	static bool // never pooled (the end frame)
}

var framePool = sync.Pool{New: func() any {
	return &frame{b: make([]byte, shimapi.FrameHeader+readSize)}
}}

func getFrame() *frame { return framePool.Get().(*frame) }

// buf is where a read puts the data.
func (f *frame) buf() []byte { return f.b[shimapi.FrameHeader:cap(f.b)] }

// seal makes f the frame of the n bytes read into buf on stream.
func (f *frame) seal(stream byte, n int) {
	f.b = f.b[:shimapi.FrameHeader+n]
	shimapi.PutHeader(f.b, stream, n)
}

// release drops one reference; the last returns f to the pool.
func (f *frame) release() {
	if f.static || f.refs.Add(-1) != 0 {
		return
	}
	f.b = f.b[:cap(f.b)]
	framePool.Put(f)
}

// endFrame tells a client the output ended.
var endFrame = &frame{b: shimapi.AppendFrame(nil, shimapi.StreamEnd, nil), static: true}

// readFrame reads what r has into a frame taken from the pool only once
// r is readable: an idle container holds no 64 KiB buffer while it waits
// (a shim serves many), and the pool's frames go at the next collections.
// f is nil when nothing was read; err is io.EOF at the end.
func readFrame(r *os.File) (f *frame, n int, err error) {
	rc, err := r.SyscallConn()
	if err != nil {
		return nil, 0, err
	}
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		f = getFrame()
		for {
			n, rerr = unix.Read(int(fd), f.buf())
			if rerr != unix.EINTR {
				break
			}
		}
		if rerr == unix.EAGAIN {
			framePool.Put(f)
			f = nil
			return false // park until it is readable
		}
		return true
	})
	switch {
	case err != nil: // closed to cut it short
		return f, 0, err
	case rerr != nil: // EIO on a pty master once the last slave closed
		return f, 0, os.NewSyscallError("read", rerr)
	case n == 0:
		return f, 0, io.EOF
	}
	return f, n, nil
}
