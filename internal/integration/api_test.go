package integration

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestAPIBadInput: bad requests get Docker's status codes and {"message": ...}.
func TestAPIBadInput(t *testing.T) {
	d := harness.StartDaemon(t)
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name      string
		method    string
		path      string
		header    http.Header
		body      string
		status    int
		jsonMsg   bool   // the body must be {"message": "..."}
		msg       string // the message must contain this
		skiffOnly bool
	}{
		{name: "MalformedJSON", method: "POST", path: "/v1.44/containers/create", header: jsonCT, body: `{"Image": "busybox",`, status: 400, jsonMsg: true},
		{name: "HeaderOver1MiB", method: "GET", path: "/_ping", header: http.Header{"X-Big": {strings.Repeat("a", 1<<20+64<<10)}}, status: 431},
		{name: "APIVersionTooNew", method: "GET", path: "/v9.99/version", status: 400, jsonMsg: true},
		{name: "UnknownRoute", method: "GET", path: "/v1.44/no/such/route", status: 404, jsonMsg: true},
		{name: "NotImplemented", method: "GET", path: "/v1.44/plugins", status: 501, jsonMsg: true, msg: "is not implemented by skiff", skiffOnly: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skiffOnly {
				harness.SkiffOnly(t)
			}
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			status, _, rb := d.Request(tc.method, tc.path, tc.header, body)
			if status != tc.status {
				t.Errorf("%s %s: status %d, want %d; body %.300q", tc.method, tc.path, status, tc.status, rb)
			}
			if !tc.jsonMsg {
				return
			}
			var e struct{ Message string }
			if err := json.Unmarshal(rb, &e); err != nil || e.Message == "" {
				t.Fatalf("%s %s: body %.300q is not {\"message\": ...}", tc.method, tc.path, rb)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("%s %s: message %q, want it to contain %q", tc.method, tc.path, e.Message, tc.msg)
			}
		})
	}
}
