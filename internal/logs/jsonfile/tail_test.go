package jsonfile

import (
	"bytes"
	"strings"
	"testing"
)

// naiveTail is tailOffset the obvious way, to check it against.
func naiveTail(b []byte, n int) int64 {
	end := bytes.LastIndexByte(b, '\n') + 1 // complete lines only
	starts := []int{0}
	for i := 0; i < end; i++ {
		if b[i] == '\n' && i+1 < end {
			starts = append(starts, i+1)
		}
	}
	if end == 0 {
		return 0
	}
	if n == 0 {
		return int64(end)
	}
	if n >= len(starts) {
		return 0
	}
	return int64(starts[len(starts)-n])
}

func TestTailOffset(t *testing.T) {
	big := strings.Repeat(strings.Repeat("x", 1000)+"\n", 200) // several blocks
	cases := []struct {
		data string
		n    int
		want int64
	}{
		{"", 3, 0},
		{"a\nb\nc\n", 1, 4},
		{"a\nb\nc\n", 2, 2},
		{"a\nb\nc\n", 3, 0},
		{"a\nb\nc\n", 9, 0},
		{"a\nb\nc\n", 0, 6},
		{"a\nb\npart", 1, 2},
		{"a\nb\npart", 0, 4},
		{"part", 1, 0},
		{big, 1, int64(len(big) - 1001)},
		{big, 100, int64(len(big) - 100*1001)},
		{big, 0, int64(len(big))},
	}
	for _, c := range cases {
		got, err := tailOffset(strings.NewReader(c.data), int64(len(c.data)), c.n)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("tailOffset(%.20q, %d) = %d, want %d", c.data, c.n, got, c.want)
		}
	}
}

func FuzzTailOffset(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), 2)
	f.Add([]byte("\n\n\npart"), 1)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		if n < 0 || n > 1000 {
			return
		}
		got, err := tailOffset(bytes.NewReader(b), int64(len(b)), n)
		if err != nil {
			t.Fatal(err)
		}
		if want := naiveTail(b, n); got != want {
			t.Errorf("tailOffset(%q, %d) = %d, want %d", b, n, got, want)
		}
	})
}
