// Package events is the engine's event bus: the engine publishes what
// happens to containers, images, networks and volumes, and `GET /events`
// subscribers replay recent history and then follow live messages.
package events

import (
	"sync"
	"time"

	"github.com/moby/moby/api/types/events"
)

// DefaultRingSize is how many past messages a Broker keeps for replay when
// New is given a size <= 0; dockerd keeps the same number.
const DefaultRingSize = 1024

// SubscriberBuffer is how many live messages a subscriber may fall behind
// before the broker drops messages for it.
const SubscriberBuffer = 256

// Broker fans published messages out to subscribers and keeps the latest
// ones in a bounded ring so `docker events --since` can replay them.
//
// Publish never blocks on a subscriber: each has a SubscriberBuffer-deep
// channel, and a message that does not fit is dropped for that subscriber
// only (counted, see Dropped). A slow `docker events` then misses messages
// instead of stalling the engine.
type Broker struct {
	mu      sync.Mutex
	ring    []events.Message // circular; next is the write position
	next    int
	full    bool
	subs    map[*subscriber]struct{}
	dropped uint64
}

type subscriber struct {
	ch     chan events.Message
	match  func(events.Message) bool
	until  int64 // UnixNano; 0 = no end
	closed bool
	timer  *time.Timer
}

// New returns a Broker that keeps the last ringSize messages for replay.
func New(ringSize int) *Broker {
	if ringSize <= 0 {
		ringSize = DefaultRingSize
	}
	return &Broker{
		ring: make([]events.Message, ringSize),
		subs: map[*subscriber]struct{}{},
	}
}

// Publish records m and delivers it to every matching subscriber. It fills
// in Time/TimeNano from the clock when both are zero (from each other when
// one is set) and Scope "local" when empty. It never blocks.
func (b *Broker) Publish(m events.Message) {
	switch {
	case m.Time == 0 && m.TimeNano == 0:
		now := time.Now()
		m.Time, m.TimeNano = now.Unix(), now.UnixNano()
	case m.TimeNano == 0:
		m.TimeNano = time.Unix(m.Time, 0).UnixNano()
	case m.Time == 0:
		m.Time = time.Unix(0, m.TimeNano).Unix()
	}
	if m.Scope == "" {
		m.Scope = "local"
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	b.ring[b.next] = m
	b.next = (b.next + 1) % len(b.ring)
	if b.next == 0 {
		b.full = true
	}
	for s := range b.subs {
		if s.until != 0 && m.TimeNano > s.until {
			continue
		}
		if s.match != nil && !s.match(m) {
			continue
		}
		select {
		case s.ch <- m:
		default:
			b.dropped++
		}
	}
}

// Dropped returns how many live deliveries were dropped because a
// subscriber's buffer was full.
func (b *Broker) Dropped() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
}

// Subscribe returns the kept messages in [since, until] that match (oldest
// first) and a channel of live matching messages published afterwards; the
// two never overlap or leave a gap. A zero since and zero until replay
// nothing, as dockerd does; a zero until with a since replays from since.
// A nil match matches everything.
//
// live is closed by cancel, or when until (if non-zero) passes; if until is
// already past, live is returned closed. cancel is safe to call more than once.
func (b *Broker) Subscribe(since, until time.Time, match func(events.Message) bool) (past []events.Message, live <-chan events.Message, cancel func()) {
	var sinceNano, untilNano int64
	if !since.IsZero() {
		sinceNano = since.UnixNano()
	}
	if !until.IsZero() {
		untilNano = until.UnixNano()
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	if !since.IsZero() || !until.IsZero() {
		b.each(func(m events.Message) {
			if m.TimeNano < sinceNano || (untilNano != 0 && m.TimeNano > untilNano) {
				return
			}
			if match == nil || match(m) {
				past = append(past, m)
			}
		})
	}

	s := &subscriber{ch: make(chan events.Message, SubscriberBuffer), match: match, until: untilNano}
	cancel = func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.remove(s)
	}
	if !until.IsZero() {
		d := time.Until(until)
		if d <= 0 {
			s.closed = true
			close(s.ch)
			return past, s.ch, cancel
		}
		s.timer = time.AfterFunc(d, cancel)
	}
	b.subs[s] = struct{}{}
	return past, s.ch, cancel
}

// Subscribers returns the number of live subscriptions.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// remove unregisters s and closes its channel; b.mu must be held.
func (b *Broker) remove(s *subscriber) {
	if s.closed {
		return
	}
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	delete(b.subs, s)
	close(s.ch)
}

// each calls fn for the kept messages, oldest first; b.mu must be held.
func (b *Broker) each(fn func(events.Message)) {
	if b.full {
		for _, m := range b.ring[b.next:] {
			fn(m)
		}
	}
	for _, m := range b.ring[:b.next] {
		fn(m)
	}
}
