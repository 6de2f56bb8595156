package server

import (
	"fmt"
	"net/http"

	"github.com/skiff-engine/skiff/api/httputils"
)

// notImplementedStub answers a Docker route skiff does not serve yet with
// 501 and "<METHOD> <path> is not implemented by skiff". For routes that
// take a JSON body it decodes the body first, so malformed input gets the
// 400 a real handler would give, whatever the route's progress.
func notImplementedStub(b body) httputils.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if b == jsonBody {
			var v any
			if err := httputils.ReadJSON(r, &v); err != nil {
				return err
			}
		}
		return httputils.NotImplemented(fmt.Errorf("%s %s is not implemented by skiff", r.Method, r.URL.Path))
	}
}
