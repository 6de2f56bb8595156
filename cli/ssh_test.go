package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSSH puts an `ssh` on PATH that runs script instead of connecting.
func fakeSSH(t *testing.T, script string) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ssh"), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestSSHHost(t *testing.T) {
	remote := fakeDaemon(t, jsonHandler(200, fakeVersion))
	// The "remote" end is this test binary acting as `skiff system dial-stdio`.
	fakeSSH(t, `exec env SKIFF_TEST_ROLE=cli "$SKIFF_TEST_BIN" -H "$SKIFF_TEST_REMOTE" system dial-stdio`)
	t.Setenv("SKIFF_TEST_BIN", os.Args[0])
	t.Setenv("SKIFF_TEST_REMOTE", remote)
	r := runCLI(t, nil, "", "-H", "ssh://me@box:2222", "version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}")
	if r.code != 0 || r.stdout != "0.1.0 1.52\n" {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestSSHHostFailure(t *testing.T) {
	fakeSSH(t, `echo "ssh: Could not resolve hostname box: Name or service not known" >&2; exit 255`)
	r := runCLI(t, nil, "", "-H", "ssh://box", "version")
	if r.code != 1 {
		t.Errorf("exit %d", r.code)
	}
	for _, want := range []string{"Cannot connect to the skiff daemon at ssh://box.", "Could not resolve hostname box"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %q", want, r.stderr)
		}
	}
}

func TestCommandConn(t *testing.T) {
	c, err := newCommandConn(t.Context(), "sh", "-c", "cat; echo done")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("hi ")); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "hi done\n" {
		t.Errorf("got %q, %v", got, err)
	}

	c2, err := newCommandConn(t.Context(), "sh", "-c", "echo oops >&2; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	_, err = io.ReadAll(c2)
	if err == nil || !strings.Contains(err.Error(), "oops") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("err = %v", err)
	}
}

// A command that is gone before the first write must still be reported with
// its stderr, not as a bare broken pipe.
func TestCommandConnWriteAfterExit(t *testing.T) {
	c, err := newCommandConn(t.Context(), "sh", "-c", "echo no route to box >&2; exit 255")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.wait()
	_, err = c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	if err == nil || !strings.Contains(err.Error(), "no route to box") {
		t.Errorf("write error %v, want the command's stderr", err)
	}
}
