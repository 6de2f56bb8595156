package spec

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func mkfifo(path string) error { return unix.Mkfifo(path, 0o644) }

func mknodChar(path string, major, minor uint32) error {
	return unix.Mknod(path, unix.S_IFCHR|0o666, int(unix.Mkdev(major, minor)))
}

// mknodOrSkip makes a character device for a test, which needs
// CAP_MKNOD in the initial user namespace: without it (EPERM) the test is
// skipped, any other error fails it.
func mknodOrSkip(t *testing.T, path string, major, minor uint32) {
	t.Helper()
	if err := mknodChar(path, major, minor); errors.Is(err, unix.EPERM) {
		t.Skip("needs CAP_MKNOD to make device nodes:", err)
	} else if err != nil {
		t.Fatal(err)
	}
}

const testID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// testCaps stands for the kernel's capabilities in tests.
var testCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_SYS_CHROOT", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
}

// hostAvailableCaps is the real availableCaps, kept for TestHostCaps.
var hostAvailableCaps func() []string

// TestMain fixes the host facts the builder reads.
func TestMain(m *testing.M) {
	hostAvailableCaps = availableCaps
	availableCaps = func() []string { return testCaps }
	currentOOMScoreAdj = func() int { return 100 }
	engineNofileMax = func(rootless bool) uint64 {
		if rootless {
			return 524288
		}
		return 1 << 20
	}
	numCPU = func() int { return 2 }
	dir, err := os.MkdirTemp("", "spec-eng-procsys-")
	if err != nil {
		panic(err)
	}
	for _, k := range []string{"net/ipv4/ip_unprivileged_port_start", "net/ipv4/ping_group_range"} {
		p := filepath.Join(dir, k)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		_ = os.WriteFile(p, []byte("0\n"), 0o644)
	}
	procSys = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testRootfs makes a rootfs with etc/passwd and etc/group.
func testRootfs(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "etc", "passwd"),
		"root:x:0:0:root:/root:/bin/sh\n"+
			"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"+
			"app:x:1000:1000:App:/home/app:/bin/sh\n")
	writeFile(t, filepath.Join(root, "etc", "group"),
		"root:x:0:\n"+
			"daemon:x:1:\n"+
			"wheel:x:10:root,app\n"+
			"audio:x:29:app\n"+
			"app:x:1000:\n"+
			"video:x:44:\n")
	return root
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// input is a default Input for a busybox-like container.
func input(t *testing.T) Input {
	return Input{
		ID:         testID,
		Config:     &container.Config{Cmd: []string{"sh"}, Env: []string{"PATH=/bin"}},
		HostConfig: &container.HostConfig{},
		Rootfs:     testRootfs(t),
	}
}

func findMount(s *specs.Spec, dest string) *specs.Mount {
	for i := range s.Mounts {
		if s.Mounts[i].Destination == dest {
			return &s.Mounts[i]
		}
	}
	return nil
}

func hasNS(s *specs.Spec, typ specs.LinuxNamespaceType) (specs.LinuxNamespace, bool) {
	for _, n := range s.Linux.Namespaces {
		if n.Type == typ {
			return n, true
		}
	}
	return specs.LinuxNamespace{}, false
}

func rlimit(s *specs.Spec, typ string) *specs.POSIXRlimit {
	for i := range s.Process.Rlimits {
		if s.Process.Rlimits[i].Type == typ {
			return &s.Process.Rlimits[i]
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
