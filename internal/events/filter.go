package events

import (
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/skiff-engine/skiff/internal/filters"
)

// acceptedFilters are the `filters` keys GET /events takes, as dockerd's
// (swarm kinds included so a docker CLI filter on them is not an error).
var acceptedFilters = map[string]bool{
	"config":    true,
	"container": true,
	"daemon":    true,
	"event":     true,
	"image":     true,
	"label":     true,
	"network":   true,
	"node":      true,
	"plugin":    true,
	"scope":     true,
	"secret":    true,
	"service":   true,
	"type":      true,
	"volume":    true,
}

// fuzzyActions are event filter values that also select their
// "action: detail" variants (health_status: healthy, exec_start: sh ...).
var fuzzyActions = map[string]bool{"health_status": true, "exec_create": true, "exec_start": true}

// Filter turns the `filters` of GET /events into a predicate with dockerd's
// semantics: keys are ANDed, values of one key ORed; object keys (container,
// network, ...) match the actor ID by prefix or its "name" attribute; image
// matches the image ID or name with or without tag; label uses
// Args.MatchKVList on the actor's attributes. Unknown keys are an
// InvalidParameter error.
func Filter(args filters.Args) (func(events.Message) bool, error) {
	if err := args.Validate(acceptedFilters); err != nil {
		return nil, err
	}
	if args.Len() == 0 {
		return func(events.Message) bool { return true }, nil
	}
	fuzzyEvent := false
	for _, v := range args.Get("event") {
		if fuzzyActions[v] {
			fuzzyEvent = true
		}
	}
	return func(m events.Message) bool {
		if fuzzyEvent {
			if !args.FuzzyMatch("event", string(m.Action)) {
				return false
			}
		} else if !args.ExactMatch("event", string(m.Action)) {
			return false
		}
		if !args.ExactMatch("type", string(m.Type)) || !args.ExactMatch("scope", m.Scope) {
			return false
		}
		for _, t := range []events.Type{
			events.DaemonEventType, events.ContainerEventType, events.PluginEventType,
			events.VolumeEventType, events.NetworkEventType, events.NodeEventType,
			events.ServiceEventType, events.SecretEventType, events.ConfigEventType,
		} {
			key := string(t)
			if !args.FuzzyMatch(key, m.Actor.ID) && !args.FuzzyMatch(key, m.Actor.Attributes["name"]) {
				return false
			}
		}
		return matchImage(args, m) && args.MatchKVList("label", m.Actor.Attributes)
	}, nil
}

// matchImage matches the image filter against an image event's ID and name,
// or a container event's "image" attribute, so filtering on an image also
// shows the containers made from it.
func matchImage(args filters.Args, m events.Message) bool {
	attr := "image"
	if m.Type == events.ImageEventType {
		attr = "name"
	}
	name := m.Actor.Attributes[attr]
	return args.ExactMatch("image", m.Actor.ID) ||
		args.ExactMatch("image", name) ||
		args.ExactMatch("image", familiarName(m.Actor.ID)) ||
		args.ExactMatch("image", familiarName(name))
}

// familiarName strips the tag and default registry: "docker.io/library/
// busybox:latest" becomes "busybox".
func familiarName(s string) string {
	ref, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return s
	}
	return reference.FamiliarName(ref)
}
