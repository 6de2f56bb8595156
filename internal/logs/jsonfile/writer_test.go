package jsonfile

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStreamWriterLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	w.now = func() time.Time { return fixed }
	out, errw := w.Stream("stdout"), w.Stream("stderr")
	out.Write([]byte("hel"))
	out.Write([]byte("lo\nwor"))
	errw.Write([]byte("oops\n"))
	out.Write([]byte(strings.Repeat("x", MaxLine+3)))
	out.Close()
	errw.Close()
	w.Close()

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, e)
	}
	want := []struct{ stream, log string }{
		{"stdout", "hello\n"},
		{"stderr", "oops\n"},
		{"stdout", "wor" + strings.Repeat("x", MaxLine-3)},
		{"stdout", "xxxxxx"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i, e := range got {
		if e.Stream != want[i].stream || e.Log != want[i].log || !e.Time.Equal(fixed) {
			t.Errorf("entry %d = %q %q %v, want %q %q", i, e.Stream, e.Log, e.Time, want[i].stream, want[i].log)
		}
	}
}

// A long line written at once, newline included, is still cut at MaxLine.
func TestStreamWriterLongLineOneWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	out := w.Stream("stdout")
	out.Write([]byte(strings.Repeat("x", 2*MaxLine+5) + "\n"))
	out.Close()
	w.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var e Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		got = append(got, len(e.Log))
	}
	if want := []int{MaxLine, MaxLine, 6}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("entry lengths %v, want %v", got, want)
	}
}
