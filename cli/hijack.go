package cli

import (
	"errors"
	"io"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/api/detachkeys"
)

// streamIO is what a hijacked attach or exec stream is connected to.
type streamIO struct {
	tty            bool      // raw output, and stdin is scanned for the detach keys
	stdin          io.Reader // nil: nothing is sent
	stdout, stderr io.Writer
	detachKeys     string // "" is ctrl-p,ctrl-q
}

// pumpStreams copies a hijacked stream's output to the CLI (demultiplexed
// unless tty) and the CLI's stdin to it, half-closing at stdin's end, as
// the docker CLI does. The channel gets nil when the output ended,
// detachkeys.ErrDetached when the user typed the detach keys (looked for
// here too, as the docker CLI does, so a detach never waits on the
// daemon), or a copy error. run, attach and exec share it.
func pumpStreams(resp client.HijackedResponse, o streamIO) <-chan error {
	done := make(chan error, 2)
	outDone := make(chan error, 1)
	go func() {
		var err error
		if o.tty {
			_, err = io.Copy(o.stdout, resp.Reader)
		} else {
			_, err = stdcopy.StdCopy(o.stdout, o.stderr, resp.Reader)
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
		outDone <- err
	}()
	detached := make(chan struct{})
	if o.stdin != nil {
		in := o.stdin
		if o.tty {
			keys, err := detachkeys.Parse(o.detachKeys)
			if err != nil {
				keys, _ = detachkeys.Parse("") // the docker CLI warns and uses the default
			}
			in = detachkeys.NewReader(in, keys)
		}
		go func() {
			_, err := io.Copy(resp.Conn, in)
			if errors.Is(err, detachkeys.ErrDetached) {
				close(detached)
				return
			}
			_ = resp.CloseWrite()
		}()
	}
	go func() {
		select {
		case err := <-outDone:
			done <- err
		case <-detached:
			done <- detachkeys.ErrDetached
		}
	}()
	return done
}

// detachKeys is the --detach-keys value, else config.json's "detachKeys",
// as the docker CLI picks them ("" is ctrl-p,ctrl-q).
func (a *app) detachKeys(flag string) string {
	if flag != "" {
		return flag
	}
	if cf, err := a.configFile(); err == nil {
		return cf.str("detachKeys")
	}
	return ""
}
