package spec

import (
	"fmt"

	"github.com/containerd/errdefs"
)

// invalidf is a 400 (errdefs InvalidArgument) with Docker's message.
func invalidf(format string, args ...any) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(format, args...))
}

// notSupportedf is a 501 (errdefs NotImplemented) for what skiff lacks yet.
func notSupportedf(format string, args ...any) error {
	return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf(format, args...))
}
