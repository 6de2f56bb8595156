package supervisor

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
)

// frames is a tap read by read: each Read returns one frame.
type frames struct{ list [][]byte }

func (f *frames) Read(p []byte) (int, error) {
	if len(f.list) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.list[0])
	f.list = f.list[1:]
	return n, nil
}

// writes records each Write, as a tap takes one frame per write.
type writes struct{ list [][]byte }

func (w *writes) Write(p []byte) (int, error) {
	w.list = append(w.list, append([]byte(nil), p...))
	return len(p), nil
}

func TestTapToSocketPrefixesEachFrame(t *testing.T) {
	in := [][]byte{[]byte("first frame"), bytes.Repeat([]byte{7}, maxFrame), {}}
	var sock bytes.Buffer
	if err := tapToSocket(&frames{list: in}, &sock); err != io.EOF {
		t.Fatalf("err = %v, want EOF at the end of the tap", err)
	}
	for i, want := range in {
		var n uint16
		if err := binary.Read(&sock, binary.LittleEndian, &n); err != nil {
			t.Fatalf("frame %d: no length: %v", i, err)
		}
		got := make([]byte, n)
		io.ReadFull(&sock, got)
		if !bytes.Equal(got, want) {
			t.Fatalf("frame %d: %d bytes, want %d", i, len(got), len(want))
		}
	}
	if sock.Len() != 0 {
		t.Fatalf("%d bytes left over", sock.Len())
	}
}

func TestSocketToTapWritesWholeFrames(t *testing.T) {
	var sock bytes.Buffer
	want := [][]byte{[]byte("a"), bytes.Repeat([]byte{1}, 1500), []byte("last")}
	for _, f := range want {
		binary.Write(&sock, binary.LittleEndian, uint16(len(f)))
		sock.Write(f)
	}
	sock.Write([]byte{9}) // a torn length at the end: the parent went away
	var tap writes
	if err := socketToTap(&sock, &tap); err != io.ErrUnexpectedEOF {
		t.Fatalf("err = %v, want ErrUnexpectedEOF for the torn frame", err)
	}
	if len(tap.list) != len(want) {
		t.Fatalf("%d writes, want %d", len(tap.list), len(want))
	}
	for i := range want {
		if !bytes.Equal(tap.list[i], want[i]) {
			t.Fatalf("frame %d differs", i)
		}
	}
}
