// Package detachkeys reads Docker's detach key sequences ("ctrl-p,ctrl-q")
// and finds them in an attach's stdin. Both the engine (attach, exec) and
// the CLI use it, as dockerd and the docker CLI both look for the keys.
package detachkeys

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Default is ctrl-p,ctrl-q, Docker's default sequence.
const Default = "\x10\x11"

// ErrDetached is returned by a reader once the client typed the
// detach sequence: the attach (or exec) ends and the process goes on.
var ErrDetached = errors.New("detached from container")

// Parse turns a --detach-keys value ("ctrl-p,ctrl-q", "a,b",
// "ctrl-@", "DEL") into bytes, as the docker CLI and dockerd read it; ""
// is Docker's default.
func Parse(s string) ([]byte, error) {
	if s == "" {
		return []byte(Default), nil
	}
	var keys []byte
	for _, k := range strings.Split(s, ",") {
		b, ok := key(k)
		if !ok {
			return nil, fmt.Errorf("Unknown character: '%s'", k)
		}
		keys = append(keys, b)
	}
	return keys, nil
}

// key is one key of a sequence: a single character, "DEL", or
// "ctrl-X" for X in @, a-z, [, \, ], ^, _ (case-sensitive, as Docker).
func key(k string) (byte, bool) {
	if len(k) == 1 {
		return k[0], true
	}
	if k == "DEL" {
		return 127, true
	}
	x, ok := strings.CutPrefix(k, "ctrl-")
	if !ok || len(x) != 1 {
		return 0, false
	}
	switch c := x[0]; {
	case c >= 'a' && c <= 'z':
		return c - 'a' + 1, true
	case c == '@' || (c >= '[' && c <= '_'):
		return c - '@', true
	}
	return 0, false
}

// reader passes a client's stdin through until the detach
// sequence, which it keeps from the process, and then returns ErrDetached.
// A partial sequence followed by anything else is passed on in full.
// Unlike moby/term's first escape proxy it also finds the sequence in
// multi-byte reads (a paste, or a client that buffers).
type reader struct {
	r       io.Reader
	keys    []byte
	matched int    // how many of keys the input ended with so far
	pending []byte // bytes owed to the reader before new input
	done    bool
}

// NewReader wraps r; with no keys it is r itself.
func NewReader(r io.Reader, keys []byte) io.Reader {
	if len(keys) == 0 {
		return r
	}
	return &reader{r: r, keys: keys}
}

func (d *reader) Read(p []byte) (int, error) {
	if len(d.pending) > 0 {
		n := copy(p, d.pending)
		d.pending = d.pending[n:]
		return n, nil
	}
	if d.done {
		return 0, ErrDetached
	}
	buf := make([]byte, len(p))
	nr, err := d.r.Read(buf)
	out := make([]byte, 0, nr+len(d.keys))
	for _, c := range buf[:nr] {
		if c == d.keys[d.matched] {
			d.matched++
			if d.matched == len(d.keys) {
				d.done = true
				d.matched = 0
				return d.deliver(p, out, nil)
			}
			continue
		}
		// A broken partial match: what was held back was ordinary input.
		out = append(out, d.keys[:d.matched]...)
		d.matched = 0
		if c == d.keys[0] {
			d.matched = 1
			continue
		}
		out = append(out, c)
	}
	if err != nil && d.matched > 0 {
		// The input ended inside a partial sequence: it was input too.
		out = append(out, d.keys[:d.matched]...)
		d.matched = 0
	}
	return d.deliver(p, out, err)
}

// deliver copies out to p, keeps the rest for the next reads, and reports
// err (or ErrDetached) only once nothing is left to deliver.
func (d *reader) deliver(p, out []byte, err error) (int, error) {
	n := copy(p, out)
	if n < len(out) {
		d.pending = append(d.pending, out[n:]...)
		return n, nil
	}
	if d.done && n == 0 {
		return 0, ErrDetached
	}
	if n > 0 && err != nil {
		return n, nil // the next read hits err again
	}
	return n, err
}
