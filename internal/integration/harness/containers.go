package harness

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/sys/mountinfo"
)

var (
	probeOnce sync.Once
	probeBin  []byte
	probeErr  error
)

// ProbeBinary is a small static program (testdata/probe) that containers
// run to report whether a syscall was allowed: keyctl, unshare-user,
// open-write PATH. Built once per test binary with the go toolchain.
func ProbeBinary(t testing.TB) []byte {
	t.Helper()
	probeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "skiff-probe-")
		if err != nil {
			probeErr = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "probe")
		cmd := exec.Command("go", "build", "-o", out, "./internal/integration/testdata/probe")
		cmd.Dir = ModuleRoot()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
		if b, err := cmd.CombinedOutput(); err != nil {
			probeErr = &buildError{err: err, out: string(b)}
			return
		}
		probeBin, probeErr = os.ReadFile(out)
	})
	if probeErr != nil {
		t.Fatalf("building the probe program (needs the go toolchain): %v", probeErr)
	}
	return probeBin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// LoadBusybox loads a busybox image (BusyboxLayer, plus /bin/probe from
// ProbeBinary) into the daemon as name, with `docker load`.
func (d *Daemon) LoadBusybox(name string) {
	t := d.t
	t.Helper()
	probe := Tar(t, DirEntry("usr"), DirEntry("usr/bin"), TarEntry{Hdr: tar.Header{Typeflag: tar.TypeReg, Name: "usr/bin/probe", Mode: 0o755}, Body: ProbeBinary(t)})
	im := ImageFromTars(t, "busybox-"+name, false, BusyboxLayer(t), probe)
	r := d.DockerInput(string(im.DockerArchive(t, name)), "load", "-q")
	if r.ExitCode != 0 {
		t.Fatalf("docker load of the busybox image: %s", r)
	}
}

// EnginePid finds the `skiff engine` process below the daemon.
func (d *Daemon) EnginePid() int {
	t := d.t
	t.Helper()
	d.needSkiff("EnginePid")
	for _, p := range descendants(d.Pid()) {
		cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/cmdline")
		if args := strings.Split(string(cmdline), "\x00"); len(args) > 1 && args[1] == "engine" {
			return p.pid
		}
	}
	t.Fatalf("no engine process below daemon pid %d", d.Pid())
	return 0
}

// KillEngine SIGKILLs the engine; its supervisor starts a new one.
func (d *Daemon) KillEngine() {
	d.t.Helper()
	if err := syscall.Kill(d.EnginePid(), syscall.SIGKILL); err != nil {
		d.t.Fatalf("killing the engine: %v", err)
	}
}

// DockerEnv is the environment Docker runs the docker CLI with, for tests
// that need to start it themselves (a `docker logs -f` in the background).
func (d *Daemon) DockerEnv() []string {
	return clientEnviron("DOCKER_HOST="+d.Host, "DOCKER_CONFIG="+d.dockerConfig, "DOCKER_CLI_HINTS=false")
}

// CheckNoContainerLeftovers fails the test if, with no containers left,
// the daemon still has shim processes, container rootfs mounts in the
// engine's mount namespace, or containers in storage.
func (d *Daemon) CheckNoContainerLeftovers() {
	t := d.t
	t.Helper()
	d.needSkiff("CheckNoContainerLeftovers")
	deadline := time.Now().Add(5 * time.Second)
	var problems []string
	for {
		problems = problems[:0]
		for _, p := range d.shims() {
			problems = append(problems, "shim process "+p)
		}
		if f, err := os.Open(fmt.Sprintf("/proc/%d/mountinfo", d.EnginePid())); err == nil {
			mounts, _ := mountinfo.GetMountsFromReader(f, mountinfo.PrefixFilter(d.Env.DataHome))
			f.Close()
			for _, m := range mounts {
				problems = append(problems, "mount "+m.Mountpoint)
			}
		}
		if b, err := os.ReadFile(filepath.Join(d.Env.DataHome, "skiff", "storage", "overlay-containers", "containers.json")); err == nil {
			var cs []json.RawMessage
			if json.Unmarshal(b, &cs) == nil && len(cs) > 0 {
				problems = append(problems, fmt.Sprintf("%d containers in storage", len(cs)))
			}
		}
		if len(problems) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, p := range problems {
		t.Errorf("left behind: %s", p)
	}
}

// shims lists the daemon's shim processes ("pid cmdline").
func (d *Daemon) shims() []string {
	var out []string
	for _, pid := range d.Shims() {
		cmd, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		out = append(out, strconv.Itoa(pid)+" "+strings.ReplaceAll(string(cmd), "\x00", " "))
	}
	return out
}
