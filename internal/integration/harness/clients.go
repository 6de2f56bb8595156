package harness

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// CommandTimeout bounds every docker, skiff and python3 command.
var CommandTimeout = 2 * time.Minute

// Result is the outcome of a client command.
type Result struct {
	Args     []string
	Stdout   string
	Stderr   string
	ExitCode int
}

// String describes the command and everything it printed, for failure messages.
func (r Result) String() string {
	return fmt.Sprintf("`%s` exited %d\n--- stdout:\n%s\n--- stderr:\n%s", strings.Join(r.Args, " "), r.ExitCode, r.Stdout, r.Stderr)
}

// Client is a moby API client for the daemon (API version negotiated).
func (d *Daemon) Client() *client.Client {
	d.t.Helper()
	d.st.mu.Lock()
	defer d.st.mu.Unlock()
	if d.st.cli == nil {
		c, err := client.New(client.WithHost(d.Host))
		if err != nil {
			d.t.Fatalf("client for %s: %v", d.Host, err)
		}
		d.st.cli = c
	}
	return d.st.cli
}

// Docker runs the real docker CLI against the daemon, with a clean DOCKER_CONFIG.
func (d *Daemon) Docker(args ...string) Result {
	d.t.Helper()
	bin, err := exec.LookPath("docker")
	if err != nil {
		d.t.Fatal("docker CLI not found on PATH: install the docker-ce-cli package (Docker's apt repository) or docker.io (Debian)")
	}
	env := clientEnviron("DOCKER_HOST="+d.Host, "DOCKER_CONFIG="+d.dockerConfig, "DOCKER_CLI_HINTS=false")
	return run(d.t, env, bin, args...)
}

// DockerInput is Docker with stdin (`docker login --password-stdin`, `docker load`).
func (d *Daemon) DockerInput(stdin string, args ...string) Result {
	d.t.Helper()
	bin, err := exec.LookPath("docker")
	if err != nil {
		d.t.Fatal("docker CLI not found on PATH: install the docker-ce-cli package (Docker's apt repository) or docker.io (Debian)")
	}
	env := clientEnviron("DOCKER_HOST="+d.Host, "DOCKER_CONFIG="+d.dockerConfig, "DOCKER_CLI_HINTS=false")
	return runInput(d.t, env, strings.NewReader(stdin), bin, args...)
}

// MustDocker runs docker and fails the test unless it exits 0; it returns stdout.
func (d *Daemon) MustDocker(args ...string) string {
	d.t.Helper()
	r := d.Docker(args...)
	if r.ExitCode != 0 {
		d.t.Fatalf("%s", r)
	}
	return r.Stdout
}

// DockerFail runs docker and fails the test if it exits 0.
func (d *Daemon) DockerFail(args ...string) Result {
	d.t.Helper()
	r := d.Docker(args...)
	if r.ExitCode == 0 {
		d.t.Fatalf("expected failure: %s", r)
	}
	return r
}

// Skiff runs the skiff CLI against the daemon (SKIFF_HOST, SKIFF_NO_AUTOSTART=1).
func (d *Daemon) Skiff(args ...string) Result {
	d.t.Helper()
	env := clientEnviron("SKIFF_HOST="+d.Host, "SKIFF_NO_AUTOSTART=1", "DOCKER_CONFIG="+d.dockerConfig)
	return run(d.t, env, Binary(d.t), args...)
}

// MustSkiff runs skiff and fails the test unless it exits 0; it returns stdout.
func (d *Daemon) MustSkiff(args ...string) string {
	d.t.Helper()
	r := d.Skiff(args...)
	if r.ExitCode != 0 {
		d.t.Fatalf("%s", r)
	}
	return r.Stdout
}

// RunSkiff runs the skiff CLI with no daemon in mind: SKIFF_NO_AUTOSTART=1,
// no SKIFF_HOST or DOCKER_HOST, and an empty DOCKER_CONFIG.
func RunSkiff(t testing.TB, args ...string) Result {
	t.Helper()
	cfg := t.TempDir()
	env := clientEnviron("SKIFF_NO_AUTOSTART=1", "DOCKER_CONFIG="+cfg)
	return run(t, env, Binary(t), args...)
}

// PythonPrelude starts every Python script: it binds `client` to a
// docker.DockerClient for the daemon.
const PythonPrelude = `import json, os, sys
import docker
client = docker.DockerClient(base_url=os.environ["SKIFF_TEST_DOCKER_HOST"])
`

// Python runs PythonPrelude + script with a python3 that has docker-py.
func (d *Daemon) Python(script string) Result {
	d.t.Helper()
	py := Python3(d.t)
	env := clientEnviron("SKIFF_TEST_DOCKER_HOST="+d.Host, "DOCKER_CONFIG="+d.dockerConfig)
	return run(d.t, env, py, "-c", PythonPrelude+script)
}

// MustPython runs a script and fails the test unless it exits 0; it returns stdout.
func (d *Daemon) MustPython(script string) string {
	d.t.Helper()
	r := d.Python(script)
	if r.ExitCode != 0 {
		d.t.Fatalf("%s", r)
	}
	return r.Stdout
}

var (
	pyOnce sync.Once
	pyPath string
)

// Python3 is the path of a python3 interpreter that imports docker:
// $SKIFF_TEST_PYTHON, python3 on PATH, root's pyenv, or /usr/bin/python3.
func Python3(t testing.TB) string {
	t.Helper()
	pyOnce.Do(func() {
		cands := []string{os.Getenv("SKIFF_TEST_PYTHON"), "python3", "/root/.pyenv/shims/python3", "/usr/bin/python3", "/usr/local/bin/python3"}
		for _, c := range cands {
			if c == "" {
				continue
			}
			out, err := exec.Command(c, "-c", "import sys, docker; print(sys.executable)").Output()
			if err == nil {
				if p := strings.TrimSpace(string(out)); p != "" {
					pyPath = p
					return
				}
			}
		}
	})
	if pyPath == "" {
		t.Fatal("no python3 with the docker module (docker-py 7.x): pip install docker, or apt-get install python3-docker (or set SKIFF_TEST_PYTHON)")
	}
	return pyPath
}

// clientEnviron is the test process's environment without DOCKER_* and
// SKIFF_* variables (except in docker mode, the TLS ones), plus extra.
func clientEnviron(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		keepTLS := TargetIsDocker() && (k == "DOCKER_TLS_VERIFY" || k == "DOCKER_CERT_PATH")
		if (strings.HasPrefix(k, "DOCKER_") || strings.HasPrefix(k, "SKIFF_")) && !keepTLS {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func run(t testing.TB, env []string, bin string, args ...string) Result {
	t.Helper()
	return runInput(t, env, nil, bin, args...)
}

// runInput is run with stdin (nil: none).
func runInput(t testing.TB, env []string, stdin io.Reader, bin string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := Result{Args: append([]string{bin}, args...), Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: exitCode(err)}
	if ctx.Err() != nil {
		r.ExitCode = -1
		r.Stderr += fmt.Sprintf("\n[harness: killed after %s]", CommandTimeout)
	} else if err != nil && r.ExitCode == -1 {
		t.Fatalf("running %s: %v", bin, err)
	}
	return r
}

// Request sends one HTTP request over the daemon's socket and returns the
// status, headers and body. Transport errors fail the test.
func (d *Daemon) Request(method, path string, header http.Header, body []byte) (int, http.Header, []byte) {
	d.t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: skiff\r\nConnection: close\r\n", method, path)
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	b.Write(body)
	resp, rb, err := d.RawRequest(b.Bytes())
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, rb
}

// RawRequest writes raw bytes to a new connection while reading the
// response, so that a server that answers before reading everything (431)
// is still heard.
func (d *Daemon) RawRequest(raw []byte) (*http.Response, []byte, error) {
	network, addr := "unix", d.Socket
	if d.Socket == "" {
		network, addr = "tcp", strings.TrimPrefix(d.Host, "tcp://")
	}
	conn, err := net.DialTimeout(network, addr, 10*time.Second)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	werr := make(chan error, 1)
	go func() {
		_, err := conn.Write(raw)
		werr <- err
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if we := <-werr; we != nil {
			err = errors.Join(err, fmt.Errorf("write: %w", we))
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return resp, body, err
	}
	return resp, body, nil
}
