package cli

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var pullStream = []string{
	`{"status":"Pulling from library/busybox","id":"latest"}`,
	`{"status":"Pulling fs layer","progressDetail":{},"id":"a1b2c3d4e5f6"}`,
	`{"status":"Downloading","progressDetail":{"current":50,"total":100},"progress":"[=====>     ]","id":"a1b2c3d4e5f6"}`,
	`{"status":"Pull complete","progressDetail":{},"id":"a1b2c3d4e5f6"}`,
	`{"status":"Digest: sha256:feed"}`,
	`{"status":"Status: Downloaded newer image for busybox:latest"}`,
}

// hubConfig writes a config.json with Docker Hub credentials and returns
// its directory.
func hubConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := `{"auths":{"https://index.docker.io/v1/":{"auth":"` + b64("hubuser:hubpass") + `"},"localhost:5000":{"auth":"` + b64("local:pw") + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPull(t *testing.T) {
	host, log := apiDaemon(t, routes{"POST /images/create": streamHandler(pullStream...)})
	env := map[string]string{"DOCKER_CONFIG": hubConfig(t)}

	r := runCLI(t, env, "", "-H", host, "pull", "busybox")
	want := "Using default tag: latest\n" +
		"latest: Pulling from library/busybox\n" +
		"a1b2c3d4e5f6: Pulling fs layer\n" +
		"a1b2c3d4e5f6: Pull complete\n" +
		"Digest: sha256:feed\n" +
		"Status: Downloaded newer image for busybox:latest\n" +
		"docker.io/library/busybox:latest\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d stderr %q stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	req := log.last(t, "/images/create")
	if q := req.Query; q.Get("fromImage") != "docker.io/library/busybox" || q.Get("tag") != "latest" || q.Has("platform") {
		t.Errorf("query %v", q)
	}
	if ac := decodeAuthHeader(t, req.Header.Get("X-Registry-Auth")); ac.Username != "hubuser" || ac.Password != "hubpass" || ac.ServerAddress != indexServer {
		t.Errorf("auth %+v", ac)
	}

	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		query  map[string]string
		user   string
		stdout string
	}{
		{name: "quiet", args: []string{"pull", "-q", "busybox"},
			query: map[string]string{"fromImage": "docker.io/library/busybox", "tag": "latest"}, user: "hubuser",
			stdout: "docker.io/library/busybox:latest\n"},
		{name: "all tags", args: []string{"pull", "--all-tags", "-q", "busybox"},
			query: map[string]string{"fromImage": "docker.io/library/busybox", "tag": ""}, user: "hubuser",
			stdout: "docker.io/library/busybox\n"},
		{name: "private registry and platform", args: []string{"image", "pull", "-q", "--platform", "linux/arm64/v8", "localhost:5000/app:1.0"},
			query: map[string]string{"fromImage": "localhost:5000/app", "tag": "1.0", "platform": "linux/arm64/v8"}, user: "local",
			stdout: "localhost:5000/app:1.0\n"},
		{name: "default platform", args: []string{"pull", "-q", "quay.io/org/img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
			env:    map[string]string{"DOCKER_DEFAULT_PLATFORM": "linux/amd64"},
			query:  map[string]string{"fromImage": "quay.io/org/img", "tag": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "platform": "linux/amd64"},
			stdout: "quay.io/org/img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{"DOCKER_CONFIG": env["DOCKER_CONFIG"]}
			for k, v := range tt.env {
				e[k] = v
			}
			r := runCLI(t, e, "", append([]string{"-H", host}, tt.args...)...)
			if r.code != 0 || r.stdout != tt.stdout {
				t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			req := log.last(t, "/images/create")
			for k, v := range tt.query {
				if got := req.Query.Get(k); got != v {
					t.Errorf("query %s=%q, want %q", k, got, v)
				}
			}
			if ac := decodeAuthHeader(t, req.Header.Get("X-Registry-Auth")); ac.Username != tt.user {
				t.Errorf("auth user %q, want %q", ac.Username, tt.user)
			}
		})
	}
}

func TestPullErrors(t *testing.T) {
	host, _ := apiDaemon(t, routes{
		"POST /images/create": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("fromImage") == "docker.io/library/nosuch" {
				errorHandler(404, "pull access denied for nosuch, repository does not exist or may require 'docker login'")(w, r)
				return
			}
			streamHandler(`{"status":"Pulling from library/broken","id":"latest"}`,
				`{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}`)(w, r)
		},
	})
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"pull", "nosuch"}, "Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login'\n"},
		{[]string{"pull", "broken"}, "manifest unknown\n"},
		{[]string{"pull", "-a", "busybox:1"}, "tag can't be used with --all-tags/-a\n"},
		{[]string{"pull", "Upper"}, "invalid reference format: repository name (library/Upper) must be lowercase\n"},
		{[]string{"pull", "--platform", "linux//x", "busybox"}, "invalid platform \"linux//x\": expected os[/arch[/variant]]\n"},
	}
	for _, tt := range tests {
		r := runCLI(t, map[string]string{"DOCKER_CONFIG": t.TempDir()}, "", append([]string{"-H", host}, tt.args...)...)
		if r.code != 1 || r.stderr != tt.stderr {
			t.Errorf("%q: exit %d stderr %q, want %q", tt.args, r.code, r.stderr, tt.stderr)
		}
	}
}

func TestPullAnonymousSendsEmptyAuth(t *testing.T) {
	host, log := apiDaemon(t, routes{"POST /images/create": streamHandler()})
	r := runCLI(t, map[string]string{"DOCKER_CONFIG": t.TempDir()}, "", "-H", host, "pull", "-q", "alpine:3")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "docker.io/library/alpine:3" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if h := log.last(t, "/images/create").Header.Get("X-Registry-Auth"); h != "e30=" {
		t.Errorf("X-Registry-Auth %q, want e30= as docker sends", h)
	}
}

func TestPullProgressOnTerminal(t *testing.T) {
	host, _ := apiDaemon(t, routes{"POST /images/create": streamHandler(pullStream...)})
	master, tty := openPty(t)
	var errb strings.Builder
	code := runWith(t, map[string]string{"DOCKER_CONFIG": t.TempDir()}, Streams{Stdin: strings.NewReader(""), Stdout: tty, Stderr: &errb}, "-H", host, "pull", "busybox")
	if code != 0 {
		t.Fatalf("exit %d stderr %q", code, errb.String())
	}
	_ = tty.Close()
	out, _ := io.ReadAll(master)
	// On a terminal the layer lines are redrawn in place with a bar.
	for _, want := range []string{"\x1b[2K", "a1b2c3d4e5f6: Downloading", "50B/100B", "docker.io/library/busybox:latest"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("terminal output lacks %q:\n%q", want, out)
		}
	}
}
