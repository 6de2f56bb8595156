package network

import (
	"maps"

	"github.com/moby/moby/api/types/events"
)

// publish sends a network event with dockerd's attributes (name, type
// and, for connect/disconnect, the container).
func (s *Service) publish(n *netState, action events.Action, extra map[string]string) {
	if s.opt.Events == nil {
		return
	}
	attrs := map[string]string{"name": n.rec.Name, "type": n.rec.Driver}
	maps.Copy(attrs, extra)
	s.opt.Events.Publish(events.Message{Type: events.NetworkEventType, Action: action, Actor: events.Actor{ID: n.rec.ID, Attributes: attrs}})
}
