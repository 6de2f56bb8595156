package httputils

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

func TestReadJSON(t *testing.T) {
	tests := []struct {
		name, ct, body string
		wantErr        string
	}{
		{"ok", "application/json", `{"a":1}`, ""},
		{"ok with charset", "application/json; charset=utf-8", `{"a":1}`, ""},
		{"empty body no type", "", ``, ""},
		{"trailing newline", "application/json", "{\"a\":1}\n", ""},
		{"bad", "application/json", `{"a":`, "invalid JSON"},
		{"two values", "application/json", `{"a":1}{"a":2}`, "unexpected content after JSON"},
		{"trailing bracket", "application/json", `{"a":1}]`, "unexpected content after JSON"},
		{"wrong type", "text/plain", `{"a":1}`, "unsupported Content-Type header (text/plain): must be 'application/json'"},
		{"body without type", "", `{"a":1}`, "malformed Content-Type header"},
		{"wrong field type", "application/json", `{"a":"x"}`, "invalid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/x", strings.NewReader(tc.body))
			if tc.ct != "" {
				r.Header.Set("Content-Type", tc.ct)
			}
			var v struct{ A int }
			err := ReadJSON(r, &v)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want prefix %q", err, tc.wantErr)
			}
			if !errdefs.IsInvalidArgument(err) {
				t.Fatalf("err %v is not InvalidArgument", err)
			}
		})
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.24", "1.24", 0}, {"1.9", "1.24", -1}, {"1.52", "1.100", -1},
		{"2", "1.52", 1}, {"1.24.0", "1.24", 0}, {"9.99", "1.52", 1},
	}
	for _, tc := range tests {
		if got := CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%s, %s) = %d", tc.a, tc.b, got)
		}
	}
}

func TestNegotiateStreamType(t *testing.T) {
	tests := []struct{ accept, want string }{
		{"", MediaTypeJSON},
		{"*/*", MediaTypeJSON},
		{"application/jsonl, application/x-ndjson;q=0.9, application/json-seq;q=0.5", MediaTypeNDJSON},
		{"application/json-seq", MediaTypeJSONSequence},
		{"application/x-ndjson;q=0.1, application/json-seq;q=0.5", MediaTypeJSONSequence},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/events", nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		if got := NegotiateStreamType(r); got != tc.want {
			t.Errorf("%q -> %s, want %s", tc.accept, got, tc.want)
		}
	}
}

func TestWriteErrorKeepsMessage(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, NotFound(errString("No such container: x")))
	if rec.Code != http.StatusNotFound || strings.TrimSpace(rec.Body.String()) != `{"message":"No such container: x"}` {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
