package runtime

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestShimCost measures what a container costs in time (create, start,
// the whole run of `true`) and what its shim costs in memory (PSS). With
// SKIFF_BIN set to a built skiff binary the shim is that binary (init is
// still this test's fake), which is the number that matters.
func TestShimCost(t *testing.T) {
	rt, err := New(Options{RunDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if bin := os.Getenv("SKIFF_BIN"); bin != "" {
		rt.shimExe = bin
	}
	if _, err := rt.sealed(); err != nil { // made at engine start, not per run
		t.Fatal(err)
	}
	ctx := context.Background()
	spec := func(args ...string) *specs.Spec {
		return &specs.Spec{Process: &specs.Process{Args: args, Env: []string{"PATH=/usr/bin:/bin"}}, Linux: &specs.Linux{}}
	}

	// A short run, as `docker run --rm busybox true`.
	t0 := time.Now()
	task, err := rt.Create(ctx, Bundle{ID: "short", Spec: spec("true")})
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	if err := task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t2 := time.Now()
	if ex, err := task.Wait(ctx); err != nil || ex.Code != 0 {
		t.Fatalf("wait: %+v %v", ex, err)
	}
	if err := task.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	t3 := time.Now()
	t.Logf("create %v, start %v, create to start returned %v, whole run %v", t1.Sub(t0), t2.Sub(t1), t2.Sub(t0), t3.Sub(t0))
	if t2.Sub(t0) > time.Second {
		t.Errorf("create and start took %v", t2.Sub(t0))
	}

	// Running ones, for the shims' memory: PSS splits the pages of the
	// binary among the processes that map it.
	const n = 4
	var tasks []*Task
	for i := 0; i < n; i++ {
		task, err := rt.Create(ctx, Bundle{ID: "long" + strconv.Itoa(i), Spec: spec("sleep", "30"), LogPath: t.TempDir() + "/log"})
		if err != nil {
			t.Fatal(err)
		}
		defer task.Close()
		if err := task.Start(ctx); err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, task)
	}
	time.Sleep(200 * time.Millisecond)
	// They share a shim (a group): its PSS split among them is theirs.
	perShim := map[int]int{}
	for _, task := range tasks {
		perShim[parentOf(t, task.Pid())]++
	}
	for shimPid, k := range perShim {
		m := rollup(t, shimPid)
		t.Logf("shim pid %d with %d of %d running: Pss %d kB (anon %d, file %d, shmem %d), Rss %d kB; %d kB a container",
			shimPid, k, n, m["Pss"], m["Pss_Anon"], m["Pss_File"], m["Pss_Shmem"], m["Rss"], m["Pss"]/k)
		if m["Pss"] <= 0 || m["Pss"] > 32*1024 {
			t.Errorf("shim PSS %d kB", m["Pss"])
		}
	}
	if os.Getenv("SKIFF_SHIM_HOLD") != "" {
		t.Logf("holding; inspect the shims")
		time.Sleep(20 * time.Second)
	}
	for _, task := range tasks {
		if err := task.Kill(9, true); err != nil {
			t.Fatal(err)
		}
		if _, err := task.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if err := task.Delete(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func parentOf(t *testing.T, pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

func rollup(t *testing.T, pid int) map[string]int {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 3 && fs[2] == "kB" {
			m[strings.TrimSuffix(fs[0], ":")], _ = strconv.Atoi(fs[1])
		}
	}
	return m
}
