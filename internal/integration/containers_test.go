package integration

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// busybox loads the test busybox image (with /usr/bin/probe) under a name
// unique to the test and returns it.
func busybox(t *testing.T, d *harness.Daemon) string {
	t.Helper()
	name := uniqueName(t, "bb") + ":latest"
	d.LoadBusybox(name)
	removeImagesAtEnd(t, d, name)
	return name
}

// removeContainersAtEnd force-removes containers when the test ends.
func removeContainersAtEnd(t *testing.T, d *harness.Daemon, ids ...string) {
	t.Helper()
	t.Cleanup(func() {
		for _, id := range ids {
			d.For(t).Docker("rm", "-f", id)
		}
	})
}

func TestContainerRunForeground(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)

	r := d.Docker("run", "--rm", bb, "sh", "-c", `echo $HOSTNAME; id; cat /proc/1/cmdline; echo; echo to-stderr >&2; exit 3`)
	if r.ExitCode != 3 {
		t.Fatalf("exit code %d, want 3: %s", r.ExitCode, r)
	}
	out := lines(r.Stdout)
	if len(out) != 3 {
		t.Fatalf("stdout %q: want hostname, id and cmdline", r.Stdout)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(out[0]) {
		t.Errorf("hostname %q: want the short container ID", out[0])
	}
	if !strings.HasPrefix(out[1], "uid=0(root) gid=0(root)") {
		t.Errorf("id printed %q", out[1])
	}
	if want := "sh\x00-c\x00echo $HOSTNAME"; !strings.HasPrefix(out[2], want) {
		t.Errorf("/proc/1/cmdline %q: the user's command must be PID 1", out[2])
	}
	if withoutWarnings(r.Stderr) != "to-stderr" {
		t.Errorf("stderr %q, want to-stderr only", r.Stderr)
	}
	// --rm: nothing stays.
	if ps := strings.TrimSpace(d.MustDocker("ps", "-aq")); ps != "" {
		t.Errorf("containers left after run --rm: %q", ps)
	}

	t.Run("ImmediateExitKeepsOutput", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			r := d.Docker("run", "--rm", bb, "echo", "fast")
			if r.ExitCode != 0 || r.Stdout != "fast\n" {
				t.Fatalf("run %d: %s", i, r)
			}
		}
	})
	t.Run("EntrypointAndWorkdir", func(t *testing.T) {
		r := d.Docker("run", "--rm", "-w", "/made/here", "-e", "A=1", "--entrypoint", "sh", bb, "-c", "pwd; echo $A; echo $PATH")
		want := "/made/here\n1\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
		if r.ExitCode != 0 || r.Stdout != want {
			t.Errorf("got %s, want stdout %q", r, want)
		}
	})
	t.Run("UserSwitch", func(t *testing.T) {
		r := d.Docker("run", "--rm", "-u", "nobody", bb, "id")
		if r.ExitCode != 0 || !strings.HasPrefix(r.Stdout, "uid=65534(nobody) gid=65534(nobody)") {
			t.Errorf("run -u nobody: %s", r)
		}
		r = d.Docker("run", "--rm", "-u", "nosuchuser", bb, "id")
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, "unable to find user nosuchuser") {
			t.Errorf("run -u nosuchuser: %s", r)
		}
	})
	t.Run("CommandNotFound", func(t *testing.T) {
		r := d.Docker("run", "--rm", bb, "nosuchcmd")
		if r.ExitCode != 127 {
			t.Errorf("exit %d, want 127: %s", r.ExitCode, r)
		}
		if !strings.Contains(r.Stderr, `exec: "nosuchcmd": executable file not found in $PATH`) {
			t.Errorf("stderr lacks Docker's message: %q", r.Stderr)
		}
		r = d.Docker("run", "--rm", bb, "/etc/passwd")
		if r.ExitCode != 126 {
			t.Errorf("running a non-executable file: exit %d, want 126: %s", r.ExitCode, r)
		}
	})
}

func TestContainerDetachedLifecycle(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)

	id := strings.TrimSpace(d.MustDocker("run", "-d", "--name", "ticker", bb, "sh", "-c", `trap 'echo bye; exit 7' TERM; i=0; while true; do echo line $i; i=$((i+1)); sleep 0.1; done`))
	removeContainersAtEnd(t, d, id)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(id) {
		t.Fatalf("run -d printed %q, want a full ID", id)
	}
	ps := d.MustDocker("ps", "--format", "{{.Names}} {{.State}}")
	if !strings.Contains(ps, "ticker running") {
		t.Errorf("docker ps: %q", ps)
	}

	// logs -f follows until the container stops.
	follow := exec.Command("docker", "logs", "-f", "ticker")
	follow.Env = d.DockerEnv()
	var followOut bytes.Buffer
	follow.Stdout = &followOut
	if err := follow.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if r := d.Docker("top", "ticker"); harness.TargetIsDocker() && strings.Contains(r.Stderr, "unable to get all container pids") {
		t.Logf("rootless dockerd without cgroups cannot run top: %s", r.Stderr)
	} else if r.ExitCode != 0 || !strings.Contains(r.Stdout, "PID") || !strings.Contains(r.Stdout, "sleep") && !strings.Contains(r.Stdout, "sh -c") {
		t.Errorf("docker top: %s", r)
	}
	stats := d.MustDocker("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "ticker")
	if !strings.HasPrefix(stats, "ticker ") {
		t.Errorf("docker stats --no-stream: %q", stats)
	}

	d.MustDocker("stop", "-t", "5", "ticker")
	done := make(chan error, 1)
	go func() { done <- follow.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("logs -f: %v", err)
		}
	case <-time.After(10 * time.Second):
		follow.Process.Kill()
		t.Fatal("logs -f did not end when the container stopped")
	}
	if !strings.HasPrefix(followOut.String(), "line 0\nline 1\n") || !strings.HasSuffix(followOut.String(), "bye\n") {
		t.Errorf("logs -f output %q", followOut.String())
	}
	if code := strings.TrimSpace(d.MustDocker("wait", "ticker")); code != "7" {
		t.Errorf("docker wait printed %q, want 7 (the TERM trap's exit code)", code)
	}
	state := d.MustDocker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}", "ticker")
	if strings.TrimSpace(state) != "exited 7 false" {
		t.Errorf("inspect state %q", state)
	}
	logs := d.MustDocker("logs", "--tail", "1", "ticker")
	if logs != "bye\n" {
		t.Errorf("logs --tail 1: %q", logs)
	}
	d.MustDocker("rm", "ticker")
	if r := d.Docker("inspect", "ticker"); r.ExitCode == 0 {
		t.Errorf("container still there after rm: %s", r)
	}
}

func TestContainerFiles(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", bb, "sh", "-c", "mkdir -p /data && echo inside > /data/f && ln -s / /evil && sleep 300"))
	removeContainersAtEnd(t, d, id)
	// /evil is made last: once docker cp finds it, the files are there.
	waitFor(t, 10*time.Second, func() bool { return d.Docker("cp", id+":/evil", "-").ExitCode == 0 })

	tmp := t.TempDir()
	os.Chmod(tmp, 0o777)
	t.Run("CopyOut", func(t *testing.T) {
		dst := filepath.Join(tmp, "out")
		d.MustDocker("cp", id+":/data/f", dst)
		if b, err := os.ReadFile(dst); err != nil || string(b) != "inside\n" {
			t.Errorf("copied file: %q %v", b, err)
		}
	})
	t.Run("CopyIn", func(t *testing.T) {
		src := filepath.Join(tmp, "in")
		os.WriteFile(src, []byte("from host\n"), 0o644)
		d.MustDocker("cp", src, id+":/data/")
		r := d.Docker("cp", id+":/data/in", "-")
		if r.ExitCode != 0 || !strings.Contains(r.Stdout, "from host") {
			t.Errorf("reading back: %s", r)
		}
	})
	t.Run("SymlinkToRootStaysInside", func(t *testing.T) {
		r := d.Docker("cp", id+":/evil/etc/passwd", "-")
		if r.ExitCode != 0 {
			t.Fatalf("docker cp through /evil: %s", r)
		}
		body := tarBody(t, []byte(r.Stdout), "passwd")
		if !strings.Contains(body, "nobody:x:65534") || strings.Contains(body, "skifftest") {
			t.Errorf("/evil/etc/passwd read %q: not the container's", body)
		}
	})
	t.Run("Diff", func(t *testing.T) {
		diff := d.MustDocker("diff", id)
		for _, want := range []string{"A /data", "A /evil"} {
			if !strings.Contains(diff, want) {
				t.Errorf("docker diff lacks %q: %q", want, diff)
			}
		}
	})
	t.Run("Export", func(t *testing.T) {
		cmd := exec.Command("sh", "-c", "docker export "+id+" | tar t")
		cmd.Env = d.DockerEnv()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("docker export | tar t: %v", err)
		}
		for _, want := range []string{"bin/busybox", "data/f"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("export lacks %s", want)
			}
		}
	})
	t.Run("Commit", func(t *testing.T) {
		img := uniqueName(t, "committed") + ":v1"
		removeImagesAtEnd(t, d, img)
		d.MustDocker("commit", "-c", "ENV FROM_COMMIT=yes", id, img)
		r := d.Docker("run", "--rm", img, "sh", "-c", "cat /data/f; echo $FROM_COMMIT")
		if r.ExitCode != 0 || r.Stdout != "inside\nyes\n" {
			t.Errorf("running the committed image: %s", r)
		}
	})
}

// withoutWarnings drops the CLI's "WARNING: ..." lines (a daemon may warn
// about its host, as dockerd does about IPv4 forwarding) and trims.
func withoutWarnings(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "WARNING: ") {
			keep = append(keep, l)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// tarBody returns the content of the first member of a tar named base.
func tarBody(t *testing.T, b []byte, base string) string {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no %s in the tar: %v", base, err)
		}
		if filepath.Base(h.Name) == base {
			body, _ := io.ReadAll(tr)
			return string(body)
		}
	}
}

func waitFor(t *testing.T, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestContainerIsolation(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	run := func(args ...string) harness.Result {
		return d.Docker(append([]string{"run", "--rm"}, args...)...)
	}
	t.Run("NoHostProcesses", func(t *testing.T) {
		r := run(bb, "sh", "-c", "ls /proc | grep -c '^[0-9]'")
		if r.ExitCode != 0 || strings.TrimSpace(r.Stdout) != "3" && strings.TrimSpace(r.Stdout) != "2" {
			t.Errorf("processes visible in the container: %s", r)
		}
	})
	t.Run("MountNeedsSysAdmin", func(t *testing.T) {
		r := run(bb, "sh", "-c", "mkdir /tmp/m && mount -t tmpfs none /tmp/m")
		if r.ExitCode == 0 {
			t.Errorf("mount succeeded without CAP_SYS_ADMIN: %s", r)
		}
	})
	t.Run("InitBinaryNotWritable", func(t *testing.T) {
		r := run("--init", bb, "probe", "open-write", "/proc/1/exe")
		if r.ExitCode != 0 || strings.TrimSpace(r.Stdout) == "ok" {
			t.Errorf("PID 1's executable (skiff's init) opened for writing: %s", r)
		}
	})
	t.Run("SeccompDefault", func(t *testing.T) {
		for _, check := range []string{"keyctl", "unshare-user"} {
			r := run(bb, "probe", check)
			if r.ExitCode != 0 || strings.TrimSpace(r.Stdout) != "operation not permitted" {
				t.Errorf("%s under the default profile: %s", check, r)
			}
		}
	})
	t.Run("PrivilegedLiftsThem", func(t *testing.T) {
		r := run("--privileged", bb, "probe", "unshare-user")
		if r.ExitCode != 0 || strings.TrimSpace(r.Stdout) != "ok" {
			t.Errorf("unshare(CLONE_NEWUSER) with --privileged: %s", r)
		}
		r = run("--privileged", bb, "sh", "-c", "mkdir /tmp/m && mount -t tmpfs none /tmp/m && echo mounted")
		if r.ExitCode != 0 || !strings.Contains(r.Stdout, "mounted") {
			t.Errorf("mount with --privileged: %s", r)
		}
	})
	t.Run("CapDrop", func(t *testing.T) {
		r := run("--cap-drop", "CHOWN", bb, "chown", "nobody", "/tmp")
		if r.ExitCode == 0 {
			t.Errorf("chown worked after --cap-drop CHOWN: %s", r)
		}
	})
	t.Run("ReadOnlyRootfs", func(t *testing.T) {
		r := run("--read-only", "--tmpfs", "/scratch", bb, "sh", "-c", "touch /x 2>/dev/null && echo wrote-root; touch /scratch/y && echo wrote-tmpfs")
		if r.Stdout != "wrote-tmpfs\n" {
			t.Errorf("--read-only --tmpfs: %s", r)
		}
	})
	t.Run("MaskedPaths", func(t *testing.T) {
		// /proc/timer_list is on Docker's masked list and non-empty on
		// the host (this kernel has no /proc/kcore).
		r := run(bb, "sh", "-c", "wc -c < /proc/timer_list")
		if strings.TrimSpace(r.Stdout) != "0" {
			t.Errorf("/proc/timer_list not masked: %s", r)
		}
	})
}

func TestContainerBadInput(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	t.Run("UnknownImage", func(t *testing.T) {
		code, _, body := d.Request("POST", "/containers/create", jsonHeader(), []byte(`{"Image":"nosuch-image-skiff:latest"}`))
		if code != 404 || !strings.Contains(string(body), "No such image: nosuch-image-skiff:latest") {
			t.Errorf("create from an unknown image: %d %s", code, body)
		}
	})
	t.Run("InvalidMemory", func(t *testing.T) {
		r := d.Docker("run", "--rm", "-m", "lots", bb, "true")
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, "invalid argument") {
			t.Errorf("run -m lots: %s", r)
		}
	})
	t.Run("BadNames", func(t *testing.T) {
		for _, name := range []string{"a/b", "has space", "-lead"} {
			r := d.Docker("create", "--name", name, bb)
			if r.ExitCode == 0 || !strings.Contains(r.Stderr, "Invalid container name") {
				t.Errorf("create --name %q: %s", name, r)
			}
		}
	})
	t.Run("NameConflict", func(t *testing.T) {
		const n = 8
		var wg sync.WaitGroup
		results := make([]harness.Result, n)
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); results[i] = d.Docker("create", "--name", "contended", bb) }()
		}
		wg.Wait()
		won := 0
		for _, r := range results {
			if r.ExitCode == 0 {
				won++
				removeContainersAtEnd(t, d, strings.TrimSpace(r.Stdout))
			} else if !strings.Contains(r.Stderr, `Conflict. The container name "/contended" is already in use`) {
				t.Errorf("losing create: %s", r)
			}
		}
		if won != 1 {
			t.Errorf("%d creates with one name won, want exactly 1", won)
		}
	})
	t.Run("NoSuchContainer", func(t *testing.T) {
		r := d.Docker("start", "nosuchcontainer")
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, "No such container: nosuchcontainer") {
			t.Errorf("start of a missing container: %s", r)
		}
	})
}

func jsonHeader() map[string][]string {
	return map[string][]string{"Content-Type": {"application/json"}}
}

func TestContainerParallelRuns(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan string, n)
	sem := make(chan struct{}, 20)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			want := fmt.Sprintf("run %d\n", i)
			r := d.Docker("run", "--rm", bb, "echo", "run", fmt.Sprint(i))
			if r.ExitCode != 0 || r.Stdout != want {
				errs <- r.String()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("parallel run failed: %s", e)
	}
	if ps := strings.TrimSpace(d.MustDocker("ps", "-aq")); ps != "" {
		t.Errorf("containers left: %q", ps)
	}
	harness.SkiffOnly(t)
	d.CheckNoContainerLeftovers()
}

func TestContainerDockerPy(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	out := d.MustPython(fmt.Sprintf(`
c = client
print(c.containers.run(%q, ["sh", "-c", "echo hi from py"], remove=True).decode(), end="")
ctr = c.containers.run(%q, ["sh", "-c", "echo detached; sleep 30"], detach=True, name="pyctr")
ctr.reload()
print(ctr.status)
ctr.stop(timeout=1)
print(ctr.wait()["StatusCode"])
print(ctr.logs().decode(), end="")
ctr.remove()
print(len(c.containers.list(all=True)))
`, bb, bb))
	if out != "hi from py\nrunning\n137\ndetached\n0\n" {
		t.Errorf("docker-py printed %q", out)
	}
}

func TestContainerRootful(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t, harness.Rootful())
	bb := busybox(t, d)
	r := d.Docker("run", "--rm", bb, "sh", "-c", "id -u; cat /proc/self/uid_map")
	if r.ExitCode != 0 || !strings.HasPrefix(r.Stdout, "0\n") {
		t.Errorf("rootful run: %s", r)
	}
}

func TestContainerSurvivesEngineRestart(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", bb, "sh", "-c", "echo before; sleep 2; echo after; exit 4"))
	removeContainersAtEnd(t, d, id)
	waitFor(t, 5*time.Second, func() bool { return d.MustDocker("logs", id) == "before\n" })
	d.KillEngine()
	waitFor(t, 10*time.Second, func() bool { return d.Docker("version").ExitCode == 0 })
	var st struct{ Status string }
	mustJSON(t, d.MustDocker("inspect", "--format", "{{json .State}}", id), &st)
	if st.Status != "running" {
		t.Errorf("after the engine restart the container is %q, want running", st.Status)
	}
	if code := strings.TrimSpace(d.MustDocker("wait", id)); code != "4" {
		t.Errorf("wait after the engine restart: %q, want 4", code)
	}
	if logs := d.MustDocker("logs", id); logs != "before\nafter\n" {
		t.Errorf("logs across the engine restart: %q", logs)
	}
}

// TestSkiffCLIContainers drives the same lifecycle with skiff's own CLI.
func TestSkiffCLIContainers(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	r := d.Skiff("run", "--rm", bb, "sh", "-c", "echo out; echo err >&2; exit 5")
	if r.ExitCode != 5 || r.Stdout != "out\n" || strings.TrimSpace(r.Stderr) != "err" {
		t.Errorf("skiff run: %s", r)
	}
	id := strings.TrimSpace(d.MustSkiff("run", "-d", "--name", "cli1", "-l", "k=v", bb, "sh", "-c", "echo started; sleep 60"))
	removeContainersAtEnd(t, d, id)
	if got := d.MustSkiff("ps", "--filter", "label=k=v", "--format", "{{.Names}} {{.State}}"); got != "cli1 running\n" {
		t.Errorf("skiff ps: %q", got)
	}
	waitFor(t, 5*time.Second, func() bool { return d.MustSkiff("logs", "cli1") == "started\n" })
	d.MustSkiff("stop", "-t", "1", "cli1")
	if got := strings.TrimSpace(d.MustSkiff("wait", "cli1")); got != "137" {
		t.Errorf("skiff wait: %q", got)
	}
	if got := d.MustSkiff("inspect", "--format", "{{.State.Status}}", "cli1"); got != "exited\n" {
		t.Errorf("skiff inspect: %q", got)
	}
	d.MustSkiff("rm", "cli1")
	r = d.Skiff("run", "--rm", bb, "nosuchcmd")
	if r.ExitCode != 127 || !strings.Contains(r.Stderr, "executable file not found") {
		t.Errorf("skiff run of a missing command: %s", r)
	}
}

// TestDaemonStopStopsContainers: SIGTERM to the daemon stops its running
// containers (dockerd without live-restore does the same), within their
// stop timeout, and leaves no process behind (the harness checks).
func TestDaemonStopStopsContainers(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	d.MustDocker("run", "-d", "--stop-timeout", "1", bb, "sleep", "600")
	d.MustDocker("run", "-d", "--stop-timeout", "1", bb, "sh", "-c", "trap '' TERM; sleep 600")
	start := time.Now()
	d.Stop()
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("daemon stop took %v with two containers", took)
	}
}
