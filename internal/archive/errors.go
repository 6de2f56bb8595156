// Package archive validates untrusted image archives (docker save / OCI
// archive tars, as POST /images/load receives them) and the layer tars inside
// them, before anything is handed to go.podman.io/image and storage.
//
// Everything here treats its input as hostile: entry names, link targets,
// entry types, compression and manifests are checked so that a bad archive
// gets a clear error and nothing escapes the directory it is spooled into.
package archive

import (
	"fmt"
)

// inputError is a refusal of bad input. It carries InvalidParameter so the
// API layer maps it to 400 through errdefs, never by matching strings.
type inputError struct {
	msg string
	err error // cause, kept for errors.Is (io.ErrUnexpectedEOF, ...)
}

func (e *inputError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

func (e *inputError) Unwrap() error { return e.err }

// InvalidParameter marks the error as errdefs.ErrInvalidArgument.
func (*inputError) InvalidParameter() {}

// invalidf reports bad input.
func invalidf(format string, a ...any) error {
	return &inputError{msg: fmt.Sprintf(format, a...)}
}

// invalidWrap reports bad input found through err (a tar or gzip error).
func invalidWrap(err error, format string, a ...any) error {
	return &inputError{msg: fmt.Sprintf(format, a...), err: err}
}

// unsupportedError is well-formed input that skiff cannot handle yet
// (zstd, xz); it maps to errdefs.ErrNotImplemented.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }

// NotImplemented marks the error as errdefs.ErrNotImplemented.
func (*unsupportedError) NotImplemented() {}
