package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// runningContainer starts a detached busybox that sleeps, removed at the
// end of the test.
func runningContainer(t *testing.T, d *harness.Daemon, bb string, args ...string) string {
	t.Helper()
	all := append([]string{"run", "-d"}, args...)
	all = append(all, bb, "sleep", "1000")
	id := strings.TrimSpace(d.MustDocker(all...))
	removeContainersAtEnd(t, d, id)
	return id
}

// statusFields picks the credential and hardening lines of a
// /proc/<pid>/status.
func statusFields(status string) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(status, "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		switch k {
		case "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Seccomp_filters":
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

func TestExec(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	c := runningContainer(t, d, bb, "--hostname", "exechost", "-e", "FROM_RUN=1")

	t.Run("Echo", func(t *testing.T) {
		r := d.Docker("exec", c, "echo", "hi")
		if r.ExitCode != 0 || r.Stdout != "hi\n" {
			t.Fatalf("docker exec echo hi: %s", r)
		}
	})
	t.Run("ExitCodes", func(t *testing.T) {
		if r := d.Docker("exec", c, "false"); r.ExitCode != 1 {
			t.Errorf("exec false: %s", r)
		}
		if r := d.Docker("exec", c, "sh", "-c", "echo out; echo err >&2; exit 7"); r.ExitCode != 7 || r.Stdout != "out\n" || withoutWarnings(r.Stderr) != "err" {
			t.Errorf("exec with both streams, exit 7: %s", r)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		// 127 as dockerd since 23 (setExitCodeFromError); 20.10 said 126.
		r := d.Docker("exec", c, "nonexistent")
		if (r.ExitCode != 127 && r.ExitCode != 126) || !strings.Contains(r.Stdout+r.Stderr, `exec: "nonexistent": executable file not found in $PATH`) {
			t.Errorf("exec nonexistent: want 127 and runc's message: %s", r)
		}
		r = d.Docker("exec", c, "/etc")
		if r.ExitCode != 126 {
			t.Errorf("exec of a directory: want 126: %s", r)
		}
	})
	t.Run("UserEnvWorkdir", func(t *testing.T) {
		r := d.Docker("exec", "-u", "1000:1000", c, "id")
		if r.ExitCode != 0 || !strings.HasPrefix(r.Stdout, "uid=1000 gid=1000") {
			t.Errorf("exec -u 1000:1000 id: %s", r)
		}
		r = d.Docker("exec", "-u", "nobody", c, "sh", "-c", "id -un; echo $HOME")
		if r.ExitCode != 0 || r.Stdout != "nobody\n/nonexistent\n" {
			t.Errorf("exec -u nobody: want the passwd user and its HOME: %s", r)
		}
		r = d.Docker("exec", "-e", "A=b", c, "sh", "-c", "echo $A $FROM_RUN $HOSTNAME $HOME")
		if r.ExitCode != 0 || r.Stdout != "b 1 exechost /root\n" {
			t.Errorf("exec -e A=b: want the exec's and the container's env: %s", r)
		}
		r = d.Docker("exec", "-w", "/tmp", c, "pwd")
		if r.ExitCode != 0 || r.Stdout != "/tmp\n" {
			t.Errorf("exec -w /tmp pwd: %s", r)
		}
		r = d.Docker("exec", "-u", "nosuchuser", c, "true")
		// dockerd 23+ refuses it at create (stderr), 20.10 at start (stdout).
		if r.ExitCode == 0 || !strings.Contains(r.Stdout+r.Stderr, "unable to find user nosuchuser: no matching entries in passwd file") {
			t.Errorf("exec -u nosuchuser: %s", r)
		}
	})
	t.Run("Detached", func(t *testing.T) {
		r := d.Docker("exec", "-d", c, "sh", "-c", "sleep 0.2; echo done > /tmp/detached")
		if r.ExitCode != 0 || r.Stdout != "" {
			t.Fatalf("exec -d: %s", r)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			if r := d.Docker("exec", c, "cat", "/tmp/detached"); r.ExitCode == 0 && r.Stdout == "done\n" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the detached exec never wrote its file")
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	t.Run("Stdin", func(t *testing.T) {
		r := d.DockerInput("line one\nline two\n", "exec", "-i", c, "wc", "-l")
		if r.ExitCode != 0 || strings.TrimSpace(r.Stdout) != "2" {
			t.Errorf("exec -i wc -l: %s", r)
		}
	})
	t.Run("SeesTheContainer", func(t *testing.T) {
		r := d.Docker("exec", c, "sh", "-c", "hostname; cat /proc/1/cmdline; echo; for n in mnt net uts ipc pid cgroup; do [ $(readlink /proc/self/ns/$n) = $(readlink /proc/1/ns/$n) ] || echo differs: $n; done")
		want := "exechost\nsleep\x001000\x00\n"
		if r.ExitCode != 0 || r.Stdout != want {
			t.Errorf("exec must see the container's hostname, PID 1 and namespaces: %s", r)
		}
	})
	t.Run("NeverMoreThanTheContainer", func(t *testing.T) {
		r := d.Docker("exec", c, "sh", "-c", "cat /proc/self/status; echo ====; cat /proc/1/status")
		self, init, ok := strings.Cut(r.Stdout, "====\n")
		if r.ExitCode != 0 || !ok {
			t.Fatalf("reading status: %s", r)
		}
		got, want := statusFields(self), statusFields(init)
		if len(want) < 7 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("exec's credentials %v, want the container's %v", got, want)
		}
		if want["Seccomp"] != "2" {
			t.Errorf("the container has no seccomp filter (%v): the test proves nothing", want)
		}
	})
	t.Run("Privileged", func(t *testing.T) {
		r := d.Docker("exec", "--privileged", c, "sh", "-c", "cat /proc/self/status")
		got := statusFields(r.Stdout)
		ref := statusFields(d.MustDocker("run", "--rm", "--privileged", bb, "cat", "/proc/self/status"))
		init := statusFields(d.MustDocker("exec", c, "cat", "/proc/1/status"))
		// dockerd: all capabilities (bounding, permitted, effective), the
		// container's seccomp filter and no_new_privs all the same.
		for _, k := range []string{"CapBnd", "CapEff", "CapPrm"} {
			if got[k] != ref[k] {
				t.Errorf("exec --privileged %s = %s, want %s as a privileged container", k, got[k], ref[k])
			}
		}
		for _, k := range []string{"Seccomp", "NoNewPrivs", "CapInh", "CapAmb"} {
			if got[k] != init[k] {
				t.Errorf("exec --privileged %s = %s, want the container's %s", k, got[k], init[k])
			}
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		const n = 50
		var wg sync.WaitGroup
		results := make([]harness.Result, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = d.Docker("exec", c, "sh", "-c", fmt.Sprintf("echo %d; exit %d", i, i))
			}()
		}
		wg.Wait()
		for i, r := range results {
			if r.ExitCode != i || r.Stdout != fmt.Sprintf("%d\n", i) {
				t.Errorf("exec %d: %s", i, r)
			}
		}
	})
	t.Run("Tty", func(t *testing.T) {
		r := d.Docker("exec", "-t", c, "sh", "-c", "test -t 0 && test -t 1 && echo tty $TERM")
		if r.ExitCode != 0 || !strings.HasPrefix(r.Stdout, "tty xterm\r\n") {
			t.Errorf("exec -t: want a terminal and TERM=xterm: %s", r)
		}
	})
	t.Run("Interactive", func(t *testing.T) {
		p := d.StartPTY(t, "exec", "-it", c, "sh")
		p.Expect(t, `/ # `, 10*time.Second)
		p.Send("stty size\r")
		p.Expect(t, `24 80`, 10*time.Second)
		p.Expect(t, `/ # `, 10*time.Second)
		// The CLI forwards SIGWINCH as an exec resize, asynchronously:
		// ask again until the new size shows.
		p.Resize(30, 100)
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(p.Rest(), "30 100") {
			if time.Now().After(deadline) {
				t.Fatalf("the exec's tty was never resized: %q", p.Output())
			}
			p.Send("stty size\r")
			time.Sleep(300 * time.Millisecond)
		}
		p.Send("exit 3\r")
		if code := p.Wait(10 * time.Second); code != 3 {
			t.Errorf("docker exec -it sh; exit 3: exit code %d: %s", code, p.Output())
		}
	})
}

func TestExecRefused(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)

	t.Run("Stopped", func(t *testing.T) {
		c := strings.TrimSpace(d.MustDocker("create", bb, "sleep", "100"))
		removeContainersAtEnd(t, d, c)
		r := d.Docker("exec", c, "true")
		// "container" since dockerd 23, "Container" before.
		if r.ExitCode == 0 || !strings.Contains(strings.ToLower(r.Stderr), "error response from daemon: container "+c+" is not running") {
			t.Errorf("exec into a created container: %s", r)
		}
	})
	t.Run("UnknownContainer", func(t *testing.T) {
		r := d.Docker("exec", "no-such-container-x", "true")
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, "No such container: no-such-container-x") {
			t.Errorf("exec into an unknown container: %s", r)
		}
	})
	t.Run("API", func(t *testing.T) {
		c := runningContainer(t, d, bb)
		h := http.Header{"Content-Type": {"application/json"}}
		code, _, body := d.Request("POST", "/containers/"+c+"/exec", h, []byte(`{}`))
		if code != 400 || !strings.Contains(string(body), "No exec command specified") {
			t.Errorf("exec without Cmd: %d %s", code, body)
		}
		code, _, body = d.Request("POST", "/containers/"+c+"/exec", h, []byte(`{"Cmd": [`))
		if code != 400 {
			t.Errorf("exec with bad JSON: %d %s", code, body)
		}
		code, _, body = d.Request("GET", "/exec/nosuchexec/json", nil, nil)
		if code != 404 || !strings.Contains(string(body), "No such exec instance: nosuchexec") {
			t.Errorf("inspect of an unknown exec: %d %s", code, body)
		}
		// Start an exec twice: the second is a conflict.
		code, _, body = d.Request("POST", "/containers/"+c+"/exec", h, []byte(`{"Cmd": ["true"]}`))
		var created struct{ Id string }
		if code != 201 || json.Unmarshal(body, &created) != nil || created.Id == "" {
			t.Fatalf("exec create: %d %s", code, body)
		}
		code, _, body = d.Request("POST", "/exec/"+created.Id+"/start", h, []byte(`{"Detach": true}`))
		if code != 200 {
			t.Fatalf("detached start: %d %s", code, body)
		}
		code, _, body = d.Request("POST", "/exec/"+created.Id+"/start", h, []byte(`{"Detach": true}`))
		if code != 409 || !regexp.MustCompile(`(?i)exec command [0-9a-f]{64} (has already run|is already running)`).Match(body) {
			t.Errorf("second start: %d %s", code, body)
		}
	})
}

// TestExecInspectAndEvents follows one exec through inspect, the
// container's ExecIDs and the event stream.
func TestExecInspectAndEvents(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	c := runningContainer(t, d, bb)
	since := time.Now().Add(-time.Second).Unix()

	out := d.MustPython(fmt.Sprintf(`
api = client.api
c = %q
e = api.exec_create(c, ["sh", "-c", "sleep 0.5; echo out; echo err >&2; exit 4"])
eid = e["Id"]
before = api.exec_inspect(eid)
ids = api.inspect_container(c)["ExecIDs"]
api.exec_start(eid, detach=True)
import time
running = api.exec_inspect(eid)
for _ in range(100):
    after = api.exec_inspect(eid)
    if not after["Running"]:
        break
    time.sleep(0.1)
print(json.dumps({"before": before, "ids": ids, "running": running, "after": after,
                  "ids_after": api.inspect_container(c)["ExecIDs"], "eid": eid}))
`, c))
	var res struct {
		Eid                    string
		Before, Running, After map[string]any
		Ids                    []string
		IdsAfter               []string `json:"ids_after"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Before["Running"] != false || res.Before["ExitCode"] != nil || res.Before["ContainerID"] != c || res.Before["OpenStdout"] != true {
		t.Errorf("inspect before start: %v", res.Before)
	}
	pc, _ := res.Before["ProcessConfig"].(map[string]any)
	if pc["entrypoint"] != "sh" || fmt.Sprint(pc["arguments"]) != "[-c sleep 0.5; echo out; echo err >&2; exit 4]" {
		t.Errorf("ProcessConfig: %v", pc)
	}
	if len(res.Ids) != 1 || res.Ids[0] != res.Eid {
		t.Errorf("container ExecIDs while the exec exists: %v", res.Ids)
	}
	if res.Running["Running"] != true || res.Running["Pid"] == float64(0) {
		t.Errorf("inspect while running: %v", res.Running)
	}
	if res.After["Running"] != false || res.After["ExitCode"] != float64(4) {
		t.Errorf("inspect after the exit: %v", res.After)
	}
	if res.IdsAfter != nil {
		t.Errorf("container ExecIDs after the exit: %v, want null", res.IdsAfter)
	}

	ev := d.MustDocker("events", "--since", fmt.Sprint(since), "--until", fmt.Sprint(time.Now().Unix()+1),
		"--filter", "container="+c, "--format", `{{.Action}} {{index .Actor.Attributes "execID"}} {{index .Actor.Attributes "exitCode"}}`)
	for _, want := range []string{
		"exec_create: sh -c sleep 0.5; echo out; echo err >&2; exit 4 " + res.Eid,
		"exec_start: sh -c sleep 0.5; echo out; echo err >&2; exit 4 " + res.Eid,
		"exec_die " + res.Eid + " 4",
	} {
		if !strings.Contains(ev, want+"\n") && !strings.Contains(ev, want+" \n") {
			t.Errorf("events lack %q:\n%s", want, ev)
		}
	}
}

// TestExecDockerPy runs exec_run the ways docker-py users do.
func TestExecDockerPy(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	c := runningContainer(t, d, bb)
	out := d.MustPython(fmt.Sprintf(`
ctr = client.containers.get(%q)
code, output = ctr.exec_run(["sh", "-c", "echo hello; echo oops >&2; exit 3"])
res = {"code": code, "output": output.decode()}
code, (o, e) = ctr.exec_run(["sh", "-c", "echo a; echo b >&2"], demux=True)
res["demux"] = [code, o.decode(), e.decode()]
r = ctr.exec_run(["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.1; done"], stream=True)
res["stream"] = b"".join(r.output).decode()
code, output = ctr.exec_run("pwd", workdir="/etc", user="nobody", environment={"X": "y"})
res["wd"] = [code, output.decode()]
print(json.dumps(res))
`, c))
	var res struct {
		Code   int
		Output string
		Demux  []any
		Stream string
		Wd     []any
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// Two pipes: their lines may interleave either way.
	if res.Code != 3 || (res.Output != "hello\noops\n" && res.Output != "oops\nhello\n") {
		t.Errorf("exec_run: code %d output %q", res.Code, res.Output)
	}
	if fmt.Sprint(res.Demux) != "[0 a\n b\n]" {
		t.Errorf("exec_run demux: %q", res.Demux)
	}
	if res.Stream != "line1\nline2\nline3\n" {
		t.Errorf("exec_run stream: %q", res.Stream)
	}
	if fmt.Sprint(res.Wd) != "[0 /etc\n]" {
		t.Errorf("exec_run workdir: %q", res.Wd)
	}
}

// TestExecDiesWithContainer: a running exec ends when its container
// stops, and is reported exited.
func TestExecDiesWithContainer(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	c := runningContainer(t, d, bb)
	done := make(chan harness.Result, 1)
	go func() { done <- d.Docker("exec", c, "sleep", "999") }()
	// Wait for the exec to run.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(d.Docker("exec", c, "ps").Stdout, "sleep 999") {
		if time.Now().After(deadline) {
			t.Fatal("the exec never ran")
		}
		time.Sleep(100 * time.Millisecond)
	}
	d.MustDocker("stop", "-t", "0", c)
	select {
	case r := <-done:
		if r.ExitCode != 137 {
			t.Errorf("exec in a stopped container: %s, want 137 (killed)", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("docker exec still runs after its container stopped")
	}
}
