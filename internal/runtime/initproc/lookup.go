package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// defaultPath is used when the container's env has no PATH (Docker's).
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// lookPath finds the command file as a shell would, with the container's
// PATH, and fails with Docker's messages and exit codes.
func lookPath(file, path string) (string, error) {
	if strings.Contains(file, "/") {
		if err := findExecutable(file); err != nil {
			return "", &codeError{code: codeOf(err), err: fmt.Errorf("exec: %q: %w", file, err)}
		}
		return file, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, file)
		if findExecutable(p) == nil {
			return p, nil
		}
	}
	return "", &codeError{code: codeNotFound, err: fmt.Errorf("exec: %q: executable file not found in $PATH", file)}
}

// errIsDir is the error of a command that is a directory.
var errIsDir = errors.New("is a directory")

// findExecutable checks that file is a regular file the (already
// switched) user may execute.
func findExecutable(file string) error {
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return errIsDir
	}
	switch err := unix.Faccessat(unix.AT_FDCWD, file, unix.X_OK, unix.AT_EACCESS); {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EPERM):
		// faccessat cannot answer: go by the mode bits.
		if fi.Mode()&0o111 != 0 {
			return nil
		}
	}
	return os.ErrPermission
}

// codeOf is the exit code for a command that cannot be run because of err:
// 127 when it does not exist, 126 when it cannot be executed.
func codeOf(err error) int {
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, unix.ENOTDIR) {
		return codeNotFound
	}
	return codeNotRunnable
}
