package shim

import (
	"os"
	"sync"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// output is one stream the container writes and the shim reads.
type output struct {
	name   string // json-file stream name
	stream byte   // attach frame stream
	r      *os.File
}

// stdio is the container's standard I/O as the shim holds it. Pipes now;
// a tty will be one pty master as the only output and as stdin, with the
// slave as all three child files.
type stdio struct {
	child   [3]*os.File // init's 0, 1, 2; closed in the shim once init runs
	stdin   *os.File    // where attached stdin goes; nil without one
	once    sync.Once
	outputs []output
}

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
			f.Close()
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
