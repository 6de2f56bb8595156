package rootless

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootIsShared(t *testing.T) {
	tests := []struct {
		name, mountinfo string
		want            bool
	}{
		{"shared", "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n", true},
		{"private", "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n", false},
		{"slave only", "22 1 254:0 / / rw,relatime master:1 - ext4 /dev/vda rw\n", false},
		{"last mount on / wins", "22 1 254:0 / / rw shared:1 - ext4 /dev/vda rw\n30 22 0:5 / / rw - tmpfs none rw\n", false},
		{"other mount shared", "22 1 254:0 / / rw - ext4 /dev/vda rw\n23 22 0:5 / /run rw shared:4 - tmpfs tmpfs rw\n", false},
	}
	for _, tc := range tests {
		p := filepath.Join(t.TempDir(), "mountinfo")
		if err := os.WriteFile(p, []byte(tc.mountinfo), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := rootIsShared(p); got != tc.want {
			t.Errorf("%s: rootIsShared = %v, want %v", tc.name, got, tc.want)
		}
	}
}
