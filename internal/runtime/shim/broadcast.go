package shim

import (
	"net"
	"sync"
	"time"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// clientQueue bounds what one attached client may have queued. A client
// that is that far behind holds the output back (as Docker's attach does:
// `docker run img cat big` must get every byte), but one that takes no
// data for clientStall is dropped, so it never holds up the log and the
// other clients for long.
const clientQueue = 256 * 1024

var clientStall = 10 * time.Second

// broadcaster fans the container's output out to attached clients.
type broadcaster struct {
	mu      sync.Mutex
	clients map[*client]struct{}
	ended   bool
}

// add attaches c: it gets all output from now on. After the output ended
// it gets just the end.
func (b *broadcaster) add(c *client) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		c.finish()
		return
	}
	b.clients[c] = struct{}{}
}

func (b *broadcaster) remove(c *client) {
	b.mu.Lock()
	delete(b.clients, c)
	b.mu.Unlock()
}

// write queues a copy of p on stream for every client that asked for it.
func (b *broadcaster) write(stream byte, p []byte) {
	for len(p) > 0 {
		f := getFrame()
		n := copy(f.buf(), p)
		p = p[n:]
		if !b.send(stream, f, n) {
			framePool.Put(f)
		}
	}
}

// send queues f, holding the n bytes read into its buf, on stream for
// every client that asked for it. It reports whether any took it; if
// none did, f is still the caller's.
func (b *broadcaster) send(stream byte, f *frame, n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	want := int32(0)
	for c := range b.clients {
		if c.mask&(1<<stream) != 0 {
			want++
		}
	}
	if want == 0 {
		return false
	}
	f.seal(stream, n)
	f.refs.Store(want)
	for c := range b.clients {
		if c.mask&(1<<stream) != 0 && !c.send(f) {
			f.release()
		}
	}
	return true
}

// end sends every client the end of output and waits up to timeout for
// them to take what is queued; the rest are dropped.
func (b *broadcaster) end(timeout time.Duration) {
	b.mu.Lock()
	b.ended = true
	cs := make([]*client, 0, len(b.clients))
	for c := range b.clients {
		cs = append(cs, c)
		c.finish()
	}
	b.mu.Unlock()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for _, c := range cs {
		select {
		case <-c.done:
		case <-deadline.C:
			for _, c := range cs {
				c.drop()
			}
			return
		}
	}
}

// client is one attached connection with its own bounded queue, written
// by its own goroutine (run).
type client struct {
	conn  net.Conn
	mask  uint8 // 1<<StreamStdout | 1<<StreamStderr
	done  chan struct{}
	space chan struct{} // poked when the queue shrinks or is dropped

	mu      sync.Mutex
	cond    sync.Cond
	queue   []*frame
	queued  int
	closing bool // nothing more is queued: ended or dropped
}

func newClient(conn net.Conn, stdout, stderr bool) *client {
	c := &client{conn: conn, done: make(chan struct{}), space: make(chan struct{}, 1)}
	c.cond.L = &c.mu
	if stdout {
		c.mask |= 1 << shimapi.StreamStdout
	}
	if stderr {
		c.mask |= 1 << shimapi.StreamStderr
	}
	return c
}

// send queues f, waiting while the queue is full; a client that takes
// nothing for clientStall is dropped. It reports whether f was queued.
func (c *client) send(f *frame) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	var stall *time.Timer
	for !c.closing && c.queued > 0 && c.queued+len(f.b) > clientQueue {
		if stall == nil {
			stall = time.NewTimer(clientStall)
			defer stall.Stop()
		}
		c.mu.Unlock()
		select {
		case <-c.space:
			stall.Reset(clientStall) // it made progress
			c.mu.Lock()
		case <-stall.C:
			c.mu.Lock()
			c.dropLocked()
		}
	}
	if c.closing {
		return false
	}
	c.queue = append(c.queue, f)
	c.queued += len(f.b)
	c.cond.Signal()
	return true
}

func (c *client) poke() {
	select {
	case c.space <- struct{}{}:
	default:
	}
}

// finish queues the end frame; run closes the connection after it.
func (c *client) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		c.queue = append(c.queue, endFrame)
		c.closing = true
		c.cond.Signal()
	}
}

func (c *client) drop() {
	c.mu.Lock()
	c.dropLocked()
	c.mu.Unlock()
}

// dropLocked forgets the queue and closes the connection, which also
// frees run from a write the client does not read.
func (c *client) dropLocked() {
	c.closing = true
	for _, f := range c.queue {
		f.release()
	}
	c.queue, c.queued = nil, 0
	c.conn.Close()
	c.cond.Signal()
	c.poke()
}

// run writes queued frames until the end or a drop, then detaches.
func (c *client) run(b *broadcaster) {
	defer close(c.done)
	defer b.remove(c)
	defer c.conn.Close()
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && !c.closing {
			c.cond.Wait()
		}
		if len(c.queue) == 0 {
			c.mu.Unlock()
			return
		}
		f := c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		c.queued -= len(f.b)
		c.mu.Unlock()
		c.poke()
		_, err := c.conn.Write(f.b)
		f.release()
		if err != nil {
			c.drop()
			return
		}
	}
}
