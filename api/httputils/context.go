package httputils

import "context"

type versionKey struct{}

type stopKey struct{}

// WithVersion returns ctx carrying the API version the client asked for
// (from the /vX.Y prefix, or the server's newest when there was none).
func WithVersion(ctx context.Context, version string) context.Context {
	return context.WithValue(ctx, versionKey{}, version)
}

// VersionFromContext returns the request's API version, "" if none is set.
func VersionFromContext(ctx context.Context) string {
	v, _ := ctx.Value(versionKey{}).(string)
	return v
}

// WithStop returns ctx carrying a channel closed when the server shuts
// down, so long-lived streams (events, logs -f, attach) can end and let
// Shutdown finish; ordinary requests just complete.
func WithStop(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// StopFromContext returns the server's shutdown channel; nil (never ready)
// outside a server.
func StopFromContext(ctx context.Context) <-chan struct{} {
	c, _ := ctx.Value(stopKey{}).(<-chan struct{})
	return c
}
