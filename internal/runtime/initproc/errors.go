package initproc

import "errors"

// Exit codes Docker uses when a container's process cannot run.
const (
	codeSetup       = 125 // the container could not be set up
	codeNotRunnable = 126 // the command exists but cannot be executed
	codeNotFound    = 127 // the command does not exist
)

// codeError is an error that carries init's exit code.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

func setupError(err error) error { return &codeError{code: codeSetup, err: err} }

// exitCodeOf is the exit code for err: its own, else 125.
func exitCodeOf(err error) int {
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code
	}
	return codeSetup
}
