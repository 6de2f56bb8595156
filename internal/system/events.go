package system

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	ievents "github.com/skiff-engine/skiff/internal/events"
	"github.com/skiff-engine/skiff/internal/filters"
)

// EventSource adapts the engine's broker to the events route.
type EventSource struct{ Broker *ievents.Broker }

// SubscribeEvents validates the window and filters and subscribes.
func (e EventSource) SubscribeEvents(_ context.Context, since, until string, ef filters.Args) ([]events.Message, <-chan events.Message, func(), error) {
	s, err := parseTimestamp("since", since)
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := parseTimestamp("until", until)
	if err != nil {
		return nil, nil, nil, err
	}
	match, err := ievents.Filter(ef)
	if err != nil {
		return nil, nil, nil, err
	}
	past, live, cancel := e.Broker.Subscribe(s, u, match)
	return past, live, cancel, nil
}

// parseTimestamp reads the API's "seconds[.nanoseconds]" form (the docker
// CLI turns durations and dates into it before sending). "" is the zero time.
func parseTimestamp(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	secStr, nsStr, hasFrac := strings.Cut(v, ".")
	sec, err := strconv.ParseInt(secStr, 10, 64)
	if err != nil {
		return time.Time{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid value for %s: %q is not a unix timestamp", name, v))
	}
	var ns int64
	if hasFrac {
		if len(nsStr) > 9 {
			nsStr = nsStr[:9]
		}
		nsStr += strings.Repeat("0", 9-len(nsStr))
		if ns, err = strconv.ParseInt(nsStr, 10, 64); err != nil {
			return time.Time{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid value for %s: %q is not a unix timestamp", name, v))
		}
	}
	return time.Unix(sec, ns), nil
}
