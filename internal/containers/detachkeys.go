package containers

import (
	"fmt"
	"io"

	"github.com/containerd/errdefs"

	"github.com/skiff-engine/skiff/api/detachkeys"
)

// errDetached ends an attach's (or exec's) stdin when the client typed
// its detach keys: the stream ends and the process goes on.
var errDetached = detachkeys.ErrDetached

// parseDetachKeys turns a detachKeys value into bytes ("" is ctrl-p,ctrl-q).
func parseDetachKeys(s string) ([]byte, error) { return detachkeys.Parse(s) }

// checkDetachKeys is parseDetachKeys with dockerd's attach error (400).
func checkDetachKeys(s string) ([]byte, error) {
	keys, err := detachkeys.Parse(s)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid detach keys (%s) provided", s))
	}
	return keys, nil
}

// newDetachReader passes r through until keys, then returns errDetached.
func newDetachReader(r io.Reader, keys []byte) io.Reader { return detachkeys.NewReader(r, keys) }
