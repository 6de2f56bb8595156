package procinfo

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
)

// psTitles are ps -ef's columns.
var psTitles = []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}

// topFromProc builds `ps -ef` rows for pids from /proc, for a host
// without ps. Processes that exit meanwhile are left out.
func topFromProc(pids []int) (container.TopResponse, error) {
	boot, err := bootTime()
	if err != nil {
		return container.TopResponse{}, err
	}
	uptime, err := uptimeSeconds()
	if err != nil {
		return container.TopResponse{}, err
	}
	users := userNames()
	now := time.Now()
	resp := container.TopResponse{Titles: psTitles, Processes: [][]string{}}
	for _, pid := range pids {
		st, err := readStat(pid)
		if err != nil {
			continue
		}
		uid, err := processUID(pid)
		if err != nil {
			continue
		}
		user, ok := users[uid]
		if !ok {
			user = strconv.Itoa(uid)
		}
		cpu := st.utime + st.stime
		elapsed := uptime - float64(st.startTime)/clockTicks
		c := 0
		if elapsed > 0 {
			c = int(float64(cpu) / clockTicks * 100 / elapsed)
		}
		start := boot.Add(time.Duration(st.startTime) * time.Second / clockTicks)
		resp.Processes = append(resp.Processes, []string{
			psUser(user),
			strconv.Itoa(pid),
			strconv.Itoa(st.ppid),
			strconv.Itoa(c),
			psStartTime(start, now),
			ttyName(st.ttyNr),
			psCPUTime(cpu / clockTicks),
			commandLine(pid, st.comm),
		})
	}
	return resp, nil
}

// psUser shortens a user name as procps does: 8 columns, "+" when cut.
func psUser(name string) string {
	if len(name) > 8 {
		return name[:7] + "+"
	}
	return name
}

// psStartTime is STIME: the time today, month and day this year, else
// the year.
func psStartTime(t, now time.Time) string {
	t = t.Local()
	now = now.Local()
	switch {
	case t.YearDay() == now.YearDay() && t.Year() == now.Year():
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Jan02")
	default:
		return t.Format("2006")
	}
}

// psCPUTime is TIME: [DD-]HH:MM:SS of CPU.
func psCPUTime(secs uint64) string {
	d, h, m, s := secs/86400, secs/3600%24, secs/60%60, secs%60
	if d > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", d, h, m, s)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

// ttyName names a controlling terminal from stat's tty_nr, "?" for none.
func ttyName(nr int) string {
	major, minor := (nr>>8)&0xfff, (nr&0xff)|((nr>>12)&0xfff00)
	switch {
	case nr == 0:
		return "?"
	case major >= 136 && major <= 143:
		return "pts/" + strconv.Itoa((major-136)*256+minor)
	case major == 4 && minor < 64:
		return "tty" + strconv.Itoa(minor)
	case major == 4:
		return "ttyS" + strconv.Itoa(minor-64)
	default:
		return "?"
	}
}

// commandLine is CMD: the arguments, or "[comm]" for a process without
// any (a kernel thread, a zombie).
func commandLine(pid int, comm string) string {
	b, err := os.ReadFile(procPath(pid, "cmdline"))
	b = bytes.TrimRight(b, "\x00")
	if err != nil || len(b) == 0 {
		return "[" + comm + "]"
	}
	return string(bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
}

// processUID is the effective uid of pid (the second field of status's
// "Uid:"), which ps -ef's UID column shows.
func processUID(pid int) (int, error) {
	f, err := os.Open(procPath(pid, "status"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Uid:"); ok {
			f := strings.Fields(rest)
			if len(f) < 2 {
				break
			}
			return strconv.Atoi(f[1])
		}
	}
	return 0, fmt.Errorf("no Uid in %s", procPath(pid, "status"))
}

// userNames maps uids to names from the engine's /etc/passwd, as ps
// would show them.
func userNames() map[int]string {
	m := map[int]string{}
	b, err := os.ReadFile(passwdFile)
	if err != nil {
		return m
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Split(strings.TrimSpace(line), ":")
		if len(f) < 3 {
			continue
		}
		if uid, err := strconv.Atoi(f[2]); err == nil {
			if _, dup := m[uid]; !dup {
				m[uid] = f[0]
			}
		}
	}
	return m
}

// passwdFile is where user names come from; tests replace it.
var passwdFile = "/etc/passwd"

// bootTime is when the host booted (/proc/stat btime).
func bootTime() (time.Time, error) {
	f, err := os.Open(procRoot + "/stat")
	if err != nil {
		return time.Time{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "btime "); ok {
			s, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			if err != nil {
				return time.Time{}, err
			}
			return time.Unix(s, 0), nil
		}
	}
	return time.Time{}, fmt.Errorf("no btime in %s/stat", procRoot)
}

func uptimeSeconds() (float64, error) {
	b, err := os.ReadFile(procRoot + "/uptime")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, fmt.Errorf("empty %s/uptime", procRoot)
	}
	return strconv.ParseFloat(f[0], 64)
}
