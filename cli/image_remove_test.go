package cli

import (
	"testing"

	"github.com/moby/moby/api/types/image"
)

func TestRmi(t *testing.T) {
	host, log := apiDaemon(t, routes{
		"DELETE /images/busybox": jsonHandler(200, []image.DeleteResponse{
			{Untagged: "busybox:latest"},
			{Untagged: "busybox@sha256:feed"},
			{Deleted: "sha256:aaaa"},
			{Deleted: "sha256:bbbb"},
		}),
		"DELETE /images/alpine:3": jsonHandler(200, []image.DeleteResponse{{Untagged: "alpine:3"}}),
		"DELETE /images/nosuch":   errorHandler(404, "No such image: nosuch:latest"),
		"DELETE /images/used":     errorHandler(409, "conflict: unable to remove repository reference \"used\" (must force) - container 123 is using its referenced image 456"),
	})
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{name: "untag and delete", args: []string{"rmi", "busybox", "alpine:3"},
			stdout: "Untagged: busybox:latest\nUntagged: busybox@sha256:feed\nDeleted: sha256:aaaa\nDeleted: sha256:bbbb\nUntagged: alpine:3\n"},
		{name: "missing", args: []string{"image", "rm", "nosuch", "alpine:3"}, code: 1,
			stdout: "Untagged: alpine:3\n", stderr: "Error response from daemon: No such image: nosuch:latest\n"},
		{name: "missing forced", args: []string{"image", "remove", "-f", "nosuch", "alpine:3"},
			stdout: "Untagged: alpine:3\n", stderr: "Error response from daemon: No such image: nosuch:latest\n"},
		{name: "conflict forced still fails", args: []string{"image", "rmi", "-f", "used", "nosuch"}, code: 1,
			stderr: "Error response from daemon: conflict: unable to remove repository reference \"used\" (must force) - container 123 is using its referenced image 456\nError response from daemon: No such image: nosuch:latest\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", append([]string{"-H", host}, tt.args...)...)
			if r.code != tt.code || r.stdout != tt.stdout || r.stderr != tt.stderr {
				t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
	if q := log.last(t, "/images/busybox").Query; q.Get("force") != "" || q.Get("noprune") != "" {
		t.Errorf("default query %v", q)
	}
	runCLI(t, nil, "", "-H", host, "rmi", "--force", "--no-prune", "--platform", "linux/amd64", "busybox")
	q := log.last(t, "/images/busybox").Query
	if q.Get("force") != "1" || q.Get("noprune") != "1" || q.Get("platforms") != `{"architecture":"amd64","os":"linux"}` {
		t.Errorf("flags query %v", q)
	}
}

func TestTag(t *testing.T) {
	host, log := apiDaemon(t, routes{"POST /images/busybox:1.36/tag": jsonHandler(201, nil)})
	tests := []struct {
		args      []string
		repo, tag string
		code      int
		stderr    string
	}{
		{args: []string{"tag", "busybox:1.36", "myrepo"}, repo: "docker.io/library/myrepo", tag: "latest"},
		{args: []string{"image", "tag", "busybox:1.36", "localhost:5000/team/app:v2"}, repo: "localhost:5000/team/app", tag: "v2"},
		{args: []string{"tag", "busybox:1.36", "Bad:x"}, code: 1, stderr: "error parsing reference: \"Bad:x\" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n"},
		{args: []string{"tag", "nosuch", "x"}, code: 1, stderr: "Error response from daemon: page not found: /images/nosuch/tag\n"},
	}
	for _, tt := range tests {
		r := runCLI(t, nil, "", append([]string{"-H", host}, tt.args...)...)
		if r.code != tt.code || r.stdout != "" || r.stderr != tt.stderr {
			t.Errorf("%q: exit %d stdout %q stderr %q", tt.args, r.code, r.stdout, r.stderr)
			continue
		}
		if tt.code == 0 {
			q := log.last(t, "/images/busybox:1.36/tag").Query
			if q.Get("repo") != tt.repo || q.Get("tag") != tt.tag {
				t.Errorf("%q: query %v", tt.args, q)
			}
		}
	}
}
