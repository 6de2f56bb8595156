package integration

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

const ptyTimeout = 30 * time.Second

// itShell drives `run -it <bb> sh` on a pty: arithmetic, a resize seen by
// stty, a detach with ctrl-p ctrl-q (the CLI exits 0, the container runs),
// `attach` again and `exit 5`. cli is "docker" or "skiff".
func itShell(t *testing.T, d *harness.Daemon, bb, cli string) {
	name := uniqueName(t, "it")
	removeContainersAtEnd(t, d, name)
	p := d.StartPTY(t, cli, "run", "-it", "--name", name, bb, "sh")
	p.Expect(t, `/ # `, ptyTimeout)
	p.Send("echo $((6*7))\r")
	p.Expect(t, `\r\n42\r\n`, ptyTimeout)
	p.Send("stty size\r")
	p.Expect(t, `\r\n24 80\r\n`, ptyTimeout)
	p.Resize(33, 101)
	// The CLI resizes the container's tty on SIGWINCH; give it a moment.
	deadline := time.Now().Add(ptyTimeout)
	for {
		p.Send("stty size\r")
		got := p.Expect(t, `\r\n\d+ \d+\r\n`, ptyTimeout)
		if strings.Contains(got, "33 101") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stty size still %q after the resize", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	p.Send("\x10\x11")
	if code := p.Wait(ptyTimeout); code != 0 {
		t.Fatalf("%s run -it: exit %d after detaching, want 0; output %q", cli, code, p.Output())
	}
	if st := strings.TrimSpace(d.MustDocker("inspect", "-f", "{{.State.Status}}", name)); st != "running" {
		t.Fatalf("after detach the container is %q, want running", st)
	}

	a := d.StartPTY(t, cli, "attach", name)
	a.Send("echo again-$((1+2))\r")
	a.Expect(t, `again-3`, ptyTimeout)
	a.Send("exit 5\r")
	if code := a.Wait(ptyTimeout); code != 5 {
		t.Fatalf("%s attach: exit %d after `exit 5`, want 5; output %q", cli, code, a.Output())
	}
}

func TestInteractiveRunTTY(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	itShell(t, d, bb, "docker")
}

func TestInteractiveStdinPipe(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	r := d.DockerInput("hi\n", "run", "--rm", "-i", bb, "cat")
	if r.ExitCode != 0 || r.Stdout != "hi\n" {
		t.Fatalf("echo hi | docker run -i cat: %s", r)
	}
}

func TestInteractiveSkiffRunTTY(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	itShell(t, d, bb, "skiff")
}

// A container started with -d -it is attached later; custom detach keys
// (--detach-keys) leave it running, the default ones are then plain input.
func TestInteractiveAttachDetachKeys(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "dk")
	removeContainersAtEnd(t, d, name)
	d.MustDocker("run", "-d", "-it", "--name", name, bb, "sh")
	a := d.StartPTY(t, "attach", "--detach-keys", "ctrl-a,x", name)
	a.Send("echo one-$((2*3))\r")
	a.Expect(t, `one-6`, ptyTimeout)
	a.Send("\x01x")
	// The docker CLI's attach reports a detach as this error, exit 1.
	a.Expect(t, `read escape sequence`, ptyTimeout)
	if code := a.Wait(ptyTimeout); code != 1 {
		t.Fatalf("attach: exit %d after the custom detach keys, want 1 as docker; output %q", code, a.Output())
	}
	if st := strings.TrimSpace(d.MustDocker("inspect", "-f", "{{.State.Status}}", name)); st != "running" {
		t.Fatalf("after detach the container is %q, want running", st)
	}
	b := d.StartPTY(t, "attach", name)
	b.Send("echo two-$((3*3))\r")
	b.Expect(t, `two-9`, ptyTimeout)
	b.Send("exit 7\r")
	if code := b.Wait(ptyTimeout); code != 7 {
		t.Fatalf("attach: exit %d, want 7; output %q", code, b.Output())
	}
}

func TestInteractiveResizeErrors(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "rs")
	removeContainersAtEnd(t, d, name)
	d.MustDocker("create", "-t", "--name", name, bb, "sh")
	status, _, body := d.Request("POST", "/containers/"+name+"/resize?h=10&w=20", nil, nil)
	if status != 409 || !strings.Contains(string(body), "is not running") {
		t.Errorf("resize of a created container: %d %s", status, body)
	}
	status, _, body = d.Request("POST", "/containers/nosuch-"+name+"/resize?h=10&w=20", nil, nil)
	if status != 404 {
		t.Errorf("resize of a missing container: %d %s", status, body)
	}
	d.MustDocker("start", name)
	status, _, body = d.Request("POST", "/containers/"+name+"/resize?h=10&w=20", nil, nil)
	if status != 200 {
		t.Errorf("resize of a running container: %d %s", status, body)
	}
	status, _, body = d.Request("POST", "/containers/"+name+"/resize?h=x&w=20", nil, nil)
	if status != 400 {
		t.Errorf("resize with a bad height: %d %s", status, body)
	}
}

// rawAttach opens POST /containers/{name}/attach?query on a connection of
// its own, upgraded as the docker CLI does, and returns it after the 101.
func rawAttach(t *testing.T, d *harness.Daemon, name, query string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("unix", d.Socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST /containers/%s/attach?%s HTTP/1.1\r\nHost: skiff\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n", name, query)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("attach: status %d", resp.StatusCode)
	}
	return c, br
}

// The daemon finds the detach keys in a tty attach's stdin itself (for
// clients other than the docker CLI): the attach ends, the container runs,
// and a detach event is published.
func TestInteractiveDaemonDetach(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "dd")
	removeContainersAtEnd(t, d, name)
	since := time.Now().Add(-time.Second).Unix()
	d.MustDocker("run", "-d", "-it", "--name", name, bb, "sh")
	c, br := rawAttach(t, d, name, "stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-a,x")
	c.SetDeadline(time.Now().Add(ptyTimeout))
	fmt.Fprint(c, "echo via-$((4+4))\n")
	var seen strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(seen.String(), "via-8") {
		n, err := br.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			t.Fatalf("reading the attach: %v after %q", err, seen.String())
		}
	}
	fmt.Fprint(c, "\x01x")
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatalf("after the detach keys the attach must end (EOF): %v", err)
	}
	if st := strings.TrimSpace(d.MustDocker("inspect", "-f", "{{.State.Status}}", name)); st != "running" {
		t.Fatalf("after detach the container is %q, want running", st)
	}
	ev := d.MustDocker("events", "--since", fmt.Sprint(since), "--until", fmt.Sprint(time.Now().Unix()+1),
		"--filter", "container="+name, "--format", "{{.Action}}")
	if !strings.Contains(ev, "attach") || !strings.Contains(ev, "detach") {
		t.Errorf("events %q: want attach and detach", ev)
	}
}

// An attached client that reads nothing must not hold the container's
// output back from the log for long (the shim drops it). Skiff-only:
// dockerd (20.10 here) lets such a client stall the container's output.
func TestInteractiveSlowAttachKeepsLogging(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "slow")
	removeContainersAtEnd(t, d, name)
	d.MustDocker("create", "--name", name, bb, "sh", "-c",
		`sleep 1; i=0; while [ $i -lt 40000 ]; do echo "line-$i-0123456789012345678901234567890123456789"; i=$((i+1)); done; echo last-line; sleep 1000`)
	rawAttach(t, d, name, "stream=1&stdout=1&stderr=1") // never read
	d.MustDocker("start", name)
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := d.Docker("logs", "--tail", "1", name)
		if strings.Contains(r.Stdout, "last-line") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log did not reach the last line with a stuck attach client; tail: %q", r.Stdout)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// exec -it on a pty with the docker CLI and skiff's: a shell that sees its
// terminal size, and exits with the command's code. Needs the exec routes.
func TestInteractiveExecTTY(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "ex")
	removeContainersAtEnd(t, d, name)
	d.MustDocker("run", "-d", "--name", name, bb, "sleep", "1000")
	clis := []string{"docker"}
	if !harness.TargetIsDocker() {
		clis = append(clis, "skiff")
	}
	for _, cli := range clis {
		p := d.StartPTY(t, cli, "exec", "-it", name, "sh")
		p.Expect(t, `/ # `, ptyTimeout)
		p.Send("stty size; echo x-$((5*5))\r")
		p.Expect(t, `24 80\r\nx-25`, ptyTimeout)
		p.Send("exit 4\r")
		if code := p.Wait(ptyTimeout); code != 4 {
			t.Fatalf("%s exec -it: exit %d, want 4; output %q", cli, code, p.Output())
		}
	}
	r := d.DockerInput("in\n", "exec", "-i", name, "cat")
	if r.ExitCode != 0 || r.Stdout != "in\n" {
		t.Fatalf("docker exec -i cat: %s", r)
	}
}
