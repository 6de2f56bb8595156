package initproc

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// These tests run init for real, as root, in fresh namespaces; the test
// plays the shim's part of the sync protocol.

var applets = []string{"sh", "echo", "cat", "id", "mount", "hostname", "ls", "pwd", "tr", "wc", "stat", "grep", "sleep", "touch", "readlink", "head"}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Fatal("needs /bin/busybox: apt-get install busybox-static")
	}
}

// newBundle builds a busybox rootfs and returns the bundle directory.
func newBundle(t *testing.T) string {
	t.Helper()
	bundle := t.TempDir()
	// Reachable by a container root that is not host root.
	for _, d := range []string{filepath.Dir(bundle), bundle} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rootfs := filepath.Join(bundle, "rootfs")
	for _, d := range []string{"bin", "etc", "proc", "sys", "dev", "tmp", "home/u"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "bin/busybox"), bb, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range applets {
		if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	passwd := "root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000:u:/home/u:/bin/sh\n"
	if err := os.WriteFile(filepath.Join(rootfs, "etc/passwd"), []byte(passwd), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "etc/noexec"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(bundle, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "hello"), []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return bundle
}

var dockerCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"}

// dockerSpec is a spec shaped like the one Docker writes.
func dockerSpec(bundle string, args ...string) *specs.Spec {
	caps := &specs.LinuxCapabilities{Bounding: dockerCaps, Effective: dockerCaps, Permitted: dockerCaps}
	return &specs.Spec{
		Root:     &specs.Root{Path: "rootfs"},
		Hostname: "testhost",
		Process: &specs.Process{
			Args:         args,
			Env:          []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
			Cwd:          "/work/dir",
			Capabilities: caps,
			Rlimits:      []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 1000, Hard: 1000}},
		},
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
			{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"ro", "nosuid", "noexec", "nodev"}},
			{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
			{Destination: "/data", Type: "bind", Source: filepath.Join(bundle, "data"), Options: []string{"rbind", "ro", "nosuid"}},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.MountNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.IPCNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.CgroupNamespace}},
			Sysctl: map[string]string{"kernel.shmmni": "1234"},
			MaskedPaths: []string{"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
				"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"},
			ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
		},
	}
}

// sandbox is how the test starts init: the namespaces the shim would
// have made, plus a user namespace standing for the engine's.
type sandbox struct {
	userns   bool
	uidMap   []syscall.SysProcIDMap
	noNetNS  bool
	extraEnv []string
}

func (s sandbox) attr() *syscall.SysProcAttr {
	flags := uintptr(unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP)
	if !s.noNetNS {
		flags |= unix.CLONE_NEWNET
	}
	a := &syscall.SysProcAttr{Cloneflags: flags, Pdeathsig: syscall.SIGKILL}
	if s.userns {
		a.Cloneflags |= unix.CLONE_NEWUSER
		m := s.uidMap
		if m == nil {
			m = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}}
		}
		a.UidMappings, a.GidMappings = m, m
		a.GidMappingsEnableSetgroups = s.uidMap != nil // newgidmap allows setgroups
		// Become the namespace's root, as the engine is, whatever host
		// id that is.
		a.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true}
	}
	return a
}

type result struct {
	ready  bool
	errs   []syncMsg
	code   int
	stdout string
	stderr string
}

// started is an init that was told to start.
type started struct {
	cmd    *exec.Cmd
	stdout io.ReadCloser
	stderr bytes.Buffer
	res    result
	conn   int
}

// startInit writes the spec, runs init in the sandbox, and does the shim's
// side of the protocol up to and including start.
func startInit(t *testing.T, bundle string, spec *specs.Spec, sb sandbox) *started {
	t.Helper()
	if sb.noNetNS {
		ns := spec.Linux.Namespaces[:0]
		for _, n := range spec.Linux.Namespaces {
			if n.Type != specs.NetworkNamespace {
				ns = append(ns, n)
			}
		}
		spec.Linux.Namespaces = ns
	}
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	child := os.NewFile(uintptr(fds[1]), "sync")
	defer child.Close()
	// A copy any container root can execute (the test binary's directory
	// is private); the shim uses a sealed memfd for the same reason.
	exe := filepath.Join(bundle, "skiff-init")
	if _, err := os.Stat(exe); err != nil {
		self, err := os.ReadFile("/proc/self/exe")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(exe, self, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := &started{conn: fds[0]}
	t.Cleanup(func() { unix.Close(s.conn) })
	s.cmd = &exec.Cmd{
		Path:        exe,
		Args:        []string{"skiff-init"},
		Env:         append([]string{envRole + "=" + Role, envBundle + "=" + bundle}, sb.extraEnv...),
		Dir:         bundle,
		ExtraFiles:  []*os.File{child},
		Stderr:      &s.stderr,
		SysProcAttr: sb.attr(),
	}
	if s.stdout, err = s.cmd.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
	})
	m, err := recvMsg(s.conn)
	switch {
	case err == nil && m.Type == "ready":
		s.res.ready = true
		b, _ := json.Marshal(syncMsg{Type: "start"})
		if err := unix.Send(s.conn, b, 0); err != nil {
			t.Fatal(err)
		}
	case err == nil:
		s.res.errs = append(s.res.errs, m)
	}
	return s
}

// wait collects the rest of the protocol, the output and the exit code.
func (s *started) wait(t *testing.T) result {
	t.Helper()
	for {
		m, err := recvMsg(s.conn)
		if err != nil {
			break
		}
		s.res.errs = append(s.res.errs, m)
	}
	out, _ := io.ReadAll(s.stdout)
	s.res.stdout = string(out)
	err := s.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	s.res.code = s.cmd.ProcessState.ExitCode()
	s.res.stderr = s.stderr.String()
	return s.res
}

func runInit(t *testing.T, bundle string, spec *specs.Spec, sb sandbox) result {
	t.Helper()
	done := make(chan result, 1)
	s := startInit(t, bundle, spec, sb)
	go func() { done <- s.wait(t) }()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Fatal("init did not finish in 30s")
	}
	return result{}
}

func recvMsg(fd int) (syncMsg, error) {
	buf := make([]byte, 64*1024)
	n, err := unix.Read(fd, buf)
	if err != nil {
		return syncMsg{}, err
	}
	if n == 0 {
		return syncMsg{}, io.EOF
	}
	var m syncMsg
	err = json.Unmarshal(buf[:n], &m)
	return m, err
}

// values parses the key=value lines the container's script prints.
func values(out string) map[string]string {
	v := map[string]string{}
	s := bufio.NewScanner(strings.NewReader(out))
	for s.Scan() {
		if k, val, ok := strings.Cut(s.Text(), "="); ok {
			v[k] = val
		}
	}
	return v
}

// probe prints what the tests check about the container.
const probe = `
echo host=$(hostname)
echo cmdline=$(tr '\0' ' ' < /proc/1/cmdline)
if mount -t tmpfs none /tmp 2>/dev/null; then echo mount=allowed; else echo mount=denied; fi
echo keys=$(stat -c %F /proc/keys)
echo acpi=$(stat -f -c %T /proc/acpi)
echo cwd=$(pwd)
echo id=$(id -u):$(id -g)
echo groups=$(id -G)
echo home=$HOME
echo lo=$(cat /sys/class/net/lo/flags)
echo null=$(stat -c %F /dev/null)
echo ptmx=$(readlink /dev/ptmx)
echo stdout=$(readlink /dev/stdout)
echo nofile=$(ulimit -n)
echo shmmni=$(cat /proc/sys/kernel/shmmni)
if touch /rootx 2>/dev/null; then echo rootro=no; else echo rootro=yes; fi
echo fds=$(ls /proc/self/fd | wc -l)
if touch /sys/x 2>/dev/null; then echo sysro=no; else echo sysro=yes; fi
if echo 1 > /proc/sys/kernel/shmmni 2>/dev/null; then echo procsysro=no; else echo procsysro=yes; fi
echo data=$(cat /data/hello)
if touch /data/x 2>/dev/null; then echo dataro=no; else echo dataro=yes; fi
echo capeff=$(grep CapEff /proc/self/status | tr -d '\t' | cut -d: -f2)
echo cgroup=$(stat -f -c %t /sys/fs/cgroup)
echo shm=$(stat -f -c %T /dev/shm)
`

func check(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
}

func TestInitRootlessSingleID(t *testing.T) {
	needRoot(t)
	bundle := newBundle(t)
	r := runInit(t, bundle, dockerSpec(bundle, "sh", "-c", probe), sandbox{userns: true})
	if !r.ready || len(r.errs) != 0 || r.code != 0 {
		t.Fatalf("ready %v errs %+v code %d stderr %s", r.ready, r.errs, r.code, r.stderr)
	}
	v := values(r.stdout)
	check(t, v, map[string]string{
		"host": "testhost", "cmdline": "sh -c " + strings.TrimSpace(strings.ReplaceAll(probe, "\n", " ")),
		"mount": "denied", "keys": "character special file", "acpi": "tmpfs", "cwd": "/work/dir", "id": "0:0", "home": "/root",
		"lo": "0x9", "null": "character special file", "ptmx": "pts/ptmx", "stdout": "/proc/self/fd/1",
		"nofile": "1000", "shmmni": "1234", "sysro": "yes", "procsysro": "yes",
		"data": "from the host", "dataro": "yes", "shm": "tmpfs", "rootro": "no",
		"fds": "4", // 0-2 and the one ls opened
	})
	if t.Failed() {
		t.Log(r.stdout, r.stderr)
	}
}

func TestInitRootlessHostNetwork(t *testing.T) {
	needRoot(t)
	bundle := newBundle(t)
	// sysfs cannot be mounted for a network namespace the user namespace
	// does not own: init falls back to a read-only bind of the host's.
	r := runInit(t, bundle, dockerSpec(bundle, "sh", "-c", probe), sandbox{userns: true, noNetNS: true})
	if !r.ready || r.code != 0 {
		t.Fatalf("ready %v errs %+v code %d stderr %s", r.ready, r.errs, r.code, r.stderr)
	}
	check(t, values(r.stdout), map[string]string{"sysro": "yes", "host": "testhost", "keys": "character special file", "acpi": "tmpfs"})
	if values(r.stdout)["lo"] == "" {
		t.Errorf("no /sys/class/net/lo through the host's sysfs: %s", r.stdout)
	}
}

func TestInitRootfulUser(t *testing.T) {
	needRoot(t)
	bundle := newBundle(t)
	spec := dockerSpec(bundle, "sh", "-c", probe)
	spec.Process.User = specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5, 1000}}
	one := []string{"CAP_NET_BIND_SERVICE"}
	spec.Process.Capabilities = &specs.LinuxCapabilities{Bounding: one, Effective: one, Permitted: one, Inheritable: one, Ambient: one}
	spec.Process.NoNewPrivileges = true
	r := runInit(t, bundle, spec, sandbox{})
	if !r.ready || r.code != 0 {
		t.Fatalf("ready %v errs %+v code %d stderr %s", r.ready, r.errs, r.code, r.stderr)
	}
	check(t, values(r.stdout), map[string]string{
		"id": "1000:1000", "groups": "1000 5", "home": "/home/u", "cwd": "/work/dir",
		"mount": "denied", "keys": "character special file", "acpi": "tmpfs", "null": "character special file",
		"capeff": "0000000000000400", "cgroup": "63677270",
	})
	fi, err := os.Stat(filepath.Join(bundle, "rootfs/work/dir"))
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 1000 || st.Gid != 1000 {
		t.Errorf("cwd owned by %d:%d, want 1000:1000", st.Uid, st.Gid)
	}
}

// TestInitPdeathsig checks that the user's process keeps the shim's
// parent-death signal, which the kernel clears on the user switch.
func TestInitPdeathsig(t *testing.T) {
	needRoot(t)
	self, err := elf.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	for _, p := range self.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the test binary must be static to run in the busybox rootfs: test with CGO_ENABLED=0")
		}
	}
	for _, tini := range []bool{false, true} {
		t.Run(map[bool]string{false: "exec", true: "--init"}[tini], func(t *testing.T) {
			bundle := newBundle(t)
			b, err := os.ReadFile("/proc/self/exe")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(bundle, "rootfs/bin/pdeathsig"), b, 0o755); err != nil {
				t.Fatal(err)
			}
			spec := dockerSpec(bundle, "/bin/pdeathsig")
			spec.Process.Env = append(spec.Process.Env, envPrintPdeathsig+"=1")
			spec.Process.User = specs.User{UID: 1000, GID: 1000}
			sb := sandbox{}
			if tini {
				sb.extraEnv = []string{envTini + "=1"}
			}
			r := runInit(t, bundle, spec, sb)
			if !r.ready || r.code != 0 || len(r.errs) != 0 {
				t.Fatalf("ready %v errs %+v code %d stdout %s stderr %s", r.ready, r.errs, r.code, r.stdout, r.stderr)
			}
			check(t, values(r.stdout), map[string]string{"pdeathsig": "9"})
		})
	}
}

func TestInitUserNSRange(t *testing.T) {
	needRoot(t)
	bundle := newBundle(t)
	// The engine with subordinate ids: container 0-65535 is host 100000+.
	err := filepath.Walk(filepath.Join(bundle, "rootfs"), func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 100000, 100000)
	})
	if err != nil {
		t.Fatal(err)
	}
	spec := dockerSpec(bundle, "sh", "-c", probe)
	spec.Process.User = specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5}}
	spec.Root.Readonly = true
	r := runInit(t, bundle, spec, sandbox{userns: true, uidMap: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}})
	if !r.ready || r.code != 0 {
		t.Fatalf("ready %v errs %+v code %d stderr %s", r.ready, r.errs, r.code, r.stderr)
	}
	check(t, values(r.stdout), map[string]string{"id": "1000:1000", "groups": "1000 5", "capeff": "0000000000000000",
		"keys": "character special file", "acpi": "tmpfs", "rootro": "yes", "cwd": "/work/dir", "shm": "tmpfs"})
}

func TestInitCommandErrors(t *testing.T) {
	needRoot(t)
	tests := []struct {
		name string
		args []string
		tini bool
		code int
		msg  string
	}{
		{name: "not in PATH", args: []string{"nosuch"}, code: 127, msg: `exec: "nosuch": executable file not found in $PATH`},
		{name: "no such path", args: []string{"/nope"}, code: 127, msg: `exec: "/nope": stat /nope: no such file or directory`},
		{name: "not executable", args: []string{"/etc/noexec"}, code: 126, msg: `exec: "/etc/noexec": permission denied`},
		{name: "init not in PATH", args: []string{"nosuch"}, tini: true, code: 127, msg: `exec: "nosuch": executable file not found in $PATH`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bundle := newBundle(t)
			sb := sandbox{userns: true}
			if tt.tini {
				sb.extraEnv = []string{envTini + "=1"}
			}
			r := runInit(t, bundle, dockerSpec(bundle, tt.args...), sb)
			if !r.ready {
				t.Errorf("ready = %v", r.ready)
			}
			if len(r.errs) != 1 || r.errs[0].Type != "error" || r.errs[0].Message != tt.msg || r.errs[0].ExitCode != tt.code {
				t.Errorf("sync messages %+v, want one error %q code %d", r.errs, tt.msg, tt.code)
			}
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %s)", r.code, tt.code, r.stderr)
			}
		})
	}
}

func TestInitSetupError(t *testing.T) {
	needRoot(t)
	bundle := newBundle(t)
	spec := dockerSpec(bundle, "true")
	spec.Mounts = append(spec.Mounts, specs.Mount{Destination: "/x", Type: "bind", Source: "/no/such/source"})
	r := runInit(t, bundle, spec, sandbox{userns: true})
	if r.ready || len(r.errs) != 1 || r.errs[0].ExitCode != 125 || !strings.Contains(r.errs[0].Message, "/no/such/source") || r.code != 125 {
		t.Errorf("ready %v errs %+v code %d", r.ready, r.errs, r.code)
	}
}

func TestInitTini(t *testing.T) {
	needRoot(t)
	bundle := newBundle(t)
	// An orphan that exits must be reaped by init; SIGTERM to init must
	// reach the user's process.
	script := `(sleep 0 &); sleep 0.3
echo zombies=$(grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)
echo pid=$$
echo init=$(tr '\0' ' ' < /proc/1/cmdline)
trap 'echo got=TERM; exit 42' TERM
echo ready=1
while :; do sleep 0.05; done`
	s := startInit(t, bundle, dockerSpec(bundle, "sh", "-c", script), sandbox{userns: true, extraEnv: []string{envTini + "=1"}})
	if !s.res.ready {
		t.Fatalf("not ready: %+v", s.res.errs)
	}
	br := bufio.NewReader(s.stdout)
	var out strings.Builder
	for !strings.Contains(out.String(), "ready=1") {
		line, err := br.ReadString('\n')
		out.WriteString(line)
		if err != nil {
			t.Fatalf("output ended: %q, stderr %s", out.String(), s.stderr.String())
		}
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.stdout = io.NopCloser(br)
	r := s.wait(t)
	all := out.String() + r.stdout
	check(t, values(all), map[string]string{"zombies": "0", "init": "skiff-init", "got": "TERM"})
	if values(all)["pid"] == "1" {
		t.Error("the user's process is PID 1 under --init")
	}
	if r.code != 42 || len(r.errs) != 0 {
		t.Errorf("code %d errs %+v, want 42 and none; stderr %s", r.code, r.errs, r.stderr)
	}
}

func TestInitSeccomp(t *testing.T) {
	needRoot(t)
	for _, nnp := range []bool{false, true} {
		t.Run(map[bool]string{false: "privileged install", true: "no_new_privs"}[nnp], func(t *testing.T) {
			bundle := newBundle(t)
			if err := os.Symlink("busybox", filepath.Join(bundle, "rootfs/bin/mkdir")); err != nil {
				t.Fatal(err)
			}
			spec := dockerSpec(bundle, "sh", "-c", `if mkdir /tmp/x 2>/dev/null; then echo mkdir=allowed; else echo mkdir=denied; fi; echo id=$(id -u)`)
			// A user without CAP_SYS_ADMIN: without no_new_privs the filter
			// must be loaded before the capabilities are dropped.
			spec.Process.User = specs.User{UID: 1000, GID: 1000}
			spec.Process.NoNewPrivileges = nnp
			spec.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow}
			if err := os.Chmod(filepath.Join(bundle, "rootfs/tmp"), 0o1777); err != nil {
				t.Fatal(err)
			}
			r := runInit(t, bundle, spec, sandbox{})
			if !r.ready || r.code != 0 {
				t.Fatalf("ready %v errs %+v code %d stderr %s", r.ready, r.errs, r.code, r.stderr)
			}
			check(t, values(r.stdout), map[string]string{"mkdir": "denied", "id": "1000"})
		})
	}
}
