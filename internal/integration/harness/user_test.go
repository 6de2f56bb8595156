package harness

import (
	"os"
	"path/filepath"
	"testing"
)

func TestEnsureSubordinate(t *testing.T) {
	tests := []struct {
		name, before, want string
	}{
		{"Empty", "", "u:200000:65536\n"},
		{"Present", "u:100000:65536\n", "u:100000:65536\n"},
		{"NoNewline", "a:100000:65536", "a:100000:65536\nu:200000:65536\n"},
		{"Overlap", "a:100000:150000\n", "a:100000:150000\nu:250000:65536\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "subuid")
			if tc.before != "" {
				if err := os.WriteFile(f, []byte(tc.before), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := ensureSubordinate(f, "u"); err != nil {
				t.Fatal(err)
			}
			if err := ensureSubordinate(f, "u"); err != nil { // idempotent
				t.Fatal(err)
			}
			got, _ := os.ReadFile(f)
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if r := firstRange(f, "u", 1000); r.Count != 65536 {
				t.Errorf("firstRange: %+v", r)
			}
		})
	}
}
