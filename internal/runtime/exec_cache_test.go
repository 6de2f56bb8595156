package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/seccomp"
)

func writeTaskSpec(t *testing.T, r *Runtime, id string, s *specs.Spec) {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := bundleDir(r.opts.RunDir, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// A new file, as a restart writes it: a new inode.
	tmp := filepath.Join(dir, "config.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "config.json")); err != nil {
		t.Fatal(err)
	}
}

func TestTaskSpecCache(t *testing.T) {
	r, err := New(Options{RunDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.TaskSpec("c1"); !errdefs.IsNotFound(err) {
		t.Fatalf("TaskSpec of no task: %v, want not found", err)
	}
	writeTaskSpec(t, r, "c1", &specs.Spec{Process: &specs.Process{Args: []string{"one"}}})
	a, err := r.TaskSpec("c1")
	if err != nil || a.Process.Args[0] != "one" {
		t.Fatalf("TaskSpec: %v %v", a, err)
	}
	if b, _ := r.TaskSpec("c1"); b != a {
		t.Error("an unchanged config.json was parsed again")
	}
	time.Sleep(10 * time.Millisecond) // a visibly newer mtime, not only a new inode
	writeTaskSpec(t, r, "c1", &specs.Spec{Process: &specs.Process{Args: []string{"two"}}})
	if b, err := r.TaskSpec("c1"); err != nil || b.Process.Args[0] != "two" {
		t.Errorf("TaskSpec after the task was made again: %v %v, want the new spec", b, err)
	}
	os.Remove(filepath.Join(bundleDir(r.opts.RunDir, "c1"), "config.json"))
	if _, err := r.TaskSpec("c1"); !errdefs.IsNotFound(err) {
		t.Errorf("TaskSpec of a removed task: %v, want not found", err)
	}
	if _, err := r.TaskSpec("../x"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("TaskSpec of a bad id: %v", err)
	}
}

func TestCompiledSeccompIsInitsFilter(t *testing.T) {
	r, err := New(Options{RunDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	spec := &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: []string{"CAP_CHOWN"}}}}
	prof, err := seccomp.ForSpec("", spec)
	if err != nil || prof == nil {
		t.Fatalf("default profile: %v", err)
	}
	f, err := r.compiledSeccomp(prof)
	if err != nil {
		t.Fatal(err)
	}
	want, err := seccomp.Compile(prof)
	if err != nil {
		t.Fatal(err)
	}
	size := int(unsafe.Sizeof(unix.SockFilter{}))
	if len(f.prog) != len(want)*size {
		t.Fatalf("compiled %d bytes, want %d instructions", len(f.prog), len(want))
	}
	got := unsafe.Slice((*unix.SockFilter)(unsafe.Pointer(&f.prog[0])), len(want))
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("instruction %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if again, _ := r.compiledSeccomp(prof); again != f {
		t.Error("the same profile was compiled again")
	}
}
