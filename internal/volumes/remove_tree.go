package volumes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/sys/mountinfo"
)

// removeTree deletes a volume directory, refusing while anything is
// mounted below it: a bind volume's source must never be emptied.
func removeTree(dir string) error {
	mounts, err := mountinfo.GetMounts(mountinfo.PrefixFilter(filepath.Clean(dir)))
	if err != nil {
		return fmt.Errorf("refusing to remove %s: cannot tell what is mounted below it: %w", dir, err)
	}
	if len(mounts) > 0 {
		var mps []string
		for _, m := range mounts {
			mps = append(mps, m.Mountpoint)
		}
		return fmt.Errorf("refusing to remove %s: still mounted: %s", dir, strings.Join(mps, ", "))
	}
	// The engine is root in its user namespace: files that containers
	// wrote under any mapped id go too. Directories without write or
	// search permission are opened up first where RemoveAll fails.
	if err := os.RemoveAll(dir); err != nil {
		_ = chmodTree(dir)
		return os.RemoveAll(dir)
	}
	return nil
}

// chmodTree gives the owner rwx on every directory below dir.
func chmodTree(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil || !st.IsDir() {
		return err
	}
	_ = os.Chmod(dir, 0o700)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			_ = chmodTree(dir + "/" + e.Name())
		}
	}
	return nil
}
