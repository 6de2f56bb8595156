package check

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseSubIDs(t *testing.T) {
	const file = `# comment
alice:100000:65536
1001:300000:1000

bob:165536:65536
broken line
alice:bad:10
alice:200000:0
alice:500000:1000
`
	tests := []struct {
		name string
		uid  int
		user string
		want []IDRange
	}{
		{"by name", 1000, "alice", []IDRange{{100000, 65536}, {500000, 1000}}},
		{"by uid", 1001, "carol", []IDRange{{300000, 1000}}},
		{"absent", 1002, "dave", nil},
		{"no name", 1000, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSubIDs(strings.NewReader(file), tt.uid, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if n := nextFreeStart(file); n != 501000 {
		t.Errorf("nextFreeStart = %d", n)
	}
}

func TestCgroupModeFromMountinfo(t *testing.T) {
	const (
		unified = "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
		tmpfs   = "25 24 0:22 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
		v2sub   = "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
		v1cpu   = "28 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:12 - cgroup cgroup rw,cpu,cpuacct\n"
		other   = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	)
	tests := []struct {
		name, in string
		want     cgroupMode
	}{
		{"unified", other + unified, cgroupUnified},
		{"hybrid", other + tmpfs + v2sub + v1cpu, cgroupHybrid},
		{"legacy", other + tmpfs + v1cpu, cgroupLegacy},
		{"none", other, cgroupNone},
		{"garbage", "no separator here\n1 2\n - \n", cgroupNone},
	}
	for _, tt := range tests {
		if got := cgroupModeFromMountinfo([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestMissingControllers(t *testing.T) {
	if got := missingControllers("cpuset cpu io memory pids\n", "cpu", "memory", "pids"); got != nil {
		t.Errorf("got %v", got)
	}
	if got := missingControllers("memory pids", "cpu", "memory", "pids"); !reflect.DeepEqual(got, []string{"cpu"}) {
		t.Errorf("got %v", got)
	}
}

func TestParseFileCaps(t *testing.T) {
	tests := []struct {
		name    string
		hex     string
		wantErr bool
		setuid  bool
		setgid  bool
		eff     bool
		rootid  uint32
	}{
		// From `setcap cap_setuid,cap_setgid+ep` on this machine.
		{name: "rev2 setuid setgid +ep", hex: "01000002c0000000000000000000000000000000", setuid: true, setgid: true, eff: true},
		{name: "rev2 setuid +p", hex: "0000000280000000000000000000000000000000", setuid: true},
		{name: "rev1", hex: "000000014000000000000000", setgid: true},
		{name: "rev3 with rootid", hex: "010000038000000000000000000000000000000040420f00", setuid: true, eff: true, rootid: 1000000},
		{name: "short", hex: "0100", wantErr: true},
		{name: "truncated rev2", hex: "01000002c0000000", wantErr: true},
		{name: "bad revision", hex: "01000009c0000000000000000000000000000000", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tt.hex)
			c, err := parseFileCaps(b)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			if c.Has(capSetuid) != tt.setuid || c.Has(capSetgid) != tt.setgid || c.Effective != tt.eff || c.RootID != tt.rootid {
				t.Errorf("got %+v", c)
			}
		})
	}
}

func TestKernelVersion(t *testing.T) {
	tests := []struct {
		in       string
		maj, min int
		ok       bool
		ge511    bool
	}{
		{"6.8.0-31-generic", 6, 8, true, true},
		{"5.10.0-28-amd64", 5, 10, true, false},
		{"5.11", 5, 11, true, true},
		{"4.19.0", 4, 19, true, false},
		{"6.18.44-fc-v657", 6, 18, true, true},
		{"garbage", 0, 0, false, false},
	}
	for _, tt := range tests {
		maj, min, ok := kernelVersion(tt.in)
		if maj != tt.maj || min != tt.min || ok != tt.ok {
			t.Errorf("%s: got %d.%d %v", tt.in, maj, min, ok)
		}
		if ok && atLeast(maj, min, 5, 11) != tt.ge511 {
			t.Errorf("%s: atLeast 5.11 wrong", tt.in)
		}
	}
}

func TestParseRange(t *testing.T) {
	if lo, hi, err := parseRange("1\t0"); err != nil || lo != 1 || hi != 0 {
		t.Errorf("got %d %d %v", lo, hi, err)
	}
	if _, _, err := parseRange("1"); err == nil {
		t.Error("want error")
	}
}

func TestCanReadWrite(t *testing.T) {
	tests := []struct {
		name         string
		mode         fs.FileMode
		owner, group int
		uid          int
		gids         []int
		want         bool
	}{
		{"0666 anyone", 0o666, 0, 0, 1000, []int{1000}, true},
		{"0600 root only", 0o600, 0, 0, 1000, []int{1000}, false},
		{"0660 in group", 0o660, 0, 44, 1000, []int{1000, 44}, true},
		{"0660 not in group", 0o660, 0, 44, 1000, []int{1000}, false},
		{"owner", 0o600, 1000, 0, 1000, []int{1000}, true},
		{"root", 0o000, 5, 5, 0, nil, true},
	}
	for _, tt := range tests {
		if got := canReadWrite(tt.mode, tt.owner, tt.group, tt.uid, tt.gids); got != tt.want {
			t.Errorf("%s: got %v", tt.name, got)
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		statuses []Status
		want     int
	}{
		{nil, 0},
		{[]Status{StatusOK, StatusInfo, StatusSkip}, 0},
		{[]Status{StatusOK, StatusWarn}, 0},
		{[]Status{StatusWarn, StatusFail, StatusOK}, 1},
	}
	for _, tt := range tests {
		var rs []Result
		for _, s := range tt.statuses {
			rs = append(rs, Result{Status: s})
		}
		if got := ExitCode(rs); got != tt.want {
			t.Errorf("%v: got %d", tt.statuses, got)
		}
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	writeText(&b, Report{Checks: []Result{
		{Name: "user namespaces", Status: StatusOK, Detail: "enabled (max_user_namespaces=96365)", Fix: "never shown for ok"},
		{Name: "/dev/net/tun", Status: StatusWarn, Detail: "mode 0600", Fix: "sudo chmod 0666 /dev/net/tun"},
		{Name: "XDG_RUNTIME_DIR", Status: StatusFail, Detail: "not set", Fix: "log in"},
	}})
	want := `[ok]   user namespaces: enabled (max_user_namespaces=96365)
[warn] /dev/net/tun: mode 0600
       fix: sudo chmod 0666 /dev/net/tun
[fail] XDG_RUNTIME_DIR: not set
       fix: log in

1 failure, 1 warning: skiff cannot run rootless until the failures above are fixed.
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestRunArgs(t *testing.T) {
	for _, args := range [][]string{{"--format", "xml"}, {"extra"}, {"--nope"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"--help"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "Usage: skiff check") {
		t.Errorf("--help: exit %d, %q", code, errb.String())
	}
}

// TestRunJSON runs every check for real on this host: it must not panic,
// and --format json must be a Report whose exit code matches its statuses.
func TestRunJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"--format=json"}, &out, &errb)
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s %s", err, out.String(), errb.String())
	}
	if code != ExitCode(rep.Checks) || len(rep.Checks) < len(checks) {
		t.Errorf("exit %d for %+v", code, rep)
	}
	for _, r := range rep.Checks {
		if r.Name == "" || r.Detail == "" || r.Status == "" {
			t.Errorf("incomplete result %+v", r)
		}
		if (r.Status == StatusWarn || r.Status == StatusFail) && r.Fix == "" {
			t.Errorf("%s: a problem without a fix", r.Name)
		}
	}
}

// fakeTree builds a filesystem root for checks that only read files.
func fakeTree(t *testing.T, files map[string]string) *env {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, p)
		if strings.HasSuffix(p, "/") { // a directory
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &env{root: root, uid: 1000, gid: 1000, groups: []int{1000}, name: "alice", home: "/home/alice"}
}

func TestFileChecks(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		fn     func(*env) Result
		status Status
		substr string // in Detail or Fix
	}{
		{"subids ok", map[string]string{"/etc/subuid": "alice:100000:65536\n", "/etc/subgid": "alice:100000:65536\n"},
			checkSubIDs, StatusOK, "65536 subordinate uids"},
		{"subids missing suggests free range", map[string]string{"/etc/subuid": "bob:100000:65536\n", "/etc/subgid": ""},
			checkSubIDs, StatusWarn, "usermod --add-subuids 165536-231071 --add-subgids 165536-231071 alice"},
		{"subids no files", map[string]string{}, checkSubIDs, StatusWarn, "alice:100000:65536"},
		{"subids short", map[string]string{"/etc/subuid": "alice:100000:1000\n", "/etc/subgid": "alice:100000:65536\n"},
			checkSubIDs, StatusWarn, "/etc/subuid grants 1000"},
		{"ping ok", map[string]string{"/proc/sys/net/ipv4/ping_group_range": "0\t2147483647\n"}, checkPing, StatusOK, "includes gid 1000"},
		{"ping excluded", map[string]string{"/proc/sys/net/ipv4/ping_group_range": "1\t0\n"}, checkPing, StatusWarn, `ping_group_range="0 2147483647"`},
		{"ports 0", map[string]string{"/proc/sys/net/ipv4/ip_unprivileged_port_start": "0\n"}, checkPorts, StatusOK, "any port"},
		{"ports 1024", map[string]string{"/proc/sys/net/ipv4/ip_unprivileged_port_start": "1024\n"}, checkPorts, StatusInfo, "below 1024"},
		{"linger no systemd", map[string]string{}, checkLinger, StatusInfo, "not the init system"},
		{"linger off", map[string]string{"/run/systemd/system/": ""}, checkLinger, StatusWarn, "loginctl enable-linger alice"},
		{"linger on", map[string]string{"/run/systemd/system/": "", "/var/lib/systemd/linger/alice": ""}, checkLinger, StatusOK, "enabled"},
		{"cgroup hybrid", map[string]string{"/proc/self/mountinfo": "26 25 0:23 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n28 25 0:25 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"},
			checkCgroup, StatusWarn, "systemd.unified_cgroup_hierarchy=1"},
		{"cgroup no user manager", map[string]string{"/proc/self/mountinfo": "35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"},
			checkCgroup, StatusWarn, "no systemd user manager"},
		{"cgroup not delegated", map[string]string{
			"/proc/self/mountinfo": "35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
			"/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers": "memory pids\n"},
			checkCgroup, StatusWarn, "cpu not delegated"},
		{"userns disabled", map[string]string{"/proc/sys/user/max_user_namespaces": "0\n"}, checkUserns, StatusFail, "max_user_namespaces=0"},
		{"userns clone off", map[string]string{"/proc/sys/user/max_user_namespaces": "100\n", "/proc/sys/kernel/unprivileged_userns_clone": "0\n"},
			checkUserns, StatusFail, "unprivileged_userns_clone=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.fn(fakeTree(t, tt.files))
			if r.Status != tt.status || !strings.Contains(r.Detail+"\n"+r.Fix, tt.substr) {
				t.Errorf("got %+v, want %s containing %q", r, tt.status, tt.substr)
			}
		})
	}
}

// TestCgroupDelegated needs the file owned by the user: only root can
// arrange that.
func TestCgroupDelegated(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	dir := "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service"
	e := fakeTree(t, map[string]string{
		"/proc/self/mountinfo":          "35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
		dir + "/cgroup.controllers":     "cpuset cpu io memory pids\n",
		dir + "/cgroup.subtree_control": "",
	})
	if r := checkCgroup(e); r.Status != StatusWarn || !strings.Contains(r.Detail, "not writable") {
		t.Errorf("root-owned subtree_control: %+v", r)
	}
	if err := os.Chown(filepath.Join(e.root, dir, "cgroup.subtree_control"), 1000, 1000); err != nil {
		t.Fatal(err)
	}
	if r := checkCgroup(e); r.Status != StatusOK {
		t.Errorf("delegated: %+v", r)
	}
}

func TestDeviceCheck(t *testing.T) {
	e := fakeTree(t, map[string]string{"/dev/notchar": "x"})
	if r := checkDevice(e, "/dev/missing", "x", "tun", "why", true); r.Status != StatusWarn || r.Fix != "sudo modprobe tun" {
		t.Errorf("missing: %+v", r)
	}
	if r := checkDevice(e, "/dev/notchar", "x", "fuse", "why", false); r.Status != StatusInfo {
		t.Errorf("not a char device: %+v", r)
	}
	// /dev/null is a 0666 character device on every Linux host.
	e.root = "/"
	if r := checkDevice(e, "/dev/null", "x", "null", "why", true); r.Status != StatusOK {
		t.Errorf("/dev/null: %+v", r)
	}
}

// TestProbes runs the namespace probes for real; they need a kernel that
// allows them, so a failure is reported as a skip with the reason.
func TestProbes(t *testing.T) {
	if _, err := spawn(probeUserns, "", nil); err != nil {
		t.Skipf("user namespaces unavailable here: %v", err)
	}
	how, err := spawn(probeOverlay, t.TempDir(), nil)
	if err != nil {
		t.Skipf("overlay unavailable here: %v", err)
	}
	t.Logf("overlay options: %q", how)
	if _, err := spawn("bogus", "", nil); err == nil || !strings.Contains(err.Error(), "unknown probe") {
		t.Errorf("bogus probe: %v", err)
	}
}

// TestPrivilegedFileCaps reads a real security.capability xattr.
func TestPrivilegedFileCaps(t *testing.T) {
	setcap, err := exec.LookPath("setcap")
	if os.Geteuid() != 0 || err != nil {
		t.Skip("needs root and setcap")
	}
	bin := filepath.Join(t.TempDir(), "helper")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if ok, _ := privileged(bin, capSetuid); ok {
		t.Fatal("plain file reported privileged")
	}
	if out, err := exec.Command(setcap, "cap_setuid+ep", bin).CombinedOutput(); err != nil {
		t.Skipf("setcap: %v %s", err, out) // e.g. tmpfs without xattrs
	}
	if ok, how := privileged(bin, capSetuid); !ok || how != "file capabilities" {
		t.Errorf("cap_setuid: %v %s", ok, how)
	}
	if ok, _ := privileged(bin, capSetgid); ok {
		t.Error("cap_setgid reported without it")
	}
}
