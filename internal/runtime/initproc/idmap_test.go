package initproc

import (
	"strings"
	"testing"
)

func TestParseIDMap(t *testing.T) {
	m, err := parseIDMap(strings.NewReader("         0       1000          1\n         1     100000      65536\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m[1] != (idRange{1, 100000, 65536}) {
		t.Fatalf("parsed %+v", m)
	}
	for id, want := range map[uint64]bool{0: true, 1: true, 5: true, 65536: true, 65537: false, 4294967294: false} {
		if got := mapped(m, id); got != want {
			t.Errorf("mapped(%d) = %v, want %v", id, got, want)
		}
	}
	if isFullMap(m) {
		t.Error("a partial map reported as the initial namespace's")
	}
	full, _ := parseIDMap(strings.NewReader("0 0 4294967295\n"))
	if !isFullMap(full) {
		t.Error("the initial namespace's map not recognised")
	}
	single, _ := parseIDMap(strings.NewReader("0 1000 1\n"))
	if mapped(single, 5) {
		t.Error("gid 5 mapped in a single-id map")
	}
	if _, err := parseIDMap(strings.NewReader("0 1000\n")); err == nil {
		t.Error("a short line parsed")
	}
	if _, err := parseIDMap(strings.NewReader("0 x 1\n")); err == nil {
		t.Error("a bad number parsed")
	}
}
