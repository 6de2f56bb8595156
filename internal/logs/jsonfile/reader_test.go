package jsonfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// writeLog logs n lines "line i\n", entry i at t0 + i seconds.
func writeLog(t *testing.T, path string, n int) {
	t.Helper()
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range n {
		stream := "stdout"
		if i%2 == 1 {
			stream = "stderr"
		}
		if err := w.Log(stream, fmt.Appendf(nil, "line %d\n", i), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
}

// collect gathers messages until the channel closes; it fails the test if
// that takes longer than d.
func collect(t *testing.T, ch <-chan Message, d time.Duration) []Message {
	t.Helper()
	var got []Message
	timeout := time.After(d)
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, m)
		case <-timeout:
			t.Fatalf("channel still open after %v; got %d messages", d, len(got))
		}
	}
}

func lines(ms []Message) string {
	var b strings.Builder
	for _, m := range ms {
		if m.Err != nil {
			fmt.Fprintf(&b, "ERR(%v)", m.Err)
			continue
		}
		b.Write(m.Line)
	}
	return b.String()
}

func want(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return b.String()
}

func TestReadTailSinceUntil(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	writeLog(t, path, 10)
	sec := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	cases := []struct {
		name string
		opts ReadOptions
		want string
	}{
		{"all", ReadOptions{Tail: -1}, want(0, 10)},
		{"tail 3", ReadOptions{Tail: 3}, want(7, 10)},
		{"tail 0", ReadOptions{Tail: 0}, ""},
		{"tail more than there is", ReadOptions{Tail: 100}, want(0, 10)},
		{"since inclusive", ReadOptions{Tail: -1, Since: sec(4)}, want(4, 10)},
		{"until inclusive", ReadOptions{Tail: -1, Until: sec(4)}, want(0, 5)},
		{"since and until", ReadOptions{Tail: -1, Since: sec(2), Until: sec(5)}, want(2, 6)},
		{"tail then since", ReadOptions{Tail: 5, Since: sec(7)}, want(7, 10)},
		{"since between entries", ReadOptions{Tail: -1, Since: sec(8).Add(-time.Millisecond)}, want(8, 10)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := collect(t, Read(context.Background(), path, c.opts), 5*time.Second)
			if s := lines(got); s != c.want {
				t.Errorf("got %q, want %q", s, c.want)
			}
		})
	}
}

func TestReadFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	writeLog(t, path, 2)
	got := collect(t, Read(context.Background(), path, ReadOptions{Tail: -1}), 5*time.Second)
	if len(got) != 2 {
		t.Fatalf("got %d messages", len(got))
	}
	if got[0].Stream != "stdout" || got[1].Stream != "stderr" {
		t.Errorf("streams %q %q", got[0].Stream, got[1].Stream)
	}
	if !got[1].Time.Equal(t0.Add(time.Second)) {
		t.Errorf("time %v", got[1].Time)
	}
}

func TestReadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "never-json.log")
	if got := collect(t, Read(context.Background(), path, ReadOptions{Tail: -1}), 5*time.Second); len(got) != 0 {
		t.Errorf("got %d messages from a missing log", len(got))
	}
	stopped := make(chan struct{})
	close(stopped)
	if got := collect(t, Read(context.Background(), path, ReadOptions{Tail: -1, Follow: true, Stopped: stopped}), 5*time.Second); len(got) != 0 {
		t.Errorf("got %d messages from a missing log", len(got))
	}
}

func TestReadCorruptLineStops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	good := `{"log":"a\n","stream":"stdout","time":"2026-03-01T12:00:00Z"}` + "\n"
	if err := os.WriteFile(path, []byte(good+"{not json\n"+good), 0o600); err != nil {
		t.Fatal(err)
	}
	got := collect(t, Read(context.Background(), path, ReadOptions{Tail: -1}), 5*time.Second)
	if len(got) != 2 || got[0].Err != nil || string(got[0].Line) != "a\n" || got[1].Err == nil {
		t.Fatalf("got %q, want one line then an error", lines(got))
	}
}

func TestReadSkipsUnfinishedLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	writeLog(t, path, 3)
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"log":"half`)
	f.Close()
	for _, c := range []struct {
		tail int
		want string
	}{{-1, want(0, 3)}, {2, want(1, 3)}} {
		got := collect(t, Read(context.Background(), path, ReadOptions{Tail: c.tail}), 5*time.Second)
		if s := lines(got); s != c.want {
			t.Errorf("tail %d: got %q, want %q", c.tail, s, c.want)
		}
	}
}

func TestFollowConcurrentWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	writeLog(t, path, 5)
	stopped := make(chan struct{})
	ch := Read(context.Background(), path, ReadOptions{Tail: 2, Follow: true, Stopped: stopped})
	// The tail is taken when the reader starts: take it before writing.
	got := []Message{<-ch, <-ch}

	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	const n = 500
	done := make(chan struct{})
	go func() {
		defer close(done)
		out := w.Stream("stdout")
		for i := 5; i < 5+n; i++ {
			fmt.Fprintf(out, "line %d\n", i)
		}
	}()
	for len(got) < 2+n {
		select {
		case m, ok := <-ch:
			if !ok {
				t.Fatalf("closed after %d messages", len(got))
			}
			got = append(got, m)
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d messages", len(got))
		}
	}
	<-done
	// A line written right before the stop is still delivered.
	w.Log("stderr", []byte("last\n"), time.Now())
	w.Close()
	close(stopped)
	got = append(got, collect(t, ch, 5*time.Second)...)
	if s, w := lines(got), want(3, 5+n)+"last\n"; s != w {
		t.Errorf("got %d bytes, want %d; tail of got %q", len(s), len(w), s[max(0, len(s)-60):])
	}
}

func TestFollowWaitsForNewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := Read(ctx, path, ReadOptions{Tail: -1, Follow: true})
	entry := `{"log":"whole\n","stream":"stdout","time":"2026-03-01T12:00:00Z"}` + "\n"
	f.WriteString(entry[:20])
	select {
	case m := <-ch:
		t.Fatalf("got %+v from half an entry", m)
	case <-time.After(200 * time.Millisecond):
	}
	f.WriteString(entry[20:])
	select {
	case m := <-ch:
		if m.Err != nil || string(m.Line) != "whole\n" {
			t.Fatalf("got %+v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message after the newline")
	}
}

func TestFollowLogCreatedLater(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	stopped := make(chan struct{})
	ch := Read(context.Background(), path, ReadOptions{Tail: 0, Follow: true, Stopped: stopped})
	time.Sleep(50 * time.Millisecond) // let the reader find no file
	writeLog(t, path, 2)
	select {
	case m := <-ch:
		if string(m.Line) != "line 0\n" {
			t.Fatalf("got %+v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the new log was not seen")
	}
	close(stopped)
	if s := lines(collect(t, ch, 5*time.Second)); s != "line 1\n" {
		t.Errorf("rest %q", s)
	}
}

func TestFollowEndsOnCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	writeLog(t, path, 3)
	ctx, cancel := context.WithCancel(context.Background())
	ch := Read(ctx, path, ReadOptions{Tail: -1, Follow: true})
	for range 3 {
		<-ch
	}
	cancel()
	collect(t, ch, 5*time.Second)

	// Cancel while the reader is blocked sending, too.
	ctx, cancel = context.WithCancel(context.Background())
	ch = Read(ctx, path, ReadOptions{Tail: -1, Follow: true})
	time.Sleep(20 * time.Millisecond)
	cancel()
	if got := collect(t, ch, 5*time.Second); len(got) > 3 {
		t.Errorf("got %d messages", len(got))
	}
}

func TestFollowEndsAtUntil(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	writeLog(t, path, 2)
	ch := Read(context.Background(), path, ReadOptions{Tail: -1, Follow: true, Until: time.Now().Add(100 * time.Millisecond)})
	if s := lines(collect(t, ch, 5*time.Second)); s != want(0, 2) {
		t.Errorf("got %q", s)
	}
}
