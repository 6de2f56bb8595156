package cgroups

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// fakeTree points Root and procSelfCgroup at a temporary directory for
// the test (restoring them and hostMemory after it) and returns it.
func fakeTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	oldRoot, oldSelf, oldMem := Root, procSelfCgroup, hostMemory
	Root = filepath.Join(dir, "cgroup")
	procSelfCgroup = filepath.Join(dir, "self-cgroup")
	setupMu.Lock()
	setupDone = map[string]bool{}
	setupMu.Unlock()
	t.Cleanup(func() { Root, procSelfCgroup, hostMemory = oldRoot, oldSelf, oldMem })
	if err := os.MkdirAll(Root, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDetectV1Hybrid(t *testing.T) {
	dir := fakeTree(t)
	write(t, filepath.Join(Root, "memory", "memory.limit_in_bytes"), "1\n")
	write(t, filepath.Join(dir, "self-cgroup"), "9:memory:/\n0::/\n")
	info := Detect()
	if info.V2 || info.Delegated || !strings.Contains(info.Reason, "cgroup v1 or hybrid") {
		t.Errorf("hybrid host: %+v", info)
	}
}

func TestDetectV2(t *testing.T) {
	for _, tc := range []struct {
		name        string
		controllers string
		delegated   bool
		reason      string
	}{
		{"delegated", "cpuset cpu io memory pids", true, ""},
		{"missing", "memory pids", false, "controllers cpu are not delegated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := fakeTree(t)
			write(t, filepath.Join(Root, "cgroup.controllers"), "cpuset cpu io memory pids\n")
			own := filepath.Join(Root, "user.slice", "user-1000.slice", "user@1000.service", "app.slice")
			write(t, filepath.Join(own, "cgroup.controllers"), tc.controllers+"\n")
			write(t, filepath.Join(own, "cgroup.procs"), "")
			write(t, filepath.Join(own, "cgroup.subtree_control"), "")
			write(t, filepath.Join(dir, "self-cgroup"), "0::/user.slice/user-1000.slice/user@1000.service/app.slice\n")
			info := Detect()
			if !info.V2 || info.Delegated != tc.delegated || info.Path != "/user.slice/user-1000.slice/user@1000.service/app.slice" {
				t.Errorf("info = %+v", info)
			}
			if tc.reason != "" && !strings.Contains(info.Reason, tc.reason) {
				t.Errorf("reason = %q, want %q", info.Reason, tc.reason)
			}
		})
	}
}

func TestInfoWarning(t *testing.T) {
	if w := InfoWarning(Info{}, true); !strings.Contains(w, "boot the system in cgroup v2 mode") {
		t.Errorf("v1 rootless: %q", w)
	}
	if w := InfoWarning(Info{V2: true}, true); !strings.Contains(w, "Systemd is required") {
		t.Errorf("v2 rootless: %q", w)
	}
	if w := InfoWarning(Info{V2: true, Delegated: true}, true); w != "" {
		t.Errorf("delegated: %q", w)
	}
}

func TestSharesToWeight(t *testing.T) {
	for shares, want := range map[uint64]uint64{0: 0, 2: 1, 1024: 39, 262144: 10000, 1: 1, 500000: 10000} {
		if got := SharesToWeight(shares); got != want {
			t.Errorf("SharesToWeight(%d) = %d, want %d", shares, got, want)
		}
	}
}

func TestNanoCPUs(t *testing.T) {
	q, p := NanoCPUsToQuota(1_500_000_000)
	if q != 150000 || p != 100000 {
		t.Errorf("1.5 CPUs -> %d/%d", q, p)
	}
}

func TestSwapMax(t *testing.T) {
	for _, tc := range []struct {
		mem, swap int64
		want      string
		ok        bool
		err       bool
	}{
		{mem: 100, swap: 0},
		{mem: 100, swap: -1, want: "max", ok: true},
		{mem: 100, swap: 300, want: "200", ok: true},
		{mem: 100, swap: 50, err: true},
		{mem: 0, swap: 50, err: true},
	} {
		v, ok, err := swapMax(tc.mem, tc.swap)
		if v != tc.want || ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("swapMax(%d, %d) = %q %v %v", tc.mem, tc.swap, v, ok, err)
		}
		if err != nil && !errdefs.IsInvalidArgument(err) {
			t.Errorf("swapMax error kind: %v", err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestCreateWritesLimits(t *testing.T) {
	dir := fakeTree(t)
	base := filepath.Join(Root, "svc")
	write(t, filepath.Join(base, "cgroup.procs"), "42\n")
	write(t, filepath.Join(dir, "self-cgroup"), "0::/svc\n")
	info := Info{V2: true, Delegated: true, Path: "/svc", Controllers: []string{"cpu", "memory", "pids"}}
	quota, period := NanoCPUsToQuota(500_000_000)
	res := &specs.LinuxResources{
		Memory: &specs.LinuxMemory{Limit: ptr(int64(64 << 20)), Swap: ptr(int64(128 << 20))},
		CPU:    &specs.LinuxCPU{Shares: ptr(uint64(512)), Quota: &quota, Period: &period, Cpus: "0"},
		Pids:   &specs.LinuxPids{Limit: ptr(int64(0))},
	}
	path, err := Create(info, "abc123", res)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(base, "skiff", "abc123") {
		t.Errorf("path = %s", path)
	}
	for file, want := range map[string]string{
		"memory.max":      "67108864",
		"memory.swap.max": "67108864",
		"cpu.max":         "50000 100000",
		"cpu.weight":      "20",
		"pids.max":        "max",
	} {
		if got := read(t, filepath.Join(path, file)); got != want {
			t.Errorf("%s = %q, want %q", file, got, want)
		}
	}
	// cpuset is not delegated here: nothing written for it
	if _, err := os.Stat(filepath.Join(path, "cpuset.cpus")); err == nil {
		t.Error("cpuset.cpus written without the cpuset controller")
	}
	if got := read(t, filepath.Join(base, "engine", "cgroup.procs")); got != "42" {
		t.Errorf("engine not moved to its leaf: %q", got)
	}
	for _, d := range []string{base, filepath.Join(base, "skiff")} {
		if got := read(t, filepath.Join(d, "cgroup.subtree_control")); got != "+cpu +memory +pids" {
			t.Errorf("%s subtree_control = %q", d, got)
		}
	}
	if err := AddProcess(path, 7); err != nil || read(t, filepath.Join(path, "cgroup.procs")) != "7" {
		t.Errorf("AddProcess: %v", err)
	}
	if err := Freeze(path, true); err != nil || read(t, filepath.Join(path, "cgroup.freeze")) != "1" {
		t.Errorf("Freeze: %v", err)
	}
	// Remove works on an empty directory; the fake files make it non-empty
	empty := filepath.Join(base, "skiff", "gone")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Remove(empty); err != nil {
		t.Errorf("Remove: %v", err)
	}
	if err := Remove(empty); err != nil {
		t.Errorf("Remove of a missing cgroup: %v", err)
	}
}

func TestCreateRefused(t *testing.T) {
	fakeTree(t)
	if _, err := Create(Info{Reason: "v1"}, "x", nil); !errdefs.IsNotImplemented(err) {
		t.Errorf("not delegated: %v", err)
	}
	if _, err := Create(Info{Delegated: true}, "../x", nil); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad id: %v", err)
	}
	info := Info{Delegated: true, Controllers: []string{"memory"}}
	res := &specs.LinuxResources{Memory: &specs.LinuxMemory{Swap: ptr(int64(10))}}
	if _, err := Create(info, "y", res); !errdefs.IsInvalidArgument(err) {
		t.Errorf("swap without memory: %v", err)
	}
}

func TestStats(t *testing.T) {
	fakeTree(t)
	cg := filepath.Join(Root, "c")
	hostMemory = func() uint64 { return 2048 * 1024 }
	write(t, filepath.Join(cg, "memory.current"), "1000\n")
	write(t, filepath.Join(cg, "memory.max"), "max\n")
	write(t, filepath.Join(cg, "memory.stat"), "anon 10\nfile 20\ninactive_file 5\n")
	write(t, filepath.Join(cg, "memory.events"), "low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\n")
	write(t, filepath.Join(cg, "cpu.stat"), "usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods 5\nnr_throttled 1\nthrottled_usec 7\n")
	write(t, filepath.Join(cg, "pids.current"), "3\n")
	write(t, filepath.Join(cg, "pids.max"), "max\n")
	write(t, filepath.Join(cg, "io.stat"), "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n259:1 rbytes=1 wbytes=2\n")
	s, err := Stats(cg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Memory.Usage != 1000 || s.Memory.Limit != 2048*1024 || s.Memory.Stats["inactive_file"] != 5 || s.Memory.Failcnt != 2 {
		t.Errorf("memory = %+v", s.Memory)
	}
	if s.CPU.CPUUsage.TotalUsage != 100000 || s.CPU.CPUUsage.UsageInUsermode != 60000 || s.CPU.CPUUsage.UsageInKernelmode != 40000 ||
		s.CPU.ThrottlingData.ThrottledTime != 7000 || s.CPU.ThrottlingData.Periods != 5 {
		t.Errorf("cpu = %+v", s.CPU)
	}
	if s.Pids.Current != 3 || s.Pids.Limit != 0 {
		t.Errorf("pids = %+v", s.Pids)
	}
	b := s.Blkio.IoServiceBytesRecursive
	if len(b) != 4 || b[0].Op != "read" || b[0].Value != 4096 || b[1].Op != "write" || b[1].Value != 8192 || b[2].Major != 259 || b[2].Minor != 1 {
		t.Errorf("blkio = %+v", b)
	}

	write(t, filepath.Join(cg, "memory.max"), "1024\n")
	write(t, filepath.Join(cg, "pids.max"), "50\n")
	s, _ = Stats(cg)
	if s.Memory.Limit != 1024 || s.Pids.Limit != 50 {
		t.Errorf("limited: memory %d pids %d", s.Memory.Limit, s.Pids.Limit)
	}
	if _, err := Stats(filepath.Join(Root, "missing")); err == nil {
		t.Error("stats of a missing cgroup succeeded")
	}
}

func TestReadUintMax(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "f"), "max\n")
	if v, ok := readUint(dir, "f"); !ok || v != math.MaxUint64 {
		t.Errorf("readUint(max) = %d %v", v, ok)
	}
	if _, ok := readUint(dir, "nope"); ok {
		t.Error("missing file read")
	}
}

// Detect on this machine agrees with what the hierarchy looks like.
func TestDetectHost(t *testing.T) {
	_, err := os.Stat("/sys/fs/cgroup/cgroup.controllers")
	info := Detect()
	if info.V2 != (err == nil) {
		t.Errorf("V2 = %v but cgroup.controllers stat: %v", info.V2, err)
	}
	if !info.Delegated && info.Reason == "" {
		t.Error("not delegated and no reason")
	}
	t.Logf("%+v", info)
}
