package procinfo

import (
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

func TestContainerPIDsFake(t *testing.T) {
	fakeProc(t)
	for init, want := range map[int][]int{10: {10, 11}, 11: {11, 10}, 12: {12}} {
		got, err := ContainerPIDs(init)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ContainerPIDs(%d) = %v, %v; want %v", init, got, err, want)
		}
	}
	if _, err := ContainerPIDs(99); err == nil {
		t.Error("no error for a missing process")
	}
}

// TestContainerPIDsReal starts a process in a new PID namespace and checks
// that it is alone in it, and not among this process's namespace.
func TestContainerPIDsReal(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a PID namespace")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Fatal("unshare not found: apt-get install util-linux")
	}
	cmd := exec.Command("unshare", "--pid", "--fork", "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var child int
	for deadline := time.Now().Add(5 * time.Second); child == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/" + strconv.Itoa(cmd.Process.Pid) + "/children")
		if f := strings.Fields(string(b)); len(f) > 0 {
			child, _ = strconv.Atoi(f[0])
		}
	}
	if child == 0 {
		t.Fatal("no child of unshare")
	}
	got, err := ContainerPIDs(child)
	if err != nil || !reflect.DeepEqual(got, []int{child}) {
		t.Errorf("ContainerPIDs(%d) = %v, %v", child, got, err)
	}
	mine, err := ContainerPIDs(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if mine[0] != os.Getpid() || !slices.Contains(mine, cmd.Process.Pid) || slices.Contains(mine, child) {
		t.Errorf("own namespace: first %d, unshare in: %v, child in: %v", mine[0], slices.Contains(mine, cmd.Process.Pid), slices.Contains(mine, child))
	}
}

func TestParseStat(t *testing.T) {
	st, err := parseStat([]byte("42 (a) (b c)) R 7 42 42 34817 42 0 0 0 0 0 11 22 33 44 20 0 5 0 777 0 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := procStat{comm: "a) (b c)", state: 'R', ppid: 7, ttyNr: 34817, utime: 11, stime: 22, cutime: 33, cstime: 44, threads: 5, startTime: 777}
	if *st != want {
		t.Errorf("got %+v, want %+v", *st, want)
	}
	for _, bad := range []string{"", "42 comm R 1", "42 (x) R 1 2 3", "42 (x) R a 42 42 0 42 0 0 0 0 0 11 22 33 44 20 0 5 0 777"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) did not fail", bad)
		}
	}
}

func TestSampleFake(t *testing.T) {
	fakeProc(t)
	s, err := Sample(10, []int{10, 11})
	if err != nil {
		t.Fatal(err)
	}
	const tick = 10_000_000
	cpu := s.CPUStats
	if cpu.CPUUsage.UsageInUsermode != (100+10+20)*tick || cpu.CPUUsage.UsageInKernelmode != (50+5+10)*tick || cpu.CPUUsage.TotalUsage != 195*tick {
		t.Errorf("cpu usage %+v", cpu.CPUUsage)
	}
	if cpu.SystemUsage != (100+5+50+1000+10+1+2)*tick || cpu.OnlineCPUs != 2 {
		t.Errorf("system %d, online %d", cpu.SystemUsage, cpu.OnlineCPUs)
	}
	// 10 has Pss 800 kB; 11 has no smaps_rollup: RSS 200 pages.
	if want := uint64(800*1024 + 200*os.Getpagesize()); s.MemoryStats.Usage != want {
		t.Errorf("memory %d, want %d", s.MemoryStats.Usage, want)
	}
	if s.MemoryStats.Limit != 2048000*1024 {
		t.Errorf("limit %d", s.MemoryStats.Limit)
	}
	if s.PidsStats.Current != 4 {
		t.Errorf("pids %d, want 4 tasks", s.PidsStats.Current)
	}
	wantNet := map[string]container.NetworkStats{"eth0": {RxBytes: 1500, RxPackets: 10, RxErrors: 1, RxDropped: 2, TxBytes: 700, TxPackets: 7, TxErrors: 3, TxDropped: 4}}
	if !reflect.DeepEqual(s.Networks, wantNet) {
		t.Errorf("networks %+v", s.Networks)
	}
	wantIO := []container.BlkioStatEntry{{Op: "read", Value: 4100}, {Op: "write", Value: 8200}}
	if !reflect.DeepEqual(s.BlkioStats.IoServiceBytesRecursive, wantIO) {
		t.Errorf("blkio %+v", s.BlkioStats.IoServiceBytesRecursive)
	}
	if time.Since(s.Read) > time.Minute {
		t.Errorf("read %v", s.Read)
	}
	// A vanished process is skipped; a vanished init is an error.
	if _, err := Sample(10, []int{10, 77}); err != nil {
		t.Errorf("vanished process: %v", err)
	}
	if _, err := Sample(77, []int{77}); !os.IsNotExist(err) {
		t.Errorf("vanished init: %v", err)
	}
}

func TestSampleReal(t *testing.T) {
	// Burn a little CPU so that usage is not 0.
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
	}
	pid := os.Getpid()
	s, err := Sample(pid, []int{pid})
	if err != nil {
		t.Fatal(err)
	}
	if s.CPUStats.CPUUsage.TotalUsage == 0 || s.CPUStats.SystemUsage == 0 || s.CPUStats.OnlineCPUs == 0 {
		t.Errorf("cpu %+v", s.CPUStats)
	}
	if s.MemoryStats.Usage == 0 || s.MemoryStats.Limit < s.MemoryStats.Usage {
		t.Errorf("memory %+v", s.MemoryStats)
	}
	if s.PidsStats.Current < 2 { // a Go program has several threads
		t.Errorf("pids %d", s.PidsStats.Current)
	}
	if s.Networks == nil {
		t.Error("no networks map")
	}
}

func TestTopFakeFallback(t *testing.T) {
	fakeProc(t)
	old := psCommand
	psCommand = "skiff-test-no-such-ps"
	t.Cleanup(func() { psCommand = old })
	resp, err := Top([]int{10, 11, 99}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resp.Titles, psTitles) || len(resp.Processes) != 2 {
		t.Fatalf("got %+v", resp)
	}
	// boot 1700000000 + 50 s; uptime 1000 s; 150 ticks of CPU in 950 s.
	p := resp.Processes[0]
	if p[0] != "root" || p[1] != "10" || p[2] != "1" || p[3] != "0" || p[5] != "pts/0" || p[6] != "00:00:01" || p[7] != "/bin/sh -c sleep 1" {
		t.Errorf("row %q", p)
	}
	if want := psStartTime(time.Unix(1700000050, 0), time.Now()); p[4] != want {
		t.Errorf("STIME %q, want %q", p[4], want)
	}
	if q := resp.Processes[1]; q[0] != "longuse+" || q[7] != "[sleep]" {
		t.Errorf("row %q", q)
	}
	if _, err := Top([]int{10}, "aux"); !errdefs.IsUnavailable(err) || !strings.Contains(err.Error(), "procps") {
		t.Errorf("other args without ps: %v", err)
	}
}

// TestTopFallbackMatchesPS checks the /proc rows against real ps -ef.
func TestTopFallbackMatchesPS(t *testing.T) {
	if _, err := exec.LookPath("ps"); err != nil {
		t.Fatal("ps not found: apt-get install procps")
	}
	pid := os.Getpid()
	real, err := Top([]int{pid}, "")
	if err != nil {
		t.Fatal(err)
	}
	fallback, err := topFromProc([]int{pid})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(real.Titles, fallback.Titles) || len(real.Processes) != 1 || len(fallback.Processes) != 1 {
		t.Fatalf("ps %+v, /proc %+v", real, fallback)
	}
	r, f := real.Processes[0], fallback.Processes[0]
	for _, col := range []int{0, 1, 2, 4, 5, 7} { // C and TIME may move on
		if r[col] != f[col] {
			t.Errorf("%s: ps %q, /proc %q", real.Titles[col], r[col], f[col])
		}
	}
}

func TestTopPS(t *testing.T) {
	if _, err := exec.LookPath("ps"); err != nil {
		t.Fatal("ps not found: apt-get install procps")
	}
	pid := os.Getpid()
	resp, err := Top([]int{pid}, "-o pid,comm")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resp.Titles, []string{"PID", "COMMAND"}) || len(resp.Processes) != 1 || resp.Processes[0][0] != strconv.Itoa(pid) {
		t.Errorf("got %+v", resp)
	}
	if _, err := Top([]int{pid}, "-o comm"); err == nil || err.Error() != "Couldn't find PID field in ps output" {
		t.Errorf("no PID column: %v", err)
	}
	if _, err := Top([]int{pid}, "--no-such-option"); err == nil {
		t.Error("bad ps option accepted")
	}
	if _, err := Top([]int{pid}, "-o user=PID"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("renamed PID column: %v", err)
	}
}

func TestParsePSOutput(t *testing.T) {
	out := "  UID   PID  PPID CMD\n" +
		"root     1     0 /sbin/init splash\n" +
		"root     -     - thread of 1\n" +
		"root     5     1 sh -c  x\n" +
		"root     -     - thread of 5\n" +
		"\n"
	resp, err := parsePSOutput([]byte(out), []int{1})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"root", "1", "0", "/sbin/init splash"}, {"root", "-", "-", "thread of 1"}}
	if !reflect.DeepEqual(resp.Processes, want) {
		t.Errorf("got %q", resp.Processes)
	}
	if _, err := parsePSOutput([]byte("UID PID\nroot x\n"), nil); err == nil {
		t.Error("non-numeric pid accepted")
	}
	if _, err := parsePSOutput([]byte("A B C\nroot\n"), nil); err == nil {
		t.Error("no PID column accepted")
	}
}

func TestValidatePSArgs(t *testing.T) {
	for args, ok := range map[string]bool{
		"-ef": true, "aux": true, "-o pid=PID": true, "-o pid,user=PID": false, "-o user=PID": false, "-o  x=PIDX": false,
	} {
		if err := validatePSArgs(args); (err == nil) != ok {
			t.Errorf("validatePSArgs(%q) = %v", args, err)
		}
	}
}

func TestFormatting(t *testing.T) {
	for nr, want := range map[int]string{0: "?", 136<<8 | 3: "pts/3", 137<<8 | 1: "pts/257", 4<<8 | 1: "tty1", 4<<8 | 65: "ttyS1", 8 << 8: "?"} {
		if got := ttyName(nr); got != want {
			t.Errorf("ttyName(%#x) = %q, want %q", nr, got, want)
		}
	}
	for secs, want := range map[uint64]string{0: "00:00:00", 3661: "01:01:01", 90061: "1-01:01:01"} {
		if got := psCPUTime(secs); got != want {
			t.Errorf("psCPUTime(%d) = %q, want %q", secs, got, want)
		}
	}
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.Local)
	for start, want := range map[time.Time]string{
		now.Add(-time.Hour):                              "11:00",
		time.Date(2026, 3, 2, 1, 0, 0, 0, time.Local):    "Mar02",
		time.Date(2025, 12, 31, 23, 0, 0, 0, time.Local): "2025",
	} {
		if got := psStartTime(start, now); got != want {
			t.Errorf("psStartTime(%v) = %q, want %q", start, got, want)
		}
	}
}

func BenchmarkSample(b *testing.B) {
	pid := os.Getpid()
	b.Run("one process", func(b *testing.B) {
		for b.Loop() {
			if _, err := Sample(pid, []int{pid}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Every process of the host's PID namespace: a busy container's worst.
	pids, err := ContainerPIDs(pid)
	if err != nil {
		b.Fatal(err)
	}
	b.Run(strconv.Itoa(len(pids))+" processes", func(b *testing.B) {
		for b.Loop() {
			if _, err := Sample(pid, pids); err != nil {
				b.Fatal(err)
			}
		}
	})
}
