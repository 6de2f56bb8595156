package containers

import (
	"strings"

	"github.com/moby/moby/api/types/events"
)

// publish sends a container event with Docker's attributes: the
// container's labels, its name and image, and extra.
func (s *Service) publish(c *ctr, action events.Action, extra map[string]string) {
	if s.opt.Events == nil {
		return
	}
	c.mu.Lock()
	attrs := make(map[string]string, len(c.rec.Config.Labels)+2+len(extra))
	for k, v := range c.rec.Config.Labels {
		attrs[k] = v
	}
	attrs["name"] = strings.TrimPrefix(c.rec.Name, "/")
	attrs["image"] = c.rec.Config.Image
	id := c.rec.ID
	c.mu.Unlock()
	for k, v := range extra {
		attrs[k] = v
	}
	s.opt.Events.Publish(events.Message{Type: events.ContainerEventType, Action: action, Actor: events.Actor{ID: id, Attributes: attrs}})
}

// execAction is an exec event's action as dockerd words it: the action,
// then the entrypoint and the joined arguments after a space (so an exec
// without arguments ends in a space: "exec_create: true ").
func execAction(action events.Action, cmd []string) events.Action {
	if len(cmd) == 0 {
		return events.Action(string(action) + ":  ")
	}
	return events.Action(string(action) + ": " + cmd[0] + " " + strings.Join(cmd[1:], " "))
}
