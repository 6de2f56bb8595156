package server

import (
	"context"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/system"
	"github.com/skiff-engine/skiff/internal/filters"
)

// SystemBackend is what the system routes (/_ping, /version, /info, /events)
// need from the engine. internal/ implements it.
type SystemBackend interface {
	// Version answers GET /version (the server part of `docker version`).
	Version(ctx context.Context) system.VersionResponse
	// Info answers GET /info.
	Info(ctx context.Context) (*system.Info, error)
	// SubscribeEvents returns the buffered events matching the window and
	// filters, and a channel of live ones; cancel ends the subscription.
	SubscribeEvents(ctx context.Context, since, until string, ef filters.Args) (past []events.Message, live <-chan events.Message, cancel func(), err error)
}
