package cli

import (
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
)

const testCtrID = "4f2c9d1e7b3a8c6d5e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"

// fakeContainer plays one container on a fake daemon: the attach stream
// waits for the start, sends output frames and ends; the wait answers
// with the exit status once the output is out.
type fakeContainer struct {
	started  chan struct{}
	attached chan struct{}
	out      func(w io.Writer) // writes the container's output, raw
	status   int
	startErr http.HandlerFunc
	stdin    chan string // what the attach read from the client, at EOF
}

func newFakeContainer(status int, out func(io.Writer)) *fakeContainer {
	return &fakeContainer{started: make(chan struct{}), attached: make(chan struct{}), out: out, status: status}
}

func (f *fakeContainer) routes() routes {
	return routes{
		"POST /containers/create": jsonHandler(201, container.CreateResponse{ID: testCtrID, Warnings: []string{"low on swap"}}),
		"POST /containers/" + testCtrID + "/attach": func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = io.WriteString(conn, "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
			defer close(f.attached)
			// The client's side ends (stdin at EOF, or the attach dropped).
			clientDone := make(chan struct{})
			go func() {
				b, _ := io.ReadAll(buf)
				if f.stdin != nil {
					f.stdin <- string(b)
				}
				close(clientDone)
			}()
			select {
			case <-f.started:
				f.out(conn)
			case <-clientDone:
			}
		},
		"POST /containers/" + testCtrID + "/wait": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			select {
			case <-f.started:
			case <-r.Context().Done():
				return
			}
			<-f.attached
			_ = json.NewEncoder(w).Encode(container.WaitResponse{StatusCode: int64(f.status)})
		},
		"POST /containers/" + testCtrID + "/start": func(w http.ResponseWriter, r *http.Request) {
			if f.startErr != nil {
				f.startErr(w, r)
				return
			}
			close(f.started)
			w.WriteHeader(http.StatusNoContent)
		},
	}
}

// muxed writes stdout and stderr frames as a non-TTY attach sends them.
func muxed(stdout, stderr string) func(io.Writer) {
	return func(w io.Writer) {
		writeFrame(w, stdcopy.Stdout, stdout)
		writeFrame(w, stdcopy.Stderr, stderr)
	}
}

// writeFrame writes one frame of the multiplexed stream format.
func writeFrame(w io.Writer, stream stdcopy.StdType, s string) {
	if s == "" {
		return
	}
	hdr := []byte{byte(stream), 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(s)))
	_, _ = w.Write(append(hdr, s...))
}

func callPaths(reqs []request) []string {
	var p []string
	for _, r := range reqs {
		p = append(p, r.Method+" "+strings.Replace(r.Path, testCtrID, "ID", 1))
	}
	return p
}

func TestRunAttached(t *testing.T) {
	fc := newFakeContainer(3, muxed("hello\n", "oops\n"))
	host, log := apiDaemon(t, fc.routes())
	r := runCLI(t, nil, "", "-H", host, "run", "--name", "web", "-e", "A=1", "busybox", "sh", "-c", "echo hello")
	if r.code != 3 {
		t.Fatalf("exit %d, want the container's 3; stderr %q", r.code, r.stderr)
	}
	if r.stdout != "hello\n" || r.stderr != "WARNING: low on swap\noops\n" {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	want := []string{"POST /containers/create", "POST /containers/ID/attach", "POST /containers/ID/wait", "POST /containers/ID/start"}
	if got := callPaths(log.all()); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("calls %q, want %q", got, want)
	}
	create := log.last(t, "/containers/create")
	if create.Query.Get("name") != "web" {
		t.Errorf("name %q", create.Query.Get("name"))
	}
	var body struct {
		container.Config
		HostConfig container.HostConfig
	}
	if err := json.Unmarshal(create.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Image != "busybox" || strings.Join(body.Cmd, " ") != "sh -c echo hello" || !body.AttachStdout || !body.AttachStderr || body.AttachStdin {
		t.Errorf("config %+v", body.Config)
	}
	if q := log.last(t, "/containers/"+testCtrID+"/wait").Query.Get("condition"); q != "next-exit" {
		t.Errorf("wait condition %q", q)
	}
	a := log.last(t, "/containers/"+testCtrID+"/attach").Query
	if a.Get("stream") != "1" || a.Get("stdout") != "1" || a.Get("stderr") != "1" || a.Get("stdin") != "" {
		t.Errorf("attach query %v", a)
	}
}

func TestRunRemoveWaitsForRemoval(t *testing.T) {
	fc := newFakeContainer(0, muxed("ok\n", ""))
	host, log := apiDaemon(t, fc.routes())
	r := runCLI(t, nil, "", "-H", host, "run", "--rm", "busybox")
	if r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if q := log.last(t, "/containers/"+testCtrID+"/wait").Query.Get("condition"); q != "removed" {
		t.Errorf("wait condition %q, want removed", q)
	}
	var body struct{ HostConfig container.HostConfig }
	_ = json.Unmarshal(log.last(t, "/containers/create").Body, &body)
	if !body.HostConfig.AutoRemove {
		t.Error("AutoRemove not sent")
	}
}

func TestRunTTYIsRaw(t *testing.T) {
	// With -t the stream is not multiplexed: bytes that look like a frame
	// header must come out as they are.
	raw := "\x01\x00\x00\x00\x00\x00\x00\x02hi"
	fc := newFakeContainer(0, func(w io.Writer) { _, _ = io.WriteString(w, raw) })
	host, log := apiDaemon(t, fc.routes())
	r := runCLI(t, nil, "", "-H", host, "run", "-t", "busybox")
	if r.code != 0 || r.stdout != raw {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	var body container.Config
	_ = json.Unmarshal(log.last(t, "/containers/create").Body, &body)
	if !body.Tty {
		t.Error("Tty not sent")
	}
}

func TestRunInteractiveSendsStdin(t *testing.T) {
	fc := newFakeContainer(0, muxed("", ""))
	fc.stdin = make(chan string, 1)
	host, log := apiDaemon(t, fc.routes())
	r := runCLI(t, nil, "line one\nline two\n", "-H", host, "run", "-i", "busybox", "cat")
	if r.code != 0 {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	if got := <-fc.stdin; got != "line one\nline two\n" {
		t.Errorf("stdin sent %q", got)
	}
	if q := log.last(t, "/containers/"+testCtrID+"/attach").Query; q.Get("stdin") != "1" {
		t.Errorf("attach query %v", q)
	}
	var body container.Config
	_ = json.Unmarshal(log.last(t, "/containers/create").Body, &body)
	if !body.OpenStdin || !body.StdinOnce || !body.AttachStdin {
		t.Errorf("config %+v", body)
	}
}

func TestRunDetached(t *testing.T) {
	fc := newFakeContainer(0, nil)
	host, log := apiDaemon(t, fc.routes())
	r := runCLI(t, nil, "", "-H", host, "run", "-d", "busybox", "sleep", "100")
	if r.code != 0 || r.stdout != testCtrID+"\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, req := range log.all() {
		if strings.HasSuffix(req.Path, "/attach") {
			t.Error("detached run attached")
		}
	}
	var body container.Config
	_ = json.Unmarshal(log.last(t, "/containers/create").Body, &body)
	if body.AttachStdout || body.AttachStderr {
		t.Errorf("detached config attaches: %+v", body)
	}
}

func TestRunStartErrors(t *testing.T) {
	tests := []struct {
		msg  string
		code int
	}{
		{`failed to create task: exec: "nope": executable file not found in $PATH`, 127},
		{"exec /bin/x: no such file or directory", 127},
		{"exec /etc: permission denied", 126},
		{"cgroup setup failed", 125},
	}
	for _, tt := range tests {
		fc := newFakeContainer(0, nil)
		fc.startErr = errorHandler(400, tt.msg)
		host, _ := apiDaemon(t, fc.routes())
		r := runCLI(t, nil, "", "-H", host, "run", "busybox", "nope")
		if r.code != tt.code {
			t.Errorf("%q: exit %d, want %d", tt.msg, r.code, tt.code)
		}
		want := "skiff: Error response from daemon: " + tt.msg + "\n\nRun 'skiff run --help' for more information\n"
		if !strings.HasSuffix(r.stderr, want) {
			t.Errorf("%q: stderr %q, want suffix %q", tt.msg, r.stderr, want)
		}
	}
}

func TestRunPullsMissingImage(t *testing.T) {
	creates := 0
	host, log := apiDaemon(t, routes{
		"POST /containers/create": func(w http.ResponseWriter, r *http.Request) {
			creates++
			if creates == 1 {
				errorHandler(404, "No such image: busybox:latest")(w, r)
				return
			}
			jsonHandler(201, container.CreateResponse{ID: testCtrID})(w, r)
		},
		"POST /images/create": streamHandler(`{"status":"Pulling from library/busybox","id":"latest"}`, `{"status":"Status: Downloaded newer image for busybox:latest"}`),
	})
	r := runCLI(t, nil, "", "-H", host, "create", "busybox")
	if r.code != 0 || r.stdout != testCtrID+"\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "Unable to find image 'busybox:latest' locally\n") || !strings.Contains(r.stderr, "Downloaded newer image") {
		t.Errorf("stderr %q", r.stderr)
	}
	if q := log.last(t, "/images/create").Query; q.Get("fromImage") != "docker.io/library/busybox" || q.Get("tag") != "latest" {
		t.Errorf("pull query %v", q)
	}

	// --pull never: the daemon's error stands.
	creates = 0
	r = runCLI(t, nil, "", "-H", host, "create", "--pull", "never", "busybox")
	if r.code != 1 || !strings.Contains(r.stderr, "No such image: busybox:latest") || strings.Contains(r.stderr, "Unable to find") {
		t.Errorf("--pull never: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestRunBadFlags(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"run", "-m", "x", "busybox"}, "invalid argument \"x\" for \"-m, --memory\" flag: invalid size: 'x'\nSee 'skiff run --help'.\n"},
		{[]string{"create", "--cpus", "abc", "busybox"}, "invalid argument \"abc\" for \"--cpus\" flag: failed to parse abc as a rational number\nSee 'skiff create --help'.\n"},
		{[]string{"run", "--rm", "--restart", "always", "busybox"}, "skiff: conflicting options: cannot specify both --restart and --rm\n\nRun 'skiff run --help' for more information\n"},
		{[]string{"run", "--pull", "sometimes", "busybox"}, "skiff: invalid pull option: 'sometimes'"},
		{[]string{"run", "--ulimit", "nofile", "busybox"}, "invalid argument \"nofile\" for \"--ulimit\" flag"},
	}
	for _, tt := range tests {
		r := runCLI(t, map[string]string{"SKIFF_NO_AUTOSTART": "1"}, "", tt.args...)
		if r.code != 125 || !strings.HasPrefix(r.stderr, tt.stderr) {
			t.Errorf("%q: exit %d stderr %q, want prefix %q", tt.args, r.code, r.stderr, tt.stderr)
		}
	}
}
