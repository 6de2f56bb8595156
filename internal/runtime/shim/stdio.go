package shim

import (
	"io"
	"os"
	"sync"

	"github.com/creack/pty"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// output is one stream the container writes and the shim reads.
type output struct {
	name   string // json-file stream name
	stream byte   // attach frame stream
	r      *os.File
}

// stdio is the container's standard I/O as the shim holds it: pipes, or
// with a tty one pty master as the only output and as stdin, with the
// slave as all three child files.
type stdio struct {
	child   [3]*os.File    // init's 0, 1, 2; closed in the shim once init runs
	stdin   io.WriteCloser // where attached stdin goes; nil without one
	once    sync.Once
	outputs []output
	master  *os.File // the pty master; nil without a tty
}

// newPTY makes the container's terminal. Its output is logged as stdout,
// as Docker does. Closing stdin must not close the master (the output
// would end with it): a tty's stdin only stops being fed, as with
// containerd's CloseIO on a console.
func newPTY(openStdin bool, size *pty.Winsize) (*stdio, error) {
	master, slave, err := pty.Open()
	if err != nil {
		return nil, err
	}
	if size != nil {
		if err := pty.Setsize(master, size); err != nil {
			master.Close()
			slave.Close()
			return nil, err
		}
	}
	s := &stdio{child: [3]*os.File{slave, slave, slave}, master: master}
	if openStdin {
		s.stdin = masterInput{master}
	}
	s.outputs = []output{{name: "stdout", stream: shimapi.StreamStdout, r: master}}
	return s, nil
}

// masterInput writes to the pty master; Close leaves it open.
type masterInput struct{ f *os.File }

func (m masterInput) Write(p []byte) (int, error) { return m.f.Write(p) }
func (m masterInput) Close() error                { return nil }

func newPipes(openStdin bool) (_ *stdio, err error) {
	s := &stdio{}
	defer func() {
		if err != nil {
			s.closeChild()
			s.closeStdin()
			for _, o := range s.outputs {
				o.r.Close()
			}
		}
	}()
	if openStdin {
		if s.child[0], s.stdin, err = os.Pipe(); err != nil {
			return nil, err
		}
	} else if s.child[0], err = os.Open(os.DevNull); err != nil {
		return nil, err
	}
	for i, o := range []output{
		{name: "stdout", stream: shimapi.StreamStdout},
		{name: "stderr", stream: shimapi.StreamStderr},
	} {
		if o.r, s.child[i+1], err = os.Pipe(); err != nil {
			return nil, err
		}
		s.outputs = append(s.outputs, o)
	}
	return s, nil
}

// closeChild drops the shim's copies of init's ends, so that the outputs
// see EOF when the container's last writer is gone.
func (s *stdio) closeChild() {
	for i, f := range s.child {
		if f != nil {
			f.Close() // the pty slave is the same file thrice: Close is idempotent
			s.child[i] = nil
		}
	}
}

// closeStdin gives the container EOF on stdin; safe to call repeatedly.
func (s *stdio) closeStdin() {
	s.once.Do(func() {
		if s.stdin != nil {
			s.stdin.Close()
		}
	})
}
