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
