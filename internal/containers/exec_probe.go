package containers

import (
	"bytes"
	"context"
	"sync"
	"syscall"
)

// probeOutputMax is how much of a probe's output is kept (dockerd's
// maxOutputLen for healthchecks).
const probeOutputMax = 4096

// runProbe runs cmd in the running container c as an exec, as dockerd
// runs a healthcheck: the container's user, working dir and environment,
// no tty, no stdin, stdout and stderr together, capped at 4096 bytes. It
// returns the exit code and output when the process exits; when ctx ends
// first it kills the process, waits for it, and returns ctx's error with
// the output so far. err is also set (with no exit code) when the exec
// could not start; the exec records and events are dockerd's
// (exec_create, exec_start, exec_die).
func (s *Service) runProbe(ctx context.Context, c *ctr, cmd []string) (exitCode int, output string, err error) {
	if err := checkExecState(c, c.rec.ID); err != nil {
		return -1, "", err
	}
	e := s.newExec(c, cmd, "", "", nil, false)
	e.openStdout, e.openErr = true, true
	s.registerExec(e)
	proc, err := s.startExec(ctx, e, false, nil)
	if err != nil {
		return -1, "", err
	}
	buf := &limitedBuffer{}
	done := make(chan struct{})
	go func() {
		pumpOutput(proc, buf, buf)
		proc.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		proc.Kill(syscall.SIGKILL)
		<-done
		waitExited(e)
		return -1, buf.String(), ctx.Err()
	}
	waitExited(e)
	e.mu.Lock()
	code := *e.exitCode
	e.mu.Unlock()
	return code, buf.String(), nil
}

// limitedBuffer keeps the first probeOutputMax bytes written to it.
type limitedBuffer struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	keep := min(probeOutputMax-b.buf.Len(), len(p))
	if keep > 0 {
		b.buf.Write(p[:keep])
	}
	if keep < len(p) {
		b.truncated = true
	}
	return len(p), nil
}

// String is the output, with "..." when some was dropped (dockerd's).
func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.buf.String()
	if b.truncated {
		out += "..."
	}
	return out
}
