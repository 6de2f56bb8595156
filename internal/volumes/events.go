package volumes

import "github.com/moby/moby/api/types/events"

// publish sends a volume event; Actor.ID is the volume's name, as dockerd's.
func (s *Service) publish(name string, action events.Action, attrs map[string]string) {
	if s.opt.Events == nil {
		return
	}
	s.opt.Events.Publish(events.Message{Type: events.VolumeEventType, Action: action, Actor: events.Actor{ID: name, Attributes: attrs}})
}
