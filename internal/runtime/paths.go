package runtime

import (
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/containerd/errdefs"
)

// maxSocketPath is the room in sockaddr_un.sun_path, less its NUL.
const maxSocketPath = 107

// validID is what may name a bundle directory: Docker's container name
// characters, which can never climb out of RunDir.
var validID = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

func checkID(id string) error {
	if !validID.MatchString(id) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid container id %q", id))
	}
	return nil
}

// bundleDir holds a task's config.json and exit.json.
func bundleDir(runDir, id string) string {
	return filepath.Join(runDir, "containers", id)
}

// socketPath is a shim's control socket. Its name is cut to 16
// characters of the id to stay within sun_path.
func socketPath(runDir, id string) string {
	if len(id) > 16 {
		id = id[:16]
	}
	return filepath.Join(runDir, "shims", id+".sock")
}

// checkSocketPath says clearly when RunDir is too deep for unix sockets.
func checkSocketPath(runDir string) error {
	p := socketPath(runDir, "0123456789abcdef")
	if len(p) > maxSocketPath {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(
			"run directory %s is too long: shim sockets such as %s would exceed the %d bytes a unix socket path may have",
			runDir, p, maxSocketPath))
	}
	return nil
}
