package detachkeys

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []byte
		bad  bool
	}{
		{"", []byte{16, 17}, false},
		{"ctrl-p,ctrl-q", []byte{16, 17}, false},
		{"ctrl-a", []byte{1}, false},
		{"ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_", []byte{0, 27, 28, 29, 30, 31}, false},
		{"a,b,c", []byte("abc"), false},
		{"ctrl-x,DEL", []byte{24, 127}, false},
		{"ctrl-P", nil, true},
		{"ctrl-", nil, true},
		{"ab", nil, true},
		{"a,,b", nil, true},
		{"ctrl-1", nil, true},
	} {
		got, err := Parse(c.in)
		if (err != nil) != c.bad || !bytes.Equal(got, c.want) {
			t.Errorf("Parse(%q) = %v, %v", c.in, got, err)
		}
	}
}

func TestReader(t *testing.T) {
	keys := []byte{16, 17}
	for _, c := range []struct {
		name     string
		in       string
		want     string
		detached bool
	}{
		{"plain", "hello\n", "hello\n", false},
		{"sequence", "ls\n\x10\x11after", "ls\n", true},
		{"broken partial", "a\x10b\x11c", "a\x10b\x11c", false},
		{"partial then sequence", "\x10\x10\x11x", "\x10", true},
		{"partial at EOF", "abc\x10", "abc\x10", false},
		{"sequence first", "\x10\x11", "", true},
	} {
		for _, oneByte := range []bool{false, true} {
			var src io.Reader = bytes.NewReader([]byte(c.in))
			if oneByte {
				src = iotest.OneByteReader(src)
			}
			var out bytes.Buffer
			_, err := io.Copy(&out, NewReader(src, keys))
			if out.String() != c.want || errors.Is(err, ErrDetached) != c.detached || (!c.detached && err != nil) {
				t.Errorf("%s (one byte %v): got %q, %v", c.name, oneByte, out.String(), err)
			}
		}
	}
	// A small buffer gets everything in pieces.
	d := NewReader(bytes.NewReader([]byte("\x10abcdef")), keys)
	var got []byte
	p := make([]byte, 2)
	for {
		n, err := d.Read(p)
		got = append(got, p[:n]...)
		if err != nil {
			break
		}
	}
	if string(got) != "\x10abcdef" {
		t.Errorf("small reads: %q", got)
	}
}
