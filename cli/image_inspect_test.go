package cli

import (
	"net/http"
	"strings"
	"testing"
)

// inspectRoutes serve busybox and alpine as images, web as a container.
func inspectRoutes() routes {
	img := func(id, tag string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"Id":"sha256:` + id + `","RepoTags":["` + tag + `"],"Os":"linux","Size":4261550,"Config":{"Cmd":["sh"]},"X-Extra":{"Deep":7}}` + "\n"))
		}
	}
	return routes{
		"GET /images/busybox/json":      img("aaa", "busybox:latest"),
		"GET /images/alpine:3/json":     img("bbb", "alpine:3"),
		"GET /images/nosuch/json":       errorHandler(404, "No such image: nosuch:latest"),
		"GET /containers/web/json":      jsonHandler(200, map[string]any{"Id": "c0ffee", "Name": "/web"}),
		"GET /containers/busybox/json":  errorHandler(404, "No such container: busybox"),
		"GET /containers/nosuch/json":   errorHandler(404, "No such container: nosuch"),
		"GET /containers/alpine:3/json": errorHandler(501, "not implemented"),
	}
}

func TestImageInspect(t *testing.T) {
	host, log := apiDaemon(t, inspectRoutes())
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "indented array", args: []string{"image", "inspect", "busybox"}, stdout: `[
    {
        "Id": "sha256:aaa",
        "RepoTags": [
            "busybox:latest"
        ],
        "Os": "linux",
        "Size": 4261550,
        "Config": {
            "Cmd": [
                "sh"
            ]
        },
        "X-Extra": {
            "Deep": 7
        }
    }
]
`},
		{name: "json", args: []string{"image", "inspect", "--format", "json", "busybox", "alpine:3"},
			stdout: `[{"Id":"sha256:aaa","RepoTags":["busybox:latest"],"Os":"linux","Size":4261550,"Config":{"Cmd":["sh"]},"X-Extra":{"Deep":7}},{"Id":"sha256:bbb","RepoTags":["alpine:3"],"Os":"linux","Size":4261550,"Config":{"Cmd":["sh"]},"X-Extra":{"Deep":7}}]` + "\n"},
		{name: "template", args: []string{"image", "inspect", "-f", "{{.ID}} {{index .RepoTags 0}} {{json .Config.Cmd}}", "busybox", "alpine:3"},
			stdout: "sha256:aaa busybox:latest [\"sh\"]\nsha256:bbb alpine:3 [\"sh\"]\n"},
		{name: "template parse error", args: []string{"image", "inspect", "-f", "{{.X_Extra}}{{index .X-Extra \"Deep\"}}", "busybox"},
			code: 64, stderr: "template parsing error"},
		{name: "raw field", args: []string{"image", "inspect", "-f", `{{index . "X-Extra"}}`, "busybox"},
			stdout: "map[Deep:7]\n"},
		{name: "not found", args: []string{"image", "inspect", "busybox", "nosuch"}, code: 1,
			stdout: "[\n    {\n        \"Id\": \"sha256:aaa\",", stderr: "Error response from daemon: No such image: nosuch:latest\n"},
		{name: "only missing", args: []string{"image", "inspect", "nosuch"}, code: 1,
			stdout: "[]\n", stderr: "Error response from daemon: No such image: nosuch:latest\n"},
		{name: "any object", args: []string{"inspect", "-f", "{{.ID}}", "busybox", "alpine:3"},
			stdout: "sha256:aaa\nsha256:bbb\n"},
		{name: "container first", args: []string{"inspect", "--format", "{{.Name}}", "web"}, stdout: "/web\n"},
		{name: "type image", args: []string{"inspect", "--type", "image", "-f", "{{.Os}}", "busybox"}, stdout: "linux\n"},
		{name: "no such object", args: []string{"inspect", "nosuch"}, code: 1, stdout: "[]\n", stderr: "Error: No such object: nosuch\n"},
		{name: "bad type", args: []string{"inspect", "--type", "volume", "x"}, code: 1, stderr: `unknown type: "volume": must be one of "container", "image"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", append([]string{"-H", host}, tt.args...)...)
			if r.code != tt.code || !strings.HasPrefix(r.stdout, tt.stdout) || (tt.code == 0 && r.stdout != tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d stdout:\n%s\nstderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
	if len(log.all()) == 0 {
		t.Error("no requests")
	}
}
