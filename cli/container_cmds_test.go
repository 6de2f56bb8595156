package cli

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
)

func inspectHandler(tty bool) http.HandlerFunc {
	return jsonHandler(200, container.InspectResponse{ID: testCtrID, Name: "/web", Config: &container.Config{Tty: tty}, HostConfig: &container.HostConfig{}})
}

func TestLogs(t *testing.T) {
	for _, tty := range []bool{false, true} {
		host, log := apiDaemon(t, routes{
			"GET /containers/web/json": inspectHandler(tty),
			"GET /containers/" + testCtrID + "/logs": func(w http.ResponseWriter, r *http.Request) {
				if tty {
					_, _ = io.WriteString(w, "out and err together\n")
					return
				}
				writeFrame(w, stdcopy.Stdout, "to stdout\n")
				writeFrame(w, stdcopy.Stderr, "to stderr\n")
			},
		})
		r := runCLI(t, nil, "", "-H", host, "logs", "-n", "5", "-t", "--since", "10m", "--details", "web")
		if r.code != 0 {
			t.Fatalf("tty %v: exit %d stderr %q", tty, r.code, r.stderr)
		}
		if tty && (r.stdout != "out and err together\n" || r.stderr != "") {
			t.Errorf("tty: stdout %q stderr %q", r.stdout, r.stderr)
		}
		if !tty && (r.stdout != "to stdout\n" || r.stderr != "to stderr\n") {
			t.Errorf("demux: stdout %q stderr %q", r.stdout, r.stderr)
		}
		q := log.last(t, "/containers/"+testCtrID+"/logs").Query
		if q.Get("tail") != "5" || q.Get("timestamps") != "1" || q.Get("details") != "1" || q.Get("since") == "" || q.Get("follow") != "" {
			t.Errorf("logs query %v", q)
		}
	}
}

func TestRmContinuesOnError(t *testing.T) {
	host, log := apiDaemon(t, routes{
		"DELETE /containers/a":    func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) },
		"DELETE /containers/b":    errorHandler(409, "cannot remove container \"b\": container is running: stop the container before removing or force remove"),
		"DELETE /containers/c":    func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) },
		"DELETE /containers/gone": errorHandler(404, "No such container: gone"),
	})
	r := runCLI(t, nil, "", "-H", host, "rm", "-v", "a", "b", "gone", "c")
	if r.code != 1 || r.stdout != "a\nc\n" {
		t.Errorf("exit %d stdout %q", r.code, r.stdout)
	}
	want := "Error response from daemon: cannot remove container \"b\": container is running: stop the container before removing or force remove\nError response from daemon: No such container: gone\n"
	if r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	if q := log.last(t, "/containers/a").Query; q.Get("v") != "1" || q.Get("force") != "" {
		t.Errorf("rm query %v", q)
	}
	// -f: a missing container is reported but is no failure.
	r = runCLI(t, nil, "", "-H", host, "rm", "-f", "gone", "a")
	if r.code != 0 || r.stdout != "a\n" || r.stderr != "Error response from daemon: No such container: gone\n" {
		t.Errorf("-f: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestStopKillRestartPauseWait(t *testing.T) {
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }
	host, log := apiDaemon(t, routes{
		"POST /containers/a/stop":    ok,
		"POST /containers/a/kill":    ok,
		"POST /containers/a/restart": ok,
		"POST /containers/a/pause":   ok,
		"POST /containers/a/unpause": ok,
		"POST /containers/x/stop":    errorHandler(404, "No such container: x"),
		"POST /containers/a/wait":    jsonHandler(200, container.WaitResponse{StatusCode: 7}),
		"POST /containers/b/wait":    jsonHandler(200, container.WaitResponse{StatusCode: 0}),
	})
	r := runCLI(t, nil, "", "-H", host, "stop", "-t", "3", "-s", "SIGINT", "a", "x")
	if r.code != 1 || r.stdout != "a\n" || r.stderr != "Error response from daemon: No such container: x\n" {
		t.Errorf("stop: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if q := log.last(t, "/containers/a/stop").Query; q.Get("t") != "3" || q.Get("signal") != "SIGINT" {
		t.Errorf("stop query %v", q)
	}
	r = runCLI(t, nil, "", "-H", host, "container", "kill", "-s", "HUP", "a")
	if r.code != 0 || r.stdout != "a\n" || log.last(t, "/containers/a/kill").Query.Get("signal") != "HUP" {
		t.Errorf("kill: exit %d stdout %q", r.code, r.stdout)
	}
	for _, cmd := range []string{"restart", "pause", "unpause"} {
		if r := runCLI(t, nil, "", "-H", host, cmd, "a"); r.code != 0 || r.stdout != "a\n" {
			t.Errorf("%s: exit %d stdout %q stderr %q", cmd, r.code, r.stdout, r.stderr)
		}
	}
	r = runCLI(t, nil, "", "-H", host, "wait", "a", "b")
	if r.code != 0 || r.stdout != "7\n0\n" {
		t.Errorf("wait: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestStart(t *testing.T) {
	host, _ := apiDaemon(t, routes{
		"POST /containers/a/start": func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) },
		"POST /containers/b/start": errorHandler(400, `exec: "nope": executable file not found in $PATH`),
	})
	r := runCLI(t, nil, "", "-H", host, "start", "a", "b")
	want := "Error response from daemon: exec: \"nope\": executable file not found in $PATH\nError: failed to start containers: b\n"
	if r.code != 1 || r.stdout != "a\n" || r.stderr != want {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "", "-H", host, "start", "-a", "a", "b")
	if r.code != 1 || r.stderr != "you cannot start and attach multiple containers at once\n" {
		t.Errorf("-a with two: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestStartAttached(t *testing.T) {
	fc := newFakeContainer(4, muxed("out\n", "err\n"))
	rt := fc.routes()
	rt["GET /containers/web/json"] = inspectHandler(false)
	host, log := apiDaemon(t, rt)
	r := runCLI(t, nil, "", "-H", host, "start", "-a", "web")
	if r.code != 4 || r.stdout != "out\n" || r.stderr != "err\n" {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	want := []string{"GET /containers/web/json", "POST /containers/ID/attach", "POST /containers/ID/wait", "POST /containers/ID/start"}
	if got := callPaths(log.all()); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("calls %q", got)
	}
}

func TestContainerPrune(t *testing.T) {
	report := container.PruneReport{ContainersDeleted: []string{"aaa", "bbb"}, SpaceReclaimed: 2048}
	host, log := apiDaemon(t, routes{"POST /containers/prune": jsonHandler(200, report)})
	const prompt = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] "
	r := runCLI(t, nil, "n\n", "-H", host, "container", "prune")
	if r.code != 0 || r.stdout != prompt || len(log.all()) != 0 {
		t.Errorf("declined: exit %d stdout %q calls %d", r.code, r.stdout, len(log.all()))
	}
	r = runCLI(t, nil, "y\n", "-H", host, "container", "prune", "--filter", "until=1h")
	if want := prompt + "Deleted Containers:\naaa\nbbb\n\nTotal reclaimed space: 2.048kB\n"; r.code != 0 || r.stdout != want {
		t.Errorf("confirmed: exit %d stdout %q, want %q", r.code, r.stdout, want)
	}
	if f := log.last(t, "/containers/prune").Query.Get("filters"); f != `{"until":{"1h":true}}` {
		t.Errorf("filters %s", f)
	}
	r = runCLI(t, nil, "", "-H", host, "container", "prune", "-f")
	if !strings.HasPrefix(r.stdout, "Deleted Containers:\n") {
		t.Errorf("-f: %q", r.stdout)
	}
}

func TestStatsNoStream(t *testing.T) {
	sample := container.StatsResponse{
		ID: testCtrID, Name: "/web",
		CPUStats:    container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 400_000_000}, SystemUsage: 20_000_000_000, OnlineCPUs: 2},
		PreCPUStats: container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 300_000_000}, SystemUsage: 18_000_000_000, OnlineCPUs: 2},
		MemoryStats: container.MemoryStats{Usage: 12 << 20, Limit: 1 << 30, Stats: map[string]uint64{"inactive_file": 2 << 20}},
		Networks: map[string]container.NetworkStats{
			"eth0": {RxBytes: 1000, TxBytes: 500}, "eth1": {RxBytes: 500, TxBytes: 148},
		},
		BlkioStats: container.BlkioStats{IoServiceBytesRecursive: []container.BlkioStatEntry{
			{Op: "Read", Value: 4096}, {Op: "write", Value: 1 << 20}, {Op: "Read", Value: 4096},
		}},
		PidsStats: container.PidsStats{Current: 3},
	}
	host, log := apiDaemon(t, routes{
		"GET /containers/web/stats":  jsonHandler(200, sample),
		"GET /containers/gone/stats": errorHandler(404, "No such container: gone"),
	})
	r := runCLI(t, nil, "", "-H", host, "stats", "--no-stream", "web")
	// CPU: 0.1s of 2s host time on 2 CPUs = 10%; memory without the
	// inactive cache: 10MiB of 1GiB = 0.98%.
	want := "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O        BLOCK I/O         PIDS\n" +
		"4f2c9d1e7b3a   web       10.00%    10MiB / 1GiB        0.98%     1.5kB / 648B   8.19kB / 1.05MB   3\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d stderr %q stdout:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, want)
	}
	if q := log.last(t, "/containers/web/stats").Query; q.Get("stream") != "false" {
		t.Errorf("stats query %v", q)
	}
	r = runCLI(t, nil, "", "-H", host, "stats", "--no-stream", "--format", "{{.Container}} {{.CPUPerc}} {{.MemPerc}} {{.PIDs}}", "web", "gone")
	if r.code != 1 || r.stdout != "web 10.00% 0.98% 3\n" || r.stderr != "Error response from daemon: No such container: gone\n" {
		t.Errorf("format: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// A streaming stats of a missing container fails, as docker's does,
// instead of drawing "--" rows forever.
func TestStatsStreamMissing(t *testing.T) {
	host, _ := apiDaemon(t, routes{
		"GET /containers/gone/stats": errorHandler(404, "No such container: gone"),
	})
	r := runCLI(t, nil, "", "-H", host, "stats", "gone")
	if r.code != 1 || r.stdout != "" || r.stderr != "Error response from daemon: No such container: gone\n" {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestStatsEntryMath(t *testing.T) {
	s := &container.StatsResponse{
		CPUStats:    container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 50, PercpuUsage: []uint64{1, 2, 3, 4}}, SystemUsage: 1000},
		PreCPUStats: container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 0}, SystemUsage: 0},
		MemoryStats: container.MemoryStats{Usage: 100, Stats: map[string]uint64{"total_inactive_file": 40, "inactive_file": 10}},
	}
	e := newStatsEntry("x", s, true)
	if e.CPUPerc() != "20.00%" { // 50/1000 * 4 CPUs from percpu
		t.Errorf("cpu %s", e.CPUPerc())
	}
	if e.memory != 60 || e.MemPerc() != "0.00%" { // cgroup v1 key first; no limit, no percent
		t.Errorf("memory %v %s", e.memory, e.MemPerc())
	}
	s.PreCPUStats.SystemUsage = 1000 // no host time passed: 0
	if e := newStatsEntry("x", s, true); e.CPUPerc() != "0.00%" {
		t.Errorf("cpu without delta %s", e.CPUPerc())
	}
	if inv := (&statsEntry{invalid: true}); inv.CPUPerc() != "--" || inv.MemUsage() != "-- / --" {
		t.Error("invalid entry not shown as --")
	}
}

// tarOf builds a tar archive of name → content (a trailing "/" is a dir).
func tarOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		hdr := &tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}
		if strings.HasSuffix(n, "/") {
			hdr = &tar.Header{Name: n, Mode: 0o755, Typeflag: tar.TypeDir}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write([]byte(files[n]))
	}
	_ = tw.Close()
	return buf.Bytes()
}

func tarNames(t *testing.T, b []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		c, _ := io.ReadAll(tr)
		out[h.Name] = string(c)
	}
}

func pathStatHeader(st container.PathStat) string {
	b, _ := json.Marshal(st)
	return base64.StdEncoding.EncodeToString(b)
}

func TestCpFromContainer(t *testing.T) {
	fileTar := tarOf(t, map[string]string{"hello.txt": "hi there\n"})
	dirTar := tarOf(t, map[string]string{"conf/": "", "conf/a": "A", "conf/sub/": "", "conf/sub/b": "B"})
	host, log := apiDaemon(t, routes{
		"GET /containers/web/archive": func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Query().Get("path") {
			case "/hello.txt":
				w.Header().Set("X-Docker-Container-Path-Stat", pathStatHeader(container.PathStat{Name: "hello.txt", Size: 9, Mode: 0o644}))
				_, _ = w.Write(fileTar)
			case "/etc/conf":
				w.Header().Set("X-Docker-Container-Path-Stat", pathStatHeader(container.PathStat{Name: "conf", Mode: os.ModeDir | 0o755}))
				_, _ = w.Write(dirTar)
			default:
				errorHandler(404, "Could not find the file "+r.URL.Query().Get("path")+" in container web")(w, r)
			}
		},
	})
	dir := t.TempDir()
	// A file copied to an existing directory lands inside it.
	r := runCLI(t, nil, "", "-H", host, "cp", "web:/hello.txt", dir)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "hello.txt")); err != nil || string(b) != "hi there\n" {
		t.Errorf("copied file: %q %v", b, err)
	}
	// ... and to a new name, under that name.
	r = runCLI(t, nil, "", "-H", host, "container", "cp", "web:/hello.txt", filepath.Join(dir, "renamed.txt"))
	if b, err := os.ReadFile(filepath.Join(dir, "renamed.txt")); r.code != 0 || string(b) != "hi there\n" {
		t.Errorf("renamed: exit %d stderr %q content %q %v", r.code, r.stderr, b, err)
	}
	// A directory to a new path becomes that path.
	r = runCLI(t, nil, "", "-H", host, "cp", "web:/etc/conf", filepath.Join(dir, "newconf"))
	if b, err := os.ReadFile(filepath.Join(dir, "newconf", "sub", "b")); r.code != 0 || string(b) != "B" {
		t.Errorf("dir: exit %d stderr %q content %q %v", r.code, r.stderr, b, err)
	}
	// "-" writes the archive as is.
	r = runCLI(t, nil, "", "-H", host, "cp", "web:/etc/conf", "-")
	if r.code != 0 || r.stdout != string(dirTar) {
		t.Errorf("to stdout: exit %d, %d bytes", r.code, len(r.stdout))
	}
	if q := log.last(t, "/containers/web/archive").Query.Get("path"); q != "/etc/conf" {
		t.Errorf("path %q", q)
	}
	r = runCLI(t, nil, "", "-H", host, "cp", "web:/missing", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "Could not find the file /missing in container web") {
		t.Errorf("missing: exit %d stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "", "-H", host, "cp", "web:/a", "other:/b")
	if r.code != 1 || r.stderr != "copying between containers is not supported\n" {
		t.Errorf("between containers: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestCpToContainer(t *testing.T) {
	var put []byte
	var putPath string
	host, _ := apiDaemon(t, routes{
		"HEAD /containers/web/archive": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("path") == "/tmp" {
				w.Header().Set("X-Docker-Container-Path-Stat", pathStatHeader(container.PathStat{Name: "tmp", Mode: os.ModeDir | 0o777}))
				return
			}
			w.WriteHeader(404)
		},
		"PUT /containers/web/archive": func(w http.ResponseWriter, r *http.Request) {
			putPath = r.URL.Query().Get("path")
			put, _ = io.ReadAll(r.Body)
		},
	})
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "file.txt"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(src, "tree", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(src, "tree", "x", "y"), []byte("Y"), 0o644)

	// Into an existing directory: the file keeps its name.
	r := runCLI(t, nil, "", "-H", host, "cp", filepath.Join(src, "file.txt"), "web:/tmp")
	if got := tarNames(t, put); r.code != 0 || putPath != "/tmp" || !reflect.DeepEqual(got, map[string]string{"file.txt": "data"}) {
		t.Errorf("file: exit %d stderr %q path %q tar %v", r.code, r.stderr, putPath, got)
	}
	// To a new path: extracted in its parent, renamed.
	r = runCLI(t, nil, "", "-H", host, "cp", filepath.Join(src, "tree"), "web:/opt/newtree")
	got := tarNames(t, put)
	if r.code != 0 || putPath != "/opt" || got["newtree/x/y"] != "Y" {
		t.Errorf("dir: exit %d stderr %q path %q tar %v", r.code, r.stderr, putPath, got)
	}
	// "-" sends stdin's archive to an existing directory, untouched.
	archive := string(tarOf(t, map[string]string{"z": "Z"}))
	r = runWithStdin(t, host, archive, "cp", "-", "web:/tmp")
	if r.code != 0 || string(put) != archive || putPath != "/tmp" {
		t.Errorf("stdin: exit %d stderr %q path %q", r.code, r.stderr, putPath)
	}
	r = runWithStdin(t, host, archive, "cp", "-", "web:/nodir")
	if r.code != 1 || r.stderr != "destination \"web:/nodir\" must be a directory\n" {
		t.Errorf("stdin to a missing dir: exit %d stderr %q", r.code, r.stderr)
	}
}

func runWithStdin(t *testing.T, host, stdin string, args ...string) result {
	t.Helper()
	return runCLI(t, nil, stdin, append([]string{"-H", host}, args...)...)
}

func TestSplitCpArg(t *testing.T) {
	tests := []struct{ in, ctr, path string }{
		{"web:/etc", "web", "/etc"},
		{"/abs:path", "", "/abs:path"},
		{"./rel:x", "", "./rel:x"},
		{"local", "", "local"},
		{"-", "", "-"},
	}
	for _, tt := range tests {
		if c, p := splitCpArg(tt.in); c != tt.ctr || p != tt.path {
			t.Errorf("%q: %q %q", tt.in, c, p)
		}
	}
}

func TestContainerInspectAndMisc(t *testing.T) {
	host, log := apiDaemon(t, routes{
		"GET /containers/web/json":     inspectHandler(false),
		"GET /containers/web/top":      jsonHandler(200, container.TopResponse{Titles: []string{"UID", "PID", "CMD"}, Processes: [][]string{{"root", "1", "sleep 100"}}}),
		"GET /containers/web/changes":  jsonHandler(200, []container.FilesystemChange{{Kind: container.ChangeModify, Path: "/etc"}, {Kind: container.ChangeAdd, Path: "/x"}, {Kind: container.ChangeDelete, Path: "/y"}}),
		"POST /commit":                 jsonHandler(201, container.CommitResponse{ID: "sha256:abcd"}),
		"POST /containers/web/rename":  func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) },
		"POST /containers/web/update":  jsonHandler(200, container.UpdateResponse{Warnings: []string{"no swap limit"}}),
		"GET /containers/web/export":   func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "TARDATA") },
		"GET /images/web/json":         errorHandler(404, "No such image: web"),
		"GET /containers/nothing/json": errorHandler(404, "No such container: nothing"),
		"GET /images/nothing/json":     errorHandler(404, "No such image: nothing"),
	})
	r := runCLI(t, nil, "", "-H", host, "container", "inspect", "-s", "-f", "{{.Name}} {{.Config.Tty}}", "web")
	if r.code != 0 || r.stdout != "/web false\n" || log.last(t, "/containers/web/json").Query.Get("size") != "1" {
		t.Errorf("container inspect: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "", "-H", host, "inspect", "--format", "{{.Id}}", "web")
	if r.code != 0 || r.stdout != testCtrID+"\n" {
		t.Errorf("inspect finds containers: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "", "-H", host, "inspect", "nothing")
	if r.code != 1 || !strings.Contains(r.stderr, "No such object: nothing") {
		t.Errorf("inspect missing: exit %d stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "", "-H", host, "top", "web", "aux")
	if r.code != 0 || r.stdout != "UID                 PID                 CMD\nroot                1                   sleep 100\n" {
		t.Errorf("top: %q", r.stdout)
	}
	if q := log.last(t, "/containers/web/top").Query.Get("ps_args"); q != "aux" {
		t.Errorf("ps args %q", q)
	}
	r = runCLI(t, nil, "", "-H", host, "diff", "web")
	if r.stdout != "C /etc\nA /x\nD /y\n" {
		t.Errorf("diff: %q", r.stdout)
	}
	r = runCLI(t, nil, "", "-H", host, "commit", "-a", "me", "-m", "msg", "-c", "ENV A=1", "-c", "CMD [\"sh\"]", "--pause=false", "web", "myimg:v1")
	q := log.last(t, "/commit").Query
	if r.code != 0 || r.stdout != "sha256:abcd\n" || q.Get("repo") != "docker.io/library/myimg" || q.Get("tag") != "v1" || q.Get("author") != "me" ||
		q.Get("comment") != "msg" || len(q["changes"]) != 2 || q.Get("pause") != "0" {
		t.Errorf("commit: exit %d stdout %q stderr %q query %v", r.code, r.stdout, r.stderr, q)
	}
	r = runCLI(t, nil, "", "-H", host, "rename", "web", "api")
	if r.code != 0 || log.last(t, "/containers/web/rename").Query.Get("name") != "api" {
		t.Errorf("rename: exit %d stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "", "-H", host, "update", "-m", "256m", "--cpus", "0.5", "--restart", "always", "web")
	if r.code != 0 || r.stdout != "web\nno swap limit\n" {
		t.Errorf("update: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	var upd container.UpdateConfig
	_ = json.Unmarshal(log.last(t, "/containers/web/update").Body, &upd)
	if upd.Memory != 256<<20 || upd.NanoCPUs != 500_000_000 || upd.RestartPolicy.Name != "always" || upd.PidsLimit != nil {
		t.Errorf("update body %+v", upd)
	}
	if r := runCLI(t, nil, "", "-H", host, "update", "web"); r.code != 1 || r.stderr != "you must provide one or more flags when using this command\n" {
		t.Errorf("update without flags: exit %d stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "", "-H", host, "export", "web")
	if r.code != 0 || r.stdout != "TARDATA" {
		t.Errorf("export: exit %d stdout %q", r.code, r.stdout)
	}
	out := filepath.Join(t.TempDir(), "ctr.tar")
	if r := runCLI(t, nil, "", "-H", host, "export", "-o", out, "web"); r.code != 0 {
		t.Errorf("export -o: exit %d stderr %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "TARDATA" {
		t.Errorf("export -o wrote %q", b)
	}
}

func TestExportRefusesTerminal(t *testing.T) {
	_, tty := openPty(t)
	var errb bytes.Buffer
	code := runWith(t, map[string]string{"SKIFF_NO_AUTOSTART": "1"}, Streams{Stdout: tty, Stderr: &errb}, "export", "web")
	if code != 1 || errb.String() != "cowardly refusing to save to a terminal. Use the -o flag or redirect\n" {
		t.Errorf("exit %d stderr %q", code, errb.String())
	}
}
