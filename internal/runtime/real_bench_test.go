package runtime

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/skiff-engine/skiff/internal/runtime/selfexe"
)

// BenchmarkRealRunTrue is `docker run --rm busybox true` below the API:
// create, start, wait, delete with a built skiff (SKIFF_BIN) as shim and
// init, in a busybox rootfs made from the host's busybox. Run as root:
//
//	SKIFF_BIN=/path/to/skiff go test -run '^$' -bench RealRunTrue ./internal/runtime
func BenchmarkRealRunTrue(b *testing.B) {
	bin := os.Getenv("SKIFF_BIN")
	if bin == "" {
		b.Skip("SKIFF_BIN names no built skiff binary")
	}
	rt, err := New(Options{RunDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	rt.shimExe = bin
	rt.once.Do(func() { rt.self, rt.selfErr = selfexe.SealedFrom(bin) })
	if rt.selfErr != nil {
		b.Fatal(rt.selfErr)
	}
	defer rt.Close()
	rootfs := busyboxRootfs(b)
	ctx := context.Background()
	var create, start time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		task, err := rt.Create(ctx, Bundle{ID: "bench" + strconv.Itoa(i), Spec: busyboxSpec(rootfs, "/bin/true")})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := task.Start(ctx); err != nil {
			b.Fatal(err)
		}
		create, start = create+t1.Sub(t0), start+time.Since(t1)
		if ex, err := task.Wait(ctx); err != nil || ex.Code != 0 {
			b.Fatalf("exit %+v %v", ex, err)
		}
		if err := task.Delete(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(create.Microseconds())/float64(b.N)/1000, "ms-create")
	b.ReportMetric(float64(start.Microseconds())/float64(b.N)/1000, "ms-start")
}

func busyboxRootfs(b *testing.B) string {
	root := filepath.Join(b.TempDir(), "rootfs")
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp", "etc"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "busybox"), bb, 0o755); err != nil {
		b.Fatal(err)
	}
	for _, n := range []string{"sh", "true", "echo", "sleep", "cat"} {
		os.Symlink("busybox", filepath.Join(root, "bin", n))
	}
	return root
}

func busyboxSpec(rootfs string, args ...string) *specs.Spec {
	return &specs.Spec{
		Version: specs.Version,
		Root:    &specs.Root{Path: rootfs},
		Process: &specs.Process{Args: args, Cwd: "/", Env: []string{"PATH=/bin"}},
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		},
		Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{
			{Type: specs.PIDNamespace}, {Type: specs.MountNamespace}, {Type: specs.UTSNamespace},
			{Type: specs.IPCNamespace}, {Type: specs.NetworkNamespace},
		}},
	}
}
