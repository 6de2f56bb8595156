package jsonfile

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestDecodeLine(t *testing.T) {
	m, err := decodeLine([]byte(`{"log":"hi \u003c\n","stream":"stderr","time":"2026-03-01T12:00:00.123456789Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Line) != "hi <\n" || m.Stream != "stderr" || !m.Time.Equal(time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)) {
		t.Errorf("got %+v", m)
	}
	for _, bad := range []string{`{"log":`, `nope`, `{"time":"yesterday"}`, `{"log":1}`} {
		if _, err := decodeLine([]byte(bad)); err == nil {
			t.Errorf("decodeLine(%q) did not fail", bad)
		}
	}
}

// FuzzDecodeLine checks that any input decodes or fails cleanly, and that
// what decodes survives a round trip through the writer's encoding.
func FuzzDecodeLine(f *testing.F) {
	f.Add([]byte(`{"log":"a\n","stream":"stdout","time":"2026-03-01T12:00:00Z"}`))
	f.Add([]byte(`{"log":"\ud800","stream":"","time":"0001-01-01T00:00:00Z"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeLine(b)
		if err != nil {
			if m.Line != nil || m.Stream != "" {
				t.Errorf("error %v with a message %+v", err, m)
			}
			return
		}
		enc, err := json.Marshal(Entry{Log: string(m.Line), Stream: m.Stream, Time: m.Time})
		if err != nil {
			return // a time json cannot write back (year > 9999)
		}
		m2, err := decodeLine(enc)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", enc, err)
		}
		if !bytes.Equal(m.Line, m2.Line) || m.Stream != m2.Stream || !m.Time.Equal(m2.Time) {
			t.Errorf("round trip: %+v != %+v", m, m2)
		}
	})
}
