// Package httputils holds what every skiff API handler shares: the handler
// signature, request context values, JSON decoding and encoding, API version
// comparison, and the one mapping from typed errors to HTTP status.
package httputils

import "net/http"

// HandlerFunc is an API endpoint. It returns an error instead of writing
// one, so the server maps every error to a status in one place (see
// WriteError). Path parameters are read with r.PathValue, the API version
// with VersionFromContext(r.Context()), the logger with zerolog.Ctx.
//
// A handler that has already written a response (a stream) and then fails
// still returns the error: the server logs it rather than writing a second
// response.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error
