package volumes

import (
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
)

// opErr words an error as dockerd's volume store does, "<op> <name>: <err>",
// keeping err's kind (errdefs) for the HTTP status.
func opErr(op, name string, err error) error {
	if name == "" {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s %s: %w", op, name, err)
}

// errNoSuchVolume is dockerd's 404 "get <name>: no such volume".
func errNoSuchVolume(name string) error {
	return opErr("get", name, errdefs.ErrNotFound.WithMessage("no such volume"))
}

// errInUse is dockerd's 409 "remove <name>: volume is in use - [<ids>]".
func errInUse(name string, refs []string) error {
	return errdefs.ErrConflict.WithMessage(fmt.Sprintf("remove %s: volume is in use - [%s]", name, strings.Join(refs, ", ")))
}
