package cli

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSave(t *testing.T) {
	host, log := apiDaemon(t, routes{"GET /images/get": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-tar")
		_, _ = w.Write([]byte("TARDATA:" + strings.Join(r.URL.Query()["names"], ",")))
	}})
	r := runCLI(t, nil, "", "-H", host, "save", "busybox", "alpine:3")
	if r.code != 0 || r.stdout != "TARDATA:busybox,alpine:3" {
		t.Errorf("stdout: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "images.tar")
	r = runCLI(t, nil, "", "-H", host, "image", "save", "-o", out, "--platform", "linux/amd64", "busybox")
	data, err := os.ReadFile(out)
	if r.code != 0 || r.stdout != "" || err != nil || string(data) != "TARDATA:busybox" {
		t.Errorf("-o: exit %d stderr %q file %q %v", r.code, r.stderr, data, err)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if q := log.last(t, "/images/get").Query; q.Get("platform") != `{"architecture":"amd64","os":"linux"}` {
		t.Errorf("platform query %v", q)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	r = runCLI(t, nil, "", "-H", host, "save", "-o", "/nonexistent/dir/x.tar", "busybox")
	if r.code != 1 || r.stderr != "failed to save image: invalid output path: directory \"/nonexistent/dir\" does not exist\n" {
		t.Errorf("bad -o: exit %d stderr %q", r.code, r.stderr)
	}

	// A terminal on stdout gets no tar, and the daemon is not asked.
	_, tty := openPty(t)
	var errb bytes.Buffer
	n := len(log.all())
	code := runWith(t, nil, Streams{Stdin: strings.NewReader(""), Stdout: tty, Stderr: &errb}, "-H", host, "save", "busybox")
	if code != 1 || errb.String() != "cowardly refusing to save to a terminal. Use the -o flag or redirect\n" || len(log.all()) != n {
		t.Errorf("terminal: exit %d stderr %q", code, errb.String())
	}
}

func TestLoad(t *testing.T) {
	host, log := apiDaemon(t, routes{"POST /images/load": streamHandler(
		`{"status":"Loading layer","progressDetail":{"current":512,"total":1024},"id":"a1b2"}`,
		`{"stream":"Loaded image: busybox:latest\n"}`,
		`{"stream":"Loaded image ID: sha256:aaaa\n"}`)})
	tar := filepath.Join(t.TempDir(), "in.tar")
	_ = os.WriteFile(tar, []byte("FROMFILE"), 0o600)
	tests := []struct {
		name, stdin string
		args        []string
		body, quiet string
	}{
		{name: "stdin", stdin: "FROMSTDIN", args: []string{"load"}, body: "FROMSTDIN", quiet: "1"},
		{name: "file quiet", args: []string{"image", "load", "-q", "-i", tar}, body: "FROMFILE", quiet: "1"},
		{name: "file", args: []string{"load", "--input", tar}, body: "FROMFILE", quiet: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.stdin, append([]string{"-H", host}, tt.args...)...)
			if r.code != 0 || r.stdout != "Loaded image: busybox:latest\nLoaded image ID: sha256:aaaa\n" {
				t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			req := log.last(t, "/images/load")
			if string(req.Body) != tt.body || req.Query.Get("quiet") != tt.quiet || req.Header.Get("Content-Type") != "application/x-tar" {
				t.Errorf("request %q %v %v", req.Body, req.Query, req.Header)
			}
		})
	}
	r := runCLI(t, nil, "", "-H", host, "load", "-i", "/nonexistent.tar")
	if r.code != 1 || !strings.Contains(r.stderr, "no such file or directory") {
		t.Errorf("missing file: exit %d stderr %q", r.code, r.stderr)
	}

	// A terminal on stdin is not an archive.
	_, tty := openPty(t)
	var out, errb bytes.Buffer
	code := runWith(t, nil, Streams{Stdin: tty, Stdout: &out, Stderr: &errb}, "-H", host, "load")
	if code != 1 || errb.String() != "requested load from stdin, but stdin is empty\n" {
		t.Errorf("terminal: exit %d stderr %q", code, errb.String())
	}
}

func TestImport(t *testing.T) {
	host, log := apiDaemon(t, routes{"POST /images/create": streamHandler(`{"status":"sha256:` + strings.Repeat("a", 64) + `"}`)})
	tar := filepath.Join(t.TempDir(), "rootfs.tar")
	_ = os.WriteFile(tar, []byte("ROOTFS"), 0o600)
	tests := []struct {
		name, stdin string
		args        []string
		query       map[string][]string
		body        string
	}{
		{name: "file with changes", args: []string{"import", "-c", "CMD [\"sh\"]", "--change", "ENV A=b", "-m", "first", tar, "myimg:v1"},
			query: map[string][]string{"fromSrc": {"-"}, "repo": {"myimg:v1"}, "message": {"first"}, "changes": {"CMD [\"sh\"]", "ENV A=b"}},
			body:  "ROOTFS"},
		{name: "stdin", stdin: "FROMSTDIN", args: []string{"image", "import", "--platform", "linux/arm64", "-"},
			query: map[string][]string{"fromSrc": {"-"}, "platform": {"linux/arm64"}}, body: "FROMSTDIN"},
		{name: "url", args: []string{"import", "https://example.com/rootfs.tar", "web"},
			query: map[string][]string{"fromSrc": {"https://example.com/rootfs.tar"}, "repo": {"web"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.stdin, append([]string{"-H", host}, tt.args...)...)
			if r.code != 0 || r.stdout != "sha256:"+strings.Repeat("a", 64)+"\n" {
				t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			req := log.last(t, "/images/create")
			for k, v := range tt.query {
				if got := req.Query[k]; strings.Join(got, "|") != strings.Join(v, "|") {
					t.Errorf("query %s=%q, want %q", k, got, v)
				}
			}
			if string(req.Body) != tt.body {
				t.Errorf("body %q, want %q", req.Body, tt.body)
			}
		})
	}
}
