package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moby/sys/mountinfo"
)

// liveDaemons counts daemons of this test process not yet torn down: a
// process of the test user is a leftover only when none other may own it.
var (
	liveMu      sync.Mutex
	liveDaemons int
)

func daemonStarted() { liveMu.Lock(); liveDaemons++; liveMu.Unlock() }
func daemonDone()    { liveMu.Lock(); liveDaemons--; liveMu.Unlock() }
func othersLive() bool {
	liveMu.Lock()
	defer liveMu.Unlock()
	return liveDaemons > 1
}

type procInfo struct {
	pid, pgid, uid int
	cmdline        string
}

func (p procInfo) String() string {
	return fmt.Sprintf("pid %d (pgid %d, uid %d): %s", p.pid, p.pgid, p.uid, p.cmdline)
}

// leftovers lists live processes in one of pgids, carrying marker in their
// environment, or (when byUser is set) owned by the user or its subordinate
// uids. Zombies don't count.
func leftovers(pgids []int, marker string, u *User, byUser bool) []procInfo {
	self := os.Getpid()
	ents, _ := os.ReadDir("/proc")
	var out []procInfo
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil || pid == self {
			continue
		}
		p, state, ok := readProc(pid)
		if !ok || state == "Z" || state == "X" {
			continue
		}
		match := false
		for _, g := range pgids {
			if g > 0 && p.pgid == g {
				match = true
			}
		}
		if !match && byUser && u != nil && u.Switch && (p.uid == u.UID || u.SubUID.Contains(p.uid)) {
			match = true
		}
		if !match && marker != "" {
			if env, err := os.ReadFile(filepath.Join("/proc", ent.Name(), "environ")); err == nil {
				for _, kv := range bytes.Split(env, []byte{0}) {
					if string(kv) == marker {
						match = true
						break
					}
				}
			}
		}
		if match {
			out = append(out, p)
		}
	}
	return out
}

func readProc(pid int) (procInfo, string, bool) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return procInfo{}, "", false
	}
	// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return procInfo{}, "", false
	}
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 3 {
		return procInfo{}, "", false
	}
	p := procInfo{pid: pid, uid: -1}
	p.pgid, _ = strconv.Atoi(fields[2])
	if f, err := os.Open(filepath.Join(dir, "status")); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Uid:"); ok {
				if fs := strings.Fields(rest); len(fs) > 0 {
					p.uid, _ = strconv.Atoi(fs[0])
				}
				break
			}
		}
		f.Close()
	}
	cmd, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
	p.cmdline = strings.TrimSpace(strings.ReplaceAll(string(cmd), "\x00", " "))
	return p, fields[0], true
}

// waitNoLeftovers polls until no leftover is running or timeout passes, then
// SIGKILLs whatever is left and returns it.
func waitNoLeftovers(timeout time.Duration, pgids []int, marker string, u *User, byUser bool) []procInfo {
	deadline := time.Now().Add(timeout)
	for {
		left := leftovers(pgids, marker, u, byUser)
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			for _, p := range left {
				_ = syscall.Kill(p.pid, syscall.SIGKILL)
			}
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mountsUnder lists mount points at or below dir in this process's mount
// namespace, outermost first.
func mountsUnder(dir string) []string {
	mounts, err := mountinfo.GetMounts(mountinfo.PrefixFilter(dir))
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range mounts {
		out = append(out, m.Mountpoint)
	}
	return out
}
