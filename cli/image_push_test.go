package cli

import "testing"

func TestPush(t *testing.T) {
	host, log := apiDaemon(t, routes{
		"POST /images/docker.io/library/busybox/push": streamHandler(
			`{"status":"The push refers to repository [docker.io/library/busybox]"}`,
			`{"status":"Pushed","progressDetail":{},"id":"a1b2c3d4e5f6"}`,
			`{"status":"latest: digest: sha256:feed size: 527"}`),
		"POST /images/localhost:5000/app/push": streamHandler(`{"status":"Pushed","id":"x"}`),
		"POST /images/localhost:5000/denied/push": streamHandler(
			`{"errorDetail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}`),
	})
	env := map[string]string{"DOCKER_CONFIG": hubConfig(t)}
	tests := []struct {
		name, path   string
		args         []string
		tag, user    string
		code         int
		stdout       string
		stderr       string
		platformJSON string
	}{
		{name: "default tag", path: "/images/docker.io/library/busybox/push", args: []string{"push", "busybox"},
			tag: "latest", user: "hubuser",
			stdout: "Using default tag: latest\nThe push refers to repository [docker.io/library/busybox]\na1b2c3d4e5f6: Pushed\nlatest: digest: sha256:feed size: 527\n"},
		{name: "quiet", path: "/images/localhost:5000/app/push", args: []string{"image", "push", "-q", "localhost:5000/app:v2"},
			tag: "v2", user: "local", stdout: "localhost:5000/app:v2\n"},
		{name: "all tags", path: "/images/localhost:5000/app/push", args: []string{"push", "-a", "localhost:5000/app"},
			user: "local", stdout: "x: Pushed\n"},
		{name: "platform", path: "/images/localhost:5000/app/push", args: []string{"push", "-q", "--platform", "linux/arm64", "localhost:5000/app:v1"},
			tag: "v1", user: "local", stdout: "localhost:5000/app:v1\n", platformJSON: `{"architecture":"arm64","os":"linux"}`},
		{name: "stream error", path: "/images/localhost:5000/denied/push", args: []string{"push", "localhost:5000/denied:1"},
			tag: "1", user: "local", code: 1, stderr: "unauthorized: authentication required\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, env, "", append([]string{"-H", host}, tt.args...)...)
			if r.code != tt.code || r.stdout != tt.stdout || r.stderr != tt.stderr {
				t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			req := log.last(t, tt.path)
			if got := req.Query.Get("tag"); got != tt.tag {
				t.Errorf("tag %q, want %q", got, tt.tag)
			}
			if got := req.Query.Get("platform"); got != tt.platformJSON {
				t.Errorf("platform %q, want %q", got, tt.platformJSON)
			}
			if ac := decodeAuthHeader(t, req.Header.Get("X-Registry-Auth")); ac.Username != tt.user {
				t.Errorf("auth %+v, want user %q", ac, tt.user)
			}
		})
	}
	r := runCLI(t, env, "", "-H", host, "push", "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	if r.code != 1 || r.stderr != "cannot push a digest reference\n" {
		t.Errorf("digest push: exit %d stderr %q", r.code, r.stderr)
	}
}
