package httputils

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Media types of JSON message streams (GET /events and friends).
const (
	MediaTypeJSON         = "application/json"
	MediaTypeNDJSON       = "application/x-ndjson"
	MediaTypeJSONSequence = "application/json-seq"
)

// NegotiateStreamType picks the stream framing from the Accept header the
// way dockerd does: newline-delimited JSON or RFC 7464 JSON text sequences
// when asked for, else application/json (which is also newline-delimited:
// that is what old clients expect).
func NegotiateStreamType(r *http.Request) string {
	best, bestQ := MediaTypeJSON, 0.0
	for _, part := range strings.Split(strings.Join(r.Header.Values("Accept"), ","), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || (mt != MediaTypeNDJSON && mt != MediaTypeJSONSequence) {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		if q > bestQ {
			best, bestQ = mt, q
		}
	}
	return best
}

// JSONStreamWriter writes one JSON value per message and flushes each, so
// a client sees every message as soon as it happens.
type JSONStreamWriter struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	enc   *json.Encoder
	isSeq bool
}

// NewJSONStreamWriter starts a 200 response of the given stream type (see
// NegotiateStreamType) and flushes the headers so the client knows the
// stream is open before the first message.
func NewJSONStreamWriter(w http.ResponseWriter, contentType string) *JSONStreamWriter {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	s := &JSONStreamWriter{w: w, rc: http.NewResponseController(w), enc: json.NewEncoder(w), isSeq: contentType == MediaTypeJSONSequence}
	s.enc.SetEscapeHTML(false)
	_ = s.rc.Flush()
	return s
}

// Encode writes v as one message and flushes it.
func (s *JSONStreamWriter) Encode(v any) error {
	if s.isSeq {
		// RFC 7464: each text starts with an ASCII record separator.
		if _, err := s.w.Write([]byte{0x1e}); err != nil {
			return err
		}
	}
	if err := s.enc.Encode(v); err != nil {
		return err
	}
	return s.rc.Flush()
}
