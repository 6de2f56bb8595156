package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/events"
)

func publish(fs *fakeSystem, typ events.Type, action events.Action, id string, at time.Time, attrs map[string]string) {
	fs.broker.Publish(events.Message{Type: typ, Action: action, Actor: events.Actor{ID: id, Attributes: attrs}, Time: at.Unix(), TimeNano: at.UnixNano()})
}

func ts(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }

// readEvents reads n JSON lines from body, failing on timeout.
func readEvents(t *testing.T, sc *bufio.Scanner, n int) []map[string]any {
	t.Helper()
	var out []map[string]any
	for len(out) < n {
		if !sc.Scan() {
			t.Fatalf("stream ended after %d of %d events: %v", len(out), n, sc.Err())
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func actorID(m map[string]any) string {
	a, _ := m["Actor"].(map[string]any)
	id, _ := a["ID"].(string)
	return id
}

func TestEventsReplayWindow(t *testing.T) {
	fs := newFakeSystem()
	s := newTestServer(t, Options{System: fs})
	base := time.Now().Add(-time.Hour)
	for i, id := range []string{"a", "b", "c", "d"} {
		publish(fs, events.ContainerEventType, events.ActionStart, id, base.Add(time.Duration(i)*time.Minute), map[string]string{"name": id, "image": "busybox"})
	}
	publish(fs, events.ImageEventType, events.ActionPull, "sha256:1", base.Add(5*time.Minute), map[string]string{"name": "busybox:latest"})

	tests := []struct {
		name  string
		query url.Values
		want  string
	}{
		{"since until", url.Values{"since": {ts(base.Add(time.Minute))}, "until": {ts(base.Add(2 * time.Minute))}}, "[b c]"},
		{"until only", url.Values{"until": {ts(base.Add(time.Minute))}}, "[a b]"},
		{"integer seconds", url.Values{"since": {fmt.Sprint(base.Add(3 * time.Minute).Unix())}, "until": {ts(time.Now())}}, "[d sha256:1]"},
		{"filter type", url.Values{"since": {ts(base)}, "until": {ts(time.Now())}, "filters": {`{"type":{"image":true}}`}}, "[sha256:1]"},
		{"filter container legacy form", url.Values{"since": {ts(base)}, "until": {ts(time.Now())}, "filters": {`{"container":["c"]}`}}, "[c]"},
		{"filter image", url.Values{"since": {ts(base)}, "until": {ts(time.Now())}, "filters": {`{"image":{"busybox":true},"event":{"pull":true}}`}}, "[sha256:1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(s, "GET", "/v1.52/events?"+tc.query.Encode(), "", nil)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(rec.Body.String()), "\n") {
				if line == "" {
					continue
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatal(err)
				}
				got = append(got, actorID(m))
			}
			if fmt.Sprint(got) != tc.want {
				t.Fatalf("got %v, want %s", got, tc.want)
			}
		})
	}
}

func TestEventsBadInput(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct{ query, msg string }{
		{"filters=%7Bnot", "invalid filter"},
		{"filters=" + url.QueryEscape(`{"colour":{"red":true}}`), "invalid filter 'colour'"},
		{"since=yesterday", ""},
	}
	for _, tc := range tests {
		rec := do(s, "GET", "/events?"+tc.query, "", nil)
		if rec.Code != 400 {
			t.Errorf("%s: status %d, want 400", tc.query, rec.Code)
			continue
		}
		if tc.msg != "" && message(t, rec.Body.String()) != tc.msg {
			t.Errorf("%s: message %s", tc.query, rec.Body)
		}
	}
}

func TestEventsLegacyFields(t *testing.T) {
	fs := newFakeSystem()
	s := newTestServer(t, Options{System: fs})
	at := time.Now().Add(-time.Minute)
	publish(fs, events.ContainerEventType, events.ActionDie, "cid", at, map[string]string{"image": "busybox"})
	q := "?since=" + ts(at.Add(-time.Second)) + "&until=" + ts(time.Now())
	old := do(s, "GET", "/v1.51/events"+q, "", nil).Body.String()
	if !strings.Contains(old, `"status":"die"`) || !strings.Contains(old, `"id":"cid"`) || !strings.Contains(old, `"from":"busybox"`) {
		t.Fatalf("API 1.51 lacks legacy fields: %s", old)
	}
	cur := do(s, "GET", "/v1.52/events"+q, "", nil).Body.String()
	if strings.Contains(cur, `"status"`) || !strings.Contains(cur, `"Action":"die"`) {
		t.Fatalf("API 1.52 has legacy fields: %s", cur)
	}
}

func TestEventsLiveStream(t *testing.T) {
	fs := newFakeSystem()
	s := newTestServer(t, Options{System: fs})
	sock := serveUnix(t, s)
	c := unixClient(sock)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	past := time.Now().Add(-time.Second)
	publish(fs, events.ContainerEventType, events.ActionCreate, "old", past, nil)
	q := url.Values{"since": {ts(past.Add(-time.Millisecond))}, "filters": {`{"type":{"container":true}}`}}
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://skiff/v1.52/events?"+q.Encode(), nil)
	req.Header.Set("Accept", "application/x-ndjson")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	if got := actorID(readEvents(t, sc, 1)[0]); got != "old" {
		t.Fatalf("replay = %s", got)
	}
	// Live messages arrive one by one (flushed), filtered.
	for _, id := range []string{"vol", "live1", "live2"} {
		typ := events.ContainerEventType
		if id == "vol" {
			typ = events.VolumeEventType
		}
		fs.broker.Publish(events.Message{Type: typ, Action: events.ActionStart, Actor: events.Actor{ID: id}})
		if id == "vol" {
			continue
		}
		done := make(chan string, 1)
		go func() { done <- actorID(readEvents(t, sc, 1)[0]) }()
		select {
		case got := <-done:
			if got != id {
				t.Fatalf("live = %s, want %s", got, id)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("live event %s not flushed", id)
		}
	}
	if n := s.ActiveConnections(); n != 1 {
		t.Fatalf("ActiveConnections during stream = %d, want 1", n)
	}
	cancel()
	deadline := time.Now().Add(3 * time.Second)
	for fs.broker.Subscribers() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("subscription not cancelled after client left")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEventsUntilFutureEndsStream(t *testing.T) {
	fs := newFakeSystem()
	s := newTestServer(t, Options{System: fs})
	c := unixClient(serveUnix(t, s))
	resp, err := c.Get("http://skiff/events?until=" + ts(time.Now().Add(300*time.Millisecond)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	fs.broker.Publish(events.Message{Type: events.NetworkEventType, Action: events.ActionCreate, Actor: events.Actor{ID: "n1"}})
	done := make(chan []map[string]any, 1)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var all []map[string]any
		for sc.Scan() {
			var m map[string]any
			_ = json.Unmarshal(sc.Bytes(), &m)
			all = append(all, m)
		}
		done <- all
	}()
	select {
	case all := <-done:
		if len(all) != 1 || actorID(all[0]) != "n1" {
			t.Fatalf("got %v", all)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stream did not end at until")
	}
}

func TestEventsJSONSeq(t *testing.T) {
	fs := newFakeSystem()
	s := newTestServer(t, Options{System: fs})
	at := time.Now().Add(-time.Second)
	publish(fs, events.VolumeEventType, events.ActionCreate, "v", at, nil)
	rec := do(s, "GET", "/events?since="+ts(at.Add(-time.Second))+"&until="+ts(time.Now()), "", http.Header{"Accept": {"application/json-seq"}})
	if rec.Header().Get("Content-Type") != "application/json-seq" || !strings.HasPrefix(rec.Body.String(), "\x1e{") {
		t.Fatalf("type %q body %q", rec.Header().Get("Content-Type"), rec.Body)
	}
	rec = do(s, "GET", "/events?since="+ts(at.Add(-time.Second))+"&until="+ts(time.Now()), "", nil)
	if rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("default type %q", rec.Header().Get("Content-Type"))
	}
}
