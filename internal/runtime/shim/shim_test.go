package shim

import (
	"bufio"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

func TestParseParent(t *testing.T) {
	for stat, want := range map[string]int{
		"123 (sh) S 45 123 123 0 -1": 45,
		"123 (a) b) (c) R 7 1 1 0":   7,
		"9 (with space) S 1 9 9":     1,
		"broken":                     -1,
		"1 (x)":                      -1,
	} {
		got, ok := parseParent(stat)
		if (want < 0 && ok) || (want >= 0 && (!ok || got != want)) {
			t.Errorf("%q: %d %v, want %d", stat, got, ok, want)
		}
	}
}

func TestDescendants(t *testing.T) {
	parents := map[int]int{10: 1, 11: 10, 12: 10, 13: 11, 20: 1, 21: 20}
	got := descendants(10, parents)
	slices.Sort(got)
	if !slices.Equal(got, []int{10, 11, 12, 13}) {
		t.Fatalf("descendants %v", got)
	}
}

// attach connects a client to b over a socketpair-like pipe and returns
// the reading end.
func attach(b *broadcaster, stdout, stderr bool) (*client, net.Conn) {
	ours, theirs := net.Pipe()
	c := newClient(ours, stdout, stderr)
	b.add(c)
	go c.run(b)
	return c, theirs
}

func readFrames(t *testing.T, conn net.Conn) (string, bool) {
	r := bufio.NewReader(conn)
	var out strings.Builder
	for {
		s, d, err := shimapi.ReadFrame(r, nil)
		if err != nil {
			return out.String(), false
		}
		if s == shimapi.StreamEnd {
			return out.String(), true
		}
		out.WriteByte("-oe"[s])
		out.Write(d)
	}
}

func TestBroadcastAll(t *testing.T) {
	b := &broadcaster{clients: map[*client]struct{}{}}
	b.write(shimapi.StreamStdout, []byte("before"))
	_, both := attach(b, true, true)
	_, errOnly := attach(b, false, true)
	results := make(chan string, 2)
	for _, c := range []net.Conn{both, errOnly} {
		go func() {
			out, ended := readFrames(t, c)
			if !ended {
				out += " (no end)"
			}
			results <- out
		}()
	}
	b.write(shimapi.StreamStdout, []byte("a"))
	b.write(shimapi.StreamStderr, []byte("b"))
	b.write(shimapi.StreamStdout, []byte("c"))
	b.end(5 * time.Second)
	got := []string{<-results, <-results}
	slices.Sort(got)
	if want := []string{"eb", "oaebo" + "c"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	// Attaching after the end gets just the end.
	_, late := attach(b, true, true)
	if out, ended := readFrames(t, late); out != "" || !ended {
		t.Fatalf("late attach: %q %v", out, ended)
	}
}

// A client that reads slower than the output comes gets all of it (the
// writer waits); one that never reads is dropped after clientStall, and
// the others go on.
func TestBroadcastSlowAndStuckClients(t *testing.T) {
	defer func(d time.Duration) { clientStall = d }(clientStall)
	clientStall = 300 * time.Millisecond
	b := &broadcaster{clients: map[*client]struct{}{}}
	stuck, _ := attach(b, true, true) // nobody reads the other end
	_, slow := attach(b, true, true)
	got := make(chan int)
	go func() {
		n := 0
		r := bufio.NewReader(slow)
		for {
			time.Sleep(time.Millisecond)
			s, d, err := shimapi.ReadFrame(r, nil)
			if err != nil || s == shimapi.StreamEnd {
				break
			}
			n += len(d)
		}
		got <- n
	}()
	chunk := make([]byte, 32*1024)
	total := 0
	done := make(chan struct{})
	go func() {
		for total < 8*clientQueue {
			b.write(shimapi.StreamStdout, chunk)
			total += len(chunk)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("a stuck client blocked the writer")
	}
	select {
	case <-stuck.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stuck client was not dropped")
	}
	b.end(5 * time.Second)
	if n := <-got; n != total {
		t.Fatalf("the slow client got %d of %d bytes", n, total)
	}
}

func TestClientGoneIsDropped(t *testing.T) {
	b := &broadcaster{clients: map[*client]struct{}{}}
	c, conn := attach(b, true, false)
	conn.Close()
	b.write(shimapi.StreamStdout, []byte("x"))
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		t.Fatal("a gone client stayed")
	}
	b.mu.Lock()
	n := len(b.clients)
	b.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d clients left", n)
	}
}

func TestAwaitReadyTimesOut(t *testing.T) {
	defer func(d time.Duration) { setupTimeout = d }(setupTimeout)
	setupTimeout = 50 * time.Millisecond
	c, peer, err := newSyncPair()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close() // an init that never says a word
	defer c.close()
	s := &shim{sync: c}
	err = s.awaitReady()
	if err == nil || !strings.Contains(err.Error(), "did not finish setting up") {
		t.Fatalf("awaitReady = %v, want the set-up timeout", err)
	}
}
