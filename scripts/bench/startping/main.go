// Command startping measures how long a daemon takes from being started to
// answering GET /_ping on its unix socket, and its idle memory, over
// repeated runs. scripts/bench-daemon.sh runs it for skiff, rootless dockerd
// and podman side by side. It is a benchmark driver, not a test.
//
//	startping -name skiff -sock $XDG_RUNTIME_DIR/skiff/skiff.sock -n 20 -- skiff daemon
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	name := flag.String("name", "daemon", "label for the results")
	sock := flag.String("sock", "", "unix socket the daemon answers /_ping on")
	runs := flag.Int("n", 10, "number of start/stop cycles")
	idle := flag.Duration("idle", 2*time.Second, "how long to let the daemon idle before reading its memory (last run)")
	flag.Parse()
	if *sock == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: startping -sock PATH [-n N] [-name NAME] -- command args...")
		os.Exit(2)
	}
	var samples []time.Duration
	var pss int64
	for i := 0; i < *runs; i++ {
		d, mem, err := cycle(*sock, flag.Args(), i == *runs-1, *idle)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: run %d: %v\n", *name, i+1, err)
			os.Exit(1)
		}
		samples = append(samples, d)
		if mem > 0 {
			pss = mem
		}
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	var sum time.Duration
	for _, s := range samples {
		sum += s
	}
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) }
	fmt.Printf("%-10s start→/_ping  min %6s ms  median %6s ms  mean %6s ms  max %6s ms  (n=%d)   idle PSS %5.1f MiB (process tree)\n",
		*name, ms(samples[0]), ms(samples[len(samples)/2]), ms(sum/time.Duration(len(samples))), ms(samples[len(samples)-1]), len(samples), float64(pss)/1024)
}

// cycle starts the daemon, waits for /_ping, optionally measures memory,
// then stops it (SIGTERM to its process group) and waits for it to go.
func cycle(sock string, argv []string, measure bool, idle time.Duration) (time.Duration, int64, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logf, _ := os.CreateTemp("", "startping-*.log")
	defer os.Remove(logf.Name())
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
		DisableKeepAlives: true,
	}, Timeout: time.Second}
	var took time.Duration
	for {
		if resp, err := hc.Get("http://d/_ping"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				took = time.Since(start)
				break
			}
		}
		select {
		case err := <-done:
			b, _ := os.ReadFile(logf.Name())
			return 0, 0, fmt.Errorf("daemon exited before answering (%v):\n%s", err, b)
		default:
		}
		if time.Since(start) > 60*time.Second {
			stop(cmd, done)
			return 0, 0, errors.New("no answer within 60s")
		}
		time.Sleep(500 * time.Microsecond)
	}
	var mem int64
	if measure {
		time.Sleep(idle)
		mem = treePSS(cmd.Process.Pid)
	}
	stop(cmd, done)
	return took, mem, nil
}

func stop(cmd *exec.Cmd, done <-chan error) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	// Let the socket file and namespaces go before the next start.
	time.Sleep(200 * time.Millisecond)
}

// treePSS sums Pss (kB) over the process and all its descendants: shared
// pages (the same binary mapped by several processes) are counted once.
func treePSS(root int) int64 {
	children := map[int][]int{}
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
	}
	var total int64
	stack := []int{root}
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		total += pss(pid)
		stack = append(stack, children[pid]...)
	}
	return total
}

func pss(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Pss:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return kb
		}
	}
	return 0
}
