package server

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
)

func TestStdMuxFraming(t *testing.T) {
	var buf bytes.Buffer
	flushes := 0
	m := newStdMux(&buf, func() { flushes++ })
	out, errw := m.stream(stdcopy.Stdout), m.stream(stdcopy.Stderr)
	if n, err := out.Write([]byte("hello")); n != 5 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := out.Write(nil); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	errw.Write([]byte("oops\n"))
	want := append([]byte{1, 0, 0, 0, 0, 0, 0, 5}, "hello"...)
	want = append(append(want, 2, 0, 0, 0, 0, 0, 0, 5), "oops\n"...)
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("frames %v, want %v", buf.Bytes(), want)
	}
	if flushes != 2 {
		t.Fatalf("%d flushes, want one a frame", flushes)
	}
}

// TestStdMuxConcurrent writes from two goroutines and decodes the result:
// a frame split by another would break StdCopy or mix the streams.
func TestStdMuxConcurrent(t *testing.T) {
	var buf bytes.Buffer
	m := newStdMux(&buf, nil)
	var wg sync.WaitGroup
	for _, typ := range []stdcopy.StdType{stdcopy.Stdout, stdcopy.Stderr} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := m.stream(typ)
			for i := range 200 {
				fmt.Fprintf(w, "%d:%s\n", typ, strings.Repeat("x", i))
			}
		}()
	}
	wg.Wait()
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, &buf); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "1:") != 200 || strings.Contains(out.String(), "2:") || strings.Count(errOut.String(), "2:") != 200 {
		t.Fatal("streams mixed or frames lost")
	}
}

func TestParseLogTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"", time.Time{}, false},
		{"0", time.Time{}, false},
		{"1700000000", time.Unix(1700000000, 0), false},
		{"1700000000.5", time.Unix(1700000000, 500000000), false},
		{"1700000000.000000001", time.Unix(1700000000, 1), false},
		{"1700000000.1234567891", time.Unix(1700000000, 123456789), false},
		{"2024-01-02T03:04:05Z", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), false},
		{"2024-01-02T03:04:05.25+01:00", time.Date(2024, 1, 2, 2, 4, 5, 250000000, time.UTC), false},
		{"2024-01-02", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), false},
		{"1700000000.", time.Time{}, true},
		{"1700000000.x", time.Time{}, true},
		{"yesterday", time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := parseLogTime("since", tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error", tc.in)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: %v %v, want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestFormBool(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "no": false, "False": false, "none": false, "1": true, "true": true, "yes": true, "on": true} {
		if got := formBool(map[string][]string{"k": {v}}, "k"); got != want {
			t.Errorf("%q -> %t", v, got)
		}
	}
	if !formBoolDefault(nil, "pause", true) || formBoolDefault(map[string][]string{"pause": {"0"}}, "pause", true) {
		t.Error("formBoolDefault")
	}
}
