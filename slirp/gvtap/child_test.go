package gvtap

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
)

// oneFrameReader returns its frames one Read at a time, as a tap does.
type oneFrameReader struct{ frames [][]byte }

func (r *oneFrameReader) Read(p []byte) (int, error) {
	if len(r.frames) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.frames[0])
	r.frames = r.frames[1:]
	return n, nil
}

func TestTapToSocketPrefixesLength(t *testing.T) {
	var out bytes.Buffer
	tapToSocket(&oneFrameReader{frames: [][]byte{[]byte("abc"), bytes.Repeat([]byte{7}, 300)}}, &out)
	b := out.Bytes()
	for _, want := range []int{3, 300} {
		if len(b) < 2 {
			t.Fatalf("stream ended early: %q", out.Bytes())
		}
		n := int(binary.LittleEndian.Uint16(b[:2]))
		if n != want {
			t.Fatalf("frame length %d, want %d", n, want)
		}
		b = b[2+n:]
	}
	if len(b) != 0 {
		t.Fatalf("%d bytes left over", len(b))
	}
}

func TestSocketToTapWritesWholeFrames(t *testing.T) {
	var in bytes.Buffer
	for _, f := range []string{"hello", "", "world!"} {
		binary.Write(&in, binary.LittleEndian, uint16(len(f)))
		in.WriteString(f)
	}
	var writes []string
	socketToTap(&in, writerFunc(func(p []byte) (int, error) { writes = append(writes, string(p)); return len(p), nil }))
	if got := len(writes); got != 3 || writes[0] != "hello" || writes[1] != "" || writes[2] != "world!" {
		t.Fatalf("tap writes %q", writes)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
