package httputils

import (
	"net/http"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/common"
)

// StatusFromError maps an error to its HTTP status by its errdefs class,
// never by its text. Unclassified errors are 500.
func StatusFromError(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errdefs.IsNotFound(err):
		return http.StatusNotFound
	case errdefs.IsInvalidArgument(err):
		return http.StatusBadRequest
	case errdefs.IsConflict(err), errdefs.IsAlreadyExists(err):
		return http.StatusConflict
	case errdefs.IsUnauthorized(err):
		return http.StatusUnauthorized
	case errdefs.IsPermissionDenied(err):
		return http.StatusForbidden
	case errdefs.IsNotModified(err):
		return http.StatusNotModified
	case errdefs.IsNotImplemented(err):
		return http.StatusNotImplemented
	case errdefs.IsUnavailable(err):
		return http.StatusServiceUnavailable
	case errdefs.IsFailedPrecondition(err):
		return http.StatusPreconditionFailed
	case errdefs.IsResourceExhausted(err):
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// WriteError writes err as Docker does: its status and {"message": "..."}.
// 304 carries no body, as HTTP requires.
func WriteError(w http.ResponseWriter, err error) {
	status := StatusFromError(err)
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	_ = WriteJSON(w, status, &common.ErrorResponse{Message: err.Error()})
}

// The wrappers below give an error an errdefs class while keeping its
// message: wrapping with %w around an errdefs sentinel would append the
// sentinel's text ("...: invalid argument") to what the user sees.

type invalidParameter struct{ error }

func (e invalidParameter) Unwrap() error   { return e.error }
func (invalidParameter) InvalidParameter() {}

type notFound struct{ error }

func (e notFound) Unwrap() error { return e.error }
func (notFound) NotFound()       {}

type conflict struct{ error }

func (e conflict) Unwrap() error { return e.error }
func (conflict) Conflict()       {}

type notImplemented struct{ error }

func (e notImplemented) Unwrap() error { return e.error }
func (notImplemented) NotImplemented() {}

type unavailable struct{ error }

func (e unavailable) Unwrap() error { return e.error }
func (unavailable) Unavailable()    {}

// InvalidParameter marks err as a client error (400), message unchanged.
func InvalidParameter(err error) error { return invalidParameter{err} }

// NotFound marks err as a missing object (404), message unchanged.
func NotFound(err error) error { return notFound{err} }

// Conflict marks err as a state conflict (409), message unchanged.
func Conflict(err error) error { return conflict{err} }

// NotImplemented marks err as not implemented (501), message unchanged.
func NotImplemented(err error) error { return notImplemented{err} }

// Unavailable marks err as a temporary failure (503), message unchanged.
func Unavailable(err error) error { return unavailable{err} }
