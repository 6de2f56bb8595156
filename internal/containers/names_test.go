package containers

import (
	"strings"
	"sync"
	"testing"

	"github.com/containerd/errdefs"
)

func TestCheckName(t *testing.T) {
	for _, n := range []string{"ab", "/ab", "a.b-c_d", "A1", "9lives"} {
		if _, err := checkName(n); err != nil {
			t.Errorf("%q: %v", n, err)
		}
	}
	for _, n := range []string{"a", "a/b", "has space", "-lead", "_lead", ".x", "//ab", ""} {
		_, err := checkName(n)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "Invalid container name ("+n+")") {
			t.Errorf("%q: got %v, want Docker's invalid name error", n, err)
		}
	}
	if n, _ := checkName("ab"); n != "/ab" {
		t.Errorf("stored form %q, want /ab", n)
	}
}

func TestGeneratedNames(t *testing.T) {
	if len(adjectives) < 50 || len(surnames) < 100 {
		t.Errorf("word lists too short: %d adjectives, %d surnames", len(adjectives), len(surnames))
	}
	for i := 0; i < 200; i++ {
		n := randomName(i%2 == 1)
		if _, err := checkName(n); err != nil {
			t.Fatalf("generated name %q is invalid: %v", n, err)
		}
		if !strings.Contains(n, "_") {
			t.Fatalf("generated name %q is not adjective_surname", n)
		}
	}
}

func TestReserveNameConcurrent(t *testing.T) {
	s := &Service{names: map[string]string{}, byID: map[string]*ctr{}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, conflicts := 0, 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.reserveName("/contended", newID())
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errdefs.IsConflict(err) && strings.Contains(err.Error(), `Conflict. The container name "/contended" is already in use by container "`):
				conflicts++
			default:
				t.Errorf("unexpected error %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || conflicts != 49 {
		t.Errorf("%d won, %d conflicts; want exactly one winner", won, conflicts)
	}
}

func TestGenerateNameAvoidsTaken(t *testing.T) {
	s := &Service{names: map[string]string{}, byID: map[string]*ctr{}}
	seen := map[string]bool{}
	for i := 0; i < 300; i++ {
		id := newID()
		n := s.generateName(id)
		if seen[n] {
			t.Fatalf("name %s given twice", n)
		}
		seen[n] = true
		if s.names[n] != id {
			t.Fatalf("name %s not reserved for its container", n)
		}
	}
}

func TestNewID(t *testing.T) {
	id := newID()
	if len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("id %q is not 64 hex digits", id)
	}
	if newID() == id {
		t.Error("two equal IDs")
	}
}
