package volumes

import (
	"fmt"
	"os"
	"strings"
)

// removeTree deletes a volume directory, refusing while anything is
// mounted below it: a bind volume's source must never be emptied.
func removeTree(dir string) error {
	if m := mountsUnder(dir); len(m) > 0 {
		return fmt.Errorf("refusing to remove %s: still mounted: %s", dir, strings.Join(m, ", "))
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
