package containers

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// sourceError explains why a bind source cannot be reached; when the path
// goes through a symlink, it names the link, where it points and, when
// another user owns it, that too: the usual cause is a link that leads
// out of what the user may read.
func sourceError(p string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		err = errno
	}
	msg := fmt.Sprintf("bind source path %s is not accessible: %v", p, err)
	if link, target, uid, ok := firstSymlink(p); ok {
		msg += fmt.Sprintf(" (it goes through the symlink %s -> %s", link, target)
		if uid != os.Geteuid() {
			msg += ", which you do not own"
		}
		msg += ")"
	}
	return errors.New(msg)
}

// firstSymlink finds the first symlink among p's components.
func firstSymlink(p string) (link, target string, uid int, ok bool) {
	cur := "/"
	for _, part := range strings.Split(filepath.Clean(p), "/") {
		if part == "" {
			continue
		}
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if err != nil {
			return "", "", 0, false
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			t, _ := os.Readlink(cur)
			uid := -1
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				uid = int(st.Uid)
			}
			return cur, t, uid, true
		}
	}
	return "", "", 0, false
}
