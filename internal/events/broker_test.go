package events

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/events"
)

func msg(id string, at time.Time) events.Message {
	return events.Message{Type: events.ContainerEventType, Action: events.ActionStart, Actor: events.Actor{ID: id}, Time: at.Unix(), TimeNano: at.UnixNano()}
}

func ids(ms []events.Message) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Actor.ID)
	}
	return out
}

func TestPublishFillsDefaults(t *testing.T) {
	b := New(0)
	before := time.Now()
	b.Publish(events.Message{Type: events.ContainerEventType, Action: events.ActionCreate})
	b.Publish(events.Message{Time: 1700000000})
	b.Publish(events.Message{TimeNano: 1700000001_500000000, Scope: "swarm"})
	past, _, cancel := b.Subscribe(time.Unix(0, 1), time.Time{}, nil)
	defer cancel()
	if len(past) != 3 {
		t.Fatalf("got %d past messages", len(past))
	}
	if past[0].TimeNano < before.UnixNano() || past[0].Time != time.Unix(0, past[0].TimeNano).Unix() || past[0].Scope != "local" {
		t.Errorf("clock defaults not filled: %+v", past[0])
	}
	if past[1].TimeNano != 1700000000_000000000 {
		t.Errorf("TimeNano from Time = %d", past[1].TimeNano)
	}
	if past[2].Time != 1700000001 || past[2].Scope != "swarm" {
		t.Errorf("Time from TimeNano = %d, scope %q", past[2].Time, past[2].Scope)
	}
}

func TestReplayWindow(t *testing.T) {
	b := New(4)
	base := time.Unix(1700000000, 0)
	for i := range 6 { // overflows the ring: m0, m1 are gone
		b.Publish(msg(fmt.Sprintf("m%d", i), base.Add(time.Duration(i)*time.Second)))
	}
	tests := []struct {
		name         string
		since, until time.Time
		match        func(events.Message) bool
		want         string
	}{
		{"no window, no replay", time.Time{}, time.Time{}, nil, "[]"},
		{"since before ring", base, time.Time{}, nil, "[m2 m3 m4 m5]"},
		{"since inclusive", base.Add(4 * time.Second), time.Time{}, nil, "[m4 m5]"},
		{"until only", time.Time{}, base.Add(3 * time.Second), nil, "[m2 m3]"},
		{"since and until", base.Add(3 * time.Second), base.Add(4 * time.Second), nil, "[m3 m4]"},
		{"match", base, time.Time{}, func(m events.Message) bool { return m.Actor.ID != "m3" }, "[m2 m4 m5]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			past, _, cancel := b.Subscribe(tc.since, tc.until, tc.match)
			defer cancel()
			if got := fmt.Sprint(ids(past)); got != tc.want {
				t.Fatalf("past = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestLiveAndCancel(t *testing.T) {
	b := New(8)
	_, live, cancel := b.Subscribe(time.Time{}, time.Time{}, func(m events.Message) bool { return m.Actor.ID != "skip" })
	b.Publish(msg("a", time.Now()))
	b.Publish(msg("skip", time.Now()))
	b.Publish(msg("b", time.Now()))
	for _, want := range []string{"a", "b"} {
		select {
		case m := <-live:
			if m.Actor.ID != want {
				t.Fatalf("got %s, want %s", m.Actor.ID, want)
			}
		case <-time.After(time.Second):
			t.Fatal("no live message")
		}
	}
	cancel()
	cancel() // idempotent
	if _, ok := <-live; ok {
		t.Fatal("live not closed by cancel")
	}
	if b.Subscribers() != 0 {
		t.Fatal("subscriber not removed")
	}
	b.Publish(msg("c", time.Now())) // must not panic on a closed channel
}

func TestUntilPastClosesLive(t *testing.T) {
	b := New(8)
	b.Publish(msg("old", time.Now().Add(-time.Minute)))
	past, live, cancel := b.Subscribe(time.Now().Add(-time.Hour), time.Now().Add(-time.Second), nil)
	defer cancel()
	if len(past) != 1 {
		t.Fatalf("past = %v", ids(past))
	}
	if _, ok := <-live; ok {
		t.Fatal("live should be closed when until is past")
	}
	if b.Subscribers() != 0 {
		t.Fatal("past-until subscription registered")
	}
}

func TestUntilFutureEndsLive(t *testing.T) {
	b := New(8)
	_, live, cancel := b.Subscribe(time.Time{}, time.Now().Add(100*time.Millisecond), nil)
	defer cancel()
	b.Publish(msg("a", time.Now()))
	b.Publish(msg("late", time.Now().Add(time.Hour))) // stamped after until: not delivered
	var got []string
	timeout := time.After(2 * time.Second)
	for {
		select {
		case m, ok := <-live:
			if !ok {
				if fmt.Sprint(got) != "[a]" {
					t.Fatalf("got %v", got)
				}
				return
			}
			got = append(got, m.Actor.ID)
		case <-timeout:
			t.Fatal("live not closed after until")
		}
	}
}

func TestSlowSubscriberDoesNotBlockPublish(t *testing.T) {
	b := New(16)
	_, slow, cancel := b.Subscribe(time.Time{}, time.Time{}, nil)
	defer cancel()
	done := make(chan struct{})
	go func() {
		for i := range SubscriberBuffer + 100 {
			b.Publish(msg(fmt.Sprint(i), time.Now()))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a slow subscriber")
	}
	if got := b.Dropped(); got != 100 {
		t.Fatalf("dropped = %d, want 100", got)
	}
	if first := <-slow; first.Actor.ID != "0" {
		t.Fatalf("kept the wrong end of the stream: first = %s", first.Actor.ID)
	}
}

func TestConcurrentPublishSubscribe(t *testing.T) {
	b := New(32)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 200 {
				b.Publish(msg(fmt.Sprintf("%d-%d", i, j), time.Time{}.Add(0)))
			}
		})
		wg.Go(func() {
			for range 50 {
				_, live, cancel := b.Subscribe(time.Unix(1, 0), time.Time{}, nil)
				select {
				case <-live:
				default:
				}
				cancel()
			}
		})
	}
	wg.Wait()
}
