package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/image"
)

func testImages() []image.Summary {
	now := time.Now()
	return []image.Summary{
		{
			ID: "sha256:" + strings.Repeat("a", 64), Created: now.Add(-72 * time.Hour).Unix(), Size: 4261550, Containers: -1, SharedSize: -1,
			RepoTags:    []string{"busybox:latest", "busybox:1.36"},
			RepoDigests: []string{"busybox@sha256:" + strings.Repeat("d", 64)},
		},
		{
			ID: "sha256:" + strings.Repeat("b", 64), Created: now.Add(-2 * time.Hour).Unix(), Size: 123456789, Containers: 2, SharedSize: 0,
			RepoTags: []string{"localhost:5000/app:v1"},
		},
		{
			ID: "sha256:" + strings.Repeat("e", 64), Created: now.Add(-30 * time.Minute).Unix(), Size: 2000,
			RepoDigests: []string{"alpine@sha256:" + strings.Repeat("f", 64)},
		},
		{ID: "sha256:" + strings.Repeat("c", 64), Created: now.Add(-5 * time.Minute).Unix(), Size: 1000},
	}
}

func TestImages(t *testing.T) {
	host, log := apiDaemon(t, routes{"GET /images/json": jsonHandler(200, testImages())})
	tests := []struct {
		name  string
		args  []string
		out   string
		query map[string]string
	}{
		{name: "table", args: []string{"images"}, out: "" +
			"REPOSITORY           TAG       IMAGE ID       CREATED          SIZE\n" +
			"busybox              latest    aaaaaaaaaaaa   3 days ago       4.26MB\n" +
			"busybox              1.36      aaaaaaaaaaaa   3 days ago       4.26MB\n" +
			"localhost:5000/app   v1        bbbbbbbbbbbb   2 hours ago      123MB\n" +
			"alpine               <none>    eeeeeeeeeeee   30 minutes ago   2kB\n" +
			"<none>               <none>    cccccccccccc   5 minutes ago    1kB\n",
			query: map[string]string{"all": "", "filters": ""}},
		{name: "quiet", args: []string{"image", "ls", "-q"},
			out: "aaaaaaaaaaaa\naaaaaaaaaaaa\nbbbbbbbbbbbb\neeeeeeeeeeee\ncccccccccccc\n"},
		{name: "quiet no-trunc all", args: []string{"image", "list", "-qa", "--no-trunc"},
			out: "sha256:" + strings.Repeat("a", 64) + "\nsha256:" + strings.Repeat("a", 64) + "\nsha256:" + strings.Repeat("b", 64) +
				"\nsha256:" + strings.Repeat("e", 64) + "\nsha256:" + strings.Repeat("c", 64) + "\n",
			query: map[string]string{"all": "1"}},
		{name: "digests", args: []string{"images", "--digests"}, out: "" +
			"REPOSITORY           TAG       DIGEST                                                                    IMAGE ID       CREATED          SIZE\n" +
			"busybox              latest    sha256:" + strings.Repeat("d", 64) + "   aaaaaaaaaaaa   3 days ago       4.26MB\n" +
			"busybox              1.36      sha256:" + strings.Repeat("d", 64) + "   aaaaaaaaaaaa   3 days ago       4.26MB\n" +
			"localhost:5000/app   v1        <none>                                                                    bbbbbbbbbbbb   2 hours ago      123MB\n" +
			"alpine               <none>    sha256:" + strings.Repeat("f", 64) + "   eeeeeeeeeeee   30 minutes ago   2kB\n" +
			"<none>               <none>    <none>                                                                    cccccccccccc   5 minutes ago    1kB\n"},
		{name: "template", args: []string{"images", "--format", "{{.Repository}}:{{.Tag}} {{.Containers}} {{.UniqueSize}}"},
			out: "busybox:latest N/A N/A\nbusybox:1.36 N/A N/A\nlocalhost:5000/app:v1 2 123.5MB\nalpine:<none> 0 2kB\n<none>:<none> 0 1kB\n"},
		{name: "custom table with digests", args: []string{"images", "--digests", "--format", "table {{.ID}}"}, out: "" +
			"IMAGE ID       DIGEST\n" +
			"aaaaaaaaaaaa   sha256:" + strings.Repeat("d", 64) + "\n" +
			"aaaaaaaaaaaa   sha256:" + strings.Repeat("d", 64) + "\n" +
			"bbbbbbbbbbbb   <none>\n" +
			"eeeeeeeeeeee   sha256:" + strings.Repeat("f", 64) + "\n" +
			"cccccccccccc   <none>\n"},
		{name: "filters and reference", args: []string{"images", "-f", "dangling=false", "--filter", "Label = a=b", "busybox"},
			out:   "REPOSITORY",
			query: map[string]string{"filters": `{"dangling":{"false":true},"label":{"a=b":true},"reference":{"busybox":true}}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, map[string]string{"DOCKER_CONFIG": t.TempDir()}, "", append([]string{"-H", host}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d stderr %q", r.code, r.stderr)
			}
			if tt.name == "filters and reference" {
				if !strings.HasPrefix(r.stdout, tt.out) {
					t.Errorf("stdout %q", r.stdout)
				}
			} else if r.stdout != tt.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, tt.out)
			}
			q := log.last(t, "/images/json").Query
			for k, v := range tt.query {
				if got := q.Get(k); got != v {
					t.Errorf("query %s=%q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestImagesJSONAndConfigFormat(t *testing.T) {
	host, _ := apiDaemon(t, routes{"GET /images/json": jsonHandler(200, testImages()[:1])})
	r := runCLI(t, map[string]string{"DOCKER_CONFIG": t.TempDir()}, "", "-H", host, "images", "--format", "json")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	var row map[string]string
	if err := json.Unmarshal([]byte(lines[0]), &row); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"Repository": "busybox", "Tag": "latest", "ID": "aaaaaaaaaaaa", "Size": "4.26MB",
		"Digest": "<none>", "CreatedSince": "3 days ago", "Containers": "N/A", "SharedSize": "N/A", "VirtualSize": "4.262MB"} {
		if row[k] != v {
			t.Errorf("%s = %q, want %q (%v)", k, row[k], v, row)
		}
	}
	if len(row) != 11 {
		t.Errorf("keys %v, want docker's 11", row)
	}

	// config.json's imagesFormat is the default, but not with -q.
	dir := t.TempDir()
	writeConfig(t, dir, `{"imagesFormat":"{{.Repository}} has {{.Tag}}"}`)
	r = runCLI(t, map[string]string{"DOCKER_CONFIG": dir}, "", "-H", host, "images")
	if r.stdout != "busybox has latest\nbusybox has 1.36\n" {
		t.Errorf("imagesFormat: %q", r.stdout)
	}
	r = runCLI(t, map[string]string{"DOCKER_CONFIG": dir}, "", "-H", host, "images", "-q")
	if r.stdout != "aaaaaaaaaaaa\naaaaaaaaaaaa\n" {
		t.Errorf("imagesFormat with -q: %q", r.stdout)
	}
}

func TestImagesErrors(t *testing.T) {
	host, _ := apiDaemon(t, routes{"GET /images/json": jsonHandler(200, []image.Summary{})})
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"images", "-f", "dangling"}, 125, "", "invalid argument \"dangling\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\n"},
		{[]string{"images", "--format", "{{.Nope"}, 1, "", "template parsing error"},
		{[]string{"images", "pull"}, 0, "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n", "\nNo images found matching \"pull\": did you mean \"skiff image pull\"?\n"},
		{[]string{"image", "ls", "pull"}, 0, "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n", ""},
	}
	for _, tt := range tests {
		r := runCLI(t, map[string]string{"DOCKER_CONFIG": t.TempDir()}, "", append([]string{"-H", host}, tt.args...)...)
		if r.code != tt.code || r.stdout != tt.stdout || !strings.Contains(r.stderr, tt.stderr) || (tt.stderr == "" && r.stderr != "") {
			t.Errorf("%q: exit %d stdout %q stderr %q", tt.args, r.code, r.stdout, r.stderr)
		}
	}
}
