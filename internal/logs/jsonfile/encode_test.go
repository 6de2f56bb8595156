package jsonfile

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// oracle is the json-file line encoding/json writes for an entry.
func oracle(t testing.TB, stream string, line []byte, ts time.Time) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Entry{Log: string(line), Stream: stream, Time: ts}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func checkEntry(t testing.TB, stream string, line []byte, ts time.Time) {
	got := appendEntry(nil, stream, line, appendTime(nil, ts))
	if want := oracle(t, stream, line, ts); !bytes.Equal(got, want) {
		t.Fatalf("entry for %q:\n got %s\nwant %s", line, got, want)
	}
}

func TestAppendEntryMatchesEncodingJSON(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	for _, line := range []string{
		"", "hello\n", "tab\there\r\n", "quote \" backslash \\ slash /",
		"<html> & </html>", "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3", // valid multi-byte
		"\xff\xfe bad \xc3 cut \xe2\x82 \xed\xa0\x80 surrogate \xf8\x88\x80\x80\x80",
		"sep \u2028 para \u2029 end", "ends in a cut rune \xe2\x82",
	} {
		checkEntry(t, "stdout", []byte(line), ts)
	}
	for _, ts := range []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 120000000, time.UTC),
	} {
		checkEntry(t, "stderr", []byte("x\n"), ts)
	}
}

func FuzzAppendEntry(f *testing.F) {
	f.Add([]byte("hello\n"), int64(0))
	f.Add([]byte("\xff\u2028\x00\"\\"), int64(1234567))
	f.Fuzz(func(t *testing.T, line []byte, nsec int64) {
		checkEntry(t, "stdout", line, time.Unix(1700000000, nsec%1e9).UTC())
	})
}

func BenchmarkStreamWriter(b *testing.B) {
	w, err := Create(b.TempDir() + "/log")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	chunk := bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"), 128*1024/84)
	s := w.Stream("stdout")
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		s.Write(chunk)
	}
}

// plain8 must agree with the byte table for every byte in every position,
// next to plain bytes and next to ones that are not.
func TestPlain8(t *testing.T) {
	for _, fill := range []byte{'a', 0x00, 0xff, '"'} {
		for pos := range 8 {
			for b := range 256 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(b)
				want := true
				for _, c := range w {
					want = want && c < 0x80 && plain[c]
				}
				x := uint64(0)
				for i := 7; i >= 0; i-- {
					x = x<<8 | uint64(w[i])
				}
				if got := plain8(x); got != want {
					t.Fatalf("plain8(% x) = %v", w, got)
				}
			}
		}
	}
}

func BenchmarkAppendEntry(b *testing.B) {
	line := []byte("the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ\n")
	ts := appendTime(nil, time.Now().UTC())
	var buf []byte
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		buf = appendEntry(buf[:0], "stdout", line, ts)
	}
}

// Whatever the chunking of the output, the file holds the entries
// encoding/json would write for its lines, cut at newlines and MaxLine.
func TestStreamWriterChunking(t *testing.T) {
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	rnd := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var out []byte
		for len(out) < 3*MaxLine {
			switch rnd.IntN(4) {
			case 0:
				out = append(out, bytes.Repeat([]byte("y"), rnd.IntN(MaxLine+10))...)
			case 1:
				out = append(out, '\n')
			case 2:
				out = append(out, "caf\xc3\xa9 \x00\"\\\xff\t"...)
			default:
				out = append(out, "a line\n"...)
			}
		}
		var want []byte
		for rest := out; len(rest) > 0; {
			n := len(rest)
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				n = i + 1
			}
			n = min(n, MaxLine)
			want = append(want, oracle(t, "stdout", rest[:n], fixed)...)
			rest = rest[n:]
		}

		path := filepath.Join(t.TempDir(), "log")
		w, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w.now = func() time.Time { return fixed }
		s := w.Stream("stdout")
		for rest := out; len(rest) > 0; {
			n := min(len(rest), 1+rnd.IntN(3*MaxLine/2))
			if _, err := s.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		s.Close()
		w.Close()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("round %d: the log differs from encoding/json's (%d vs %d bytes)", round, len(got), len(want))
		}
	}
}
