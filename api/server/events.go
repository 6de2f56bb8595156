package server

import (
	"net/http"

	"github.com/moby/moby/api/types/events"
	"github.com/skiff-engine/skiff/api/httputils"
	"github.com/skiff-engine/skiff/internal/filters"
)

// getEvents streams GET /events: the kept messages in the since/until
// window, then live ones, one JSON document per message, each flushed. The
// stream ends when the backend closes live (until reached), the client
// goes away, or the server shuts down. since and until are unix timestamps
// ("1700000000" or "1700000000.000000001"); the client converts durations
// and dates before sending, so the backend parses only that form.
func (s *Server) getEvents(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return httputils.InvalidParameter(err)
	}
	ef, err := filters.Parse(r.Form.Get("filters"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	past, live, cancel, err := s.opts.System.SubscribeEvents(ctx, r.Form.Get("since"), r.Form.Get("until"), ef)
	if err != nil {
		return err
	}
	if cancel != nil {
		defer cancel()
	}

	out := httputils.NewJSONStreamWriter(w, httputils.NegotiateStreamType(r))
	legacy := httputils.VersionLessThan(httputils.VersionFromContext(ctx), "1.52")
	send := func(m events.Message) error {
		if legacy {
			return out.Encode(withLegacyFields(m))
		}
		return out.Encode(m)
	}

	for _, m := range past {
		if err := send(m); err != nil {
			return err
		}
	}
	if live == nil {
		return nil
	}
	stop := httputils.StopFromContext(ctx)
	for {
		select {
		case m, ok := <-live:
			if !ok {
				return nil
			}
			if err := send(m); err != nil {
				return err
			}
		case <-ctx.Done():
			return nil
		case <-stop:
			return nil
		}
	}
}

// legacyMessage adds the fields API < 1.52 still sent (status, id, from).
// Docker CLIs before 25.0 read them and crash when they are missing.
type legacyMessage struct {
	events.Message
	Status string `json:"status,omitempty"`
	ID     string `json:"id,omitempty"`
	From   string `json:"from,omitempty"`
}

func withLegacyFields(m events.Message) any {
	switch m.Type {
	case events.ContainerEventType:
		return legacyMessage{Message: m, Status: string(m.Action), ID: m.Actor.ID, From: m.Actor.Attributes["image"]}
	case events.ImageEventType:
		return legacyMessage{Message: m, Status: string(m.Action), ID: m.Actor.ID}
	default:
		return m
	}
}
