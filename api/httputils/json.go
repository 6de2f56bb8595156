package httputils

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// CheckForJSON rejects a request body that is not declared JSON. A request
// with no Content-Type is fine as long as it has no body (old clients send
// bodiless POSTs without one).
func CheckForJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" && (r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0) {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return InvalidParameter(fmt.Errorf("malformed Content-Type header (%s): %w", ct, err))
	}
	if mt != "application/json" {
		return InvalidParameter(fmt.Errorf("unsupported Content-Type header (%s): must be 'application/json'", ct))
	}
	return nil
}

// ReadJSON decodes the request body into out, as dockerd does: the body
// must be declared application/json, hold exactly one JSON value and
// nothing after it. An empty body is not an error and leaves out untouched.
// Every failure is InvalidParameter (400).
func ReadJSON(r *http.Request, out any) error {
	if err := CheckForJSON(r); err != nil {
		return err
	}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil
	}
	defer r.Body.Close()
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(out); err != nil {
		if errors.Is(err, io.EOF) {
			// A chunked body with nothing in it: treat as empty, as above.
			return nil
		}
		return InvalidParameter(fmt.Errorf("invalid JSON: %w", err))
	}
	if dec.More() {
		return InvalidParameter(errors.New("unexpected content after JSON"))
	}
	// dec.More stops at a closing bracket; anything left is still garbage.
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return InvalidParameter(errors.New("unexpected content after JSON"))
	}
	return nil
}

// WriteJSON writes v as a JSON response with status code, HTML left
// unescaped as dockerd writes it.
func WriteJSON(w http.ResponseWriter, code int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
