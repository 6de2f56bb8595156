package volumes

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"

	"github.com/containerd/errdefs"
)

// restrictedNameChars is dockerd's pattern for volume (and container) names.
const restrictedNameChars = `[a-zA-Z0-9][a-zA-Z0-9_.-]`

var namePattern = regexp.MustCompile(`^` + restrictedNameChars + `+$`)

// validateName checks a volume name as dockerd's local driver does. skiff
// applies it to plugin volumes too: the name is a directory below Root.
func validateName(name string) error {
	if len(name) == 1 {
		return errdefs.ErrInvalidArgument.WithMessage("volume name is too short, names should be at least two alphanumeric characters")
	}
	if !namePattern.MatchString(name) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%q includes invalid characters for a local volume name, only %q are allowed. If you intended to pass a host directory, use absolute path", name, restrictedNameChars))
	}
	return nil
}

// randomName is an anonymous volume's name: 64 hex digits, as dockerd's.
func randomName() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
