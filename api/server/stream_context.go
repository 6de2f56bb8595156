package server

import (
	"context"
	"net/http"

	"github.com/skiff-engine/skiff/api/httputils"
)

// streamContext returns the request's context, also cancelled when the
// server shuts down, for handlers that may run as long as a container
// (wait, logs -f, stats, attach): Shutdown must not wait on them.
func streamContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	stop := httputils.StopFromContext(r.Context())
	if stop == nil {
		return ctx, cancel
	}
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
