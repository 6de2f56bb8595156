package containers

import (
	"context"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/logs/jsonfile"
)

// closedCh is a channel that is always closed: a follow of a stopped
// container drains the log and ends.
var closedCh = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Logs streams the container's json-file log.
func (s *Service) Logs(ctx context.Context, idOrName string, opts server.LogsOptions) (<-chan server.LogMessage, bool, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	path, tty := c.rec.LogPath, c.rec.Config.Tty
	var stopped <-chan struct{} = closedCh
	if c.rec.State.Running {
		stopped = c.exitCh
	}
	c.mu.Unlock()
	in := jsonfile.Read(ctx, path, jsonfile.ReadOptions{
		Since: opts.Since, Until: opts.Until, Tail: opts.Tail,
		Follow: opts.Follow, Stopped: stopped,
	})
	out := make(chan server.LogMessage, 16)
	go func() {
		defer close(out)
		for m := range in {
			if m.Err == nil && (m.Stream == "stdout" && !opts.Stdout || m.Stream == "stderr" && !opts.Stderr) {
				continue
			}
			select {
			case out <- server.LogMessage{Stream: m.Stream, Line: m.Line, Time: m.Time, Err: m.Err}:
			case <-ctx.Done():
				// Drain so the reader's goroutine ends.
				for range in {
				}
				return
			}
		}
	}()
	return out, tty, nil
}
