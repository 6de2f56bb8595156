package shimapi

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

func TestFrameRoundTrip(t *testing.T) {
	var b []byte
	b = AppendFrame(b, StreamStdout, []byte("hello"))
	b = AppendFrame(b, StreamStderr, nil)
	b = AppendFrame(b, StreamStderr, []byte("err"))
	b = AppendFrame(b, StreamEnd, nil)
	r := bufio.NewReader(bytes.NewReader(b))
	want := []struct {
		stream byte
		data   string
	}{{StreamStdout, "hello"}, {StreamStderr, ""}, {StreamStderr, "err"}, {StreamEnd, ""}}
	var buf []byte
	for _, w := range want {
		s, d, err := ReadFrame(r, buf)
		if err != nil {
			t.Fatal(err)
		}
		if s != w.stream || string(d) != w.data {
			t.Fatalf("got %d %q, want %d %q", s, d, w.stream, w.data)
		}
		buf = d[:0]
	}
	if _, _, err := ReadFrame(r, buf); err != io.EOF {
		t.Fatalf("after the last frame: %v", err)
	}
}

func TestReadFrameRejects(t *testing.T) {
	for name, b := range map[string][]byte{
		"unknown stream": {3, 0, 0, 0, 0},
		"end with data":  {0, 0, 0, 0, 1, 'x'},
		"too large":      {1, 0xff, 0xff, 0xff, 0xff},
		"cut data":       {1, 0, 0, 0, 4, 'a', 'b'},
		"cut header":     {1, 0, 0},
	} {
		if _, _, err := ReadFrame(bufio.NewReader(bytes.NewReader(b)), nil); err == nil || err == io.EOF {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

func TestLines(t *testing.T) {
	var b bytes.Buffer
	if err := WriteLine(&b, Request{Op: OpKill, Signal: 15, All: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteLine(&b, Request{Op: OpAttach, Stdout: true}); err != nil {
		t.Fatal(err)
	}
	b.WriteString("frames follow")
	r := bufio.NewReaderSize(&b, 16) // smaller than a line: ReadLine must still cope
	var got Request
	if err := ReadLine(r, &got); err != nil || got != (Request{Op: OpKill, Signal: 15, All: true}) {
		t.Fatalf("%+v %v", got, err)
	}
	got = Request{}
	if err := ReadLine(r, &got); err != nil || got != (Request{Op: OpAttach, Stdout: true}) {
		t.Fatalf("%+v %v", got, err)
	}
	rest, _ := io.ReadAll(r)
	if string(rest) != "frames follow" {
		t.Fatalf("rest %q", rest)
	}
}

func TestReadLineLimits(t *testing.T) {
	long := `{"op":"` + strings.Repeat("x", MaxLine) + `"}` + "\n"
	var req Request
	if err := ReadLine(bufio.NewReader(strings.NewReader(long)), &req); err == nil {
		t.Fatal("an over-long line was accepted")
	}
	if err := ReadLine(bufio.NewReader(strings.NewReader(`{"op":"st`)), &req); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut line: %v", err)
	}
	if err := ReadLine(bufio.NewReader(strings.NewReader("")), &req); err != io.EOF {
		t.Fatalf("no line: %v", err)
	}
	if err := ReadLine(bufio.NewReader(strings.NewReader("nonsense\n")), &req); err == nil {
		t.Fatal("a bad line was accepted")
	}
}

func TestErrorKinds(t *testing.T) {
	for _, c := range []struct {
		err error
		is  func(error) bool
	}{
		{errdefs.ErrNotFound.WithMessage("gone"), errdefs.IsNotFound},
		{errdefs.ErrConflict.WithMessage("running"), errdefs.IsConflict},
		{errdefs.ErrNotImplemented.WithMessage("tty"), errdefs.IsNotImplemented},
		{errdefs.ErrInvalidArgument.WithMessage("bad"), errdefs.IsInvalidArgument},
	} {
		var b bytes.Buffer
		WriteLine(&b, ErrorResponse(c.err))
		var resp Response
		if err := ReadLine(bufio.NewReader(&b), &resp); err != nil {
			t.Fatal(err)
		}
		got := resp.Err()
		if !c.is(got) || !strings.Contains(got.Error(), c.err.Error()) {
			t.Errorf("%v came back as %v", c.err, got)
		}
	}
	if err := (Response{}).Err(); err != nil {
		t.Fatalf("empty response: %v", err)
	}
	if err := ErrorResponse(errors.New("plain")).Err(); err == nil || err.Error() != "plain" {
		t.Fatalf("plain error: %v", err)
	}
}
