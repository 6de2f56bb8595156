package seccomp

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// dockerCaps is Docker's default capability set.
var dockerCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

func specWithCaps(caps ...string) *specs.Spec {
	return &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: caps}}}
}

func defaultProfile(t testing.TB, caps ...string) *specs.LinuxSeccomp {
	t.Helper()
	sc, err := ForSpec("", specWithCaps(caps...))
	if err != nil {
		t.Fatal(err)
	}
	if sc == nil {
		t.Fatal("no default profile")
	}
	return sc
}

func compileVM(t testing.TB, sc *specs.LinuxSeccomp, goarch string) vm {
	t.Helper()
	prog, err := compile(sc, goarch)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s filter: %d instructions", goarch, len(prog))
	if len(prog) >= maxInsns {
		t.Fatalf("filter has %d instructions", len(prog))
	}
	return newVM(t, prog)
}

const (
	x86_64  = unix.AUDIT_ARCH_X86_64
	i386    = unix.AUDIT_ARCH_I386
	aarch64 = unix.AUDIT_ARCH_AARCH64
	arm     = unix.AUDIT_ARCH_ARM
)

var (
	allow  = uint32(retAllow)
	eperm  = uint32(retErrno | uint32(unix.EPERM))
	enosys = uint32(retErrno | uint32(unix.ENOSYS))
)

func args(a ...uint64) (out [6]uint64) {
	copy(out[:], a)
	return out
}

type check struct {
	name string
	call call
	want uint32
}

func runChecks(t *testing.T, v vm, checks []check) {
	t.Helper()
	for _, c := range checks {
		if got := v.run(t, c.call); got != c.want {
			t.Errorf("%s: got %#x, want %#x", c.name, got, c.want)
		}
	}
}

func TestDefaultProfileAMD64(t *testing.T) {
	nsFlags := uint64(unix.CLONE_NEWUSER)
	plain := uint64(unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES | unix.CLONE_SIGHAND | unix.CLONE_THREAD)
	v := compileVM(t, defaultProfile(t, dockerCaps...), "amd64")
	runChecks(t, v, []check{
		{"read", call{arch: x86_64, nr: 0}, allow},
		{"write", call{arch: x86_64, nr: 1}, allow},
		{"getpid", call{arch: x86_64, nr: 39}, allow},
		{"exit_group", call{arch: x86_64, nr: 231}, allow},
		{"keyctl", call{arch: x86_64, nr: 250}, eperm},
		{"add_key", call{arch: x86_64, nr: 248}, eperm},
		{"unshare", call{arch: x86_64, nr: 272}, eperm},
		{"mount", call{arch: x86_64, nr: 165}, eperm},
		{"clone plain", call{arch: x86_64, nr: 56, args: args(plain)}, allow},
		{"clone high bits", call{arch: x86_64, nr: 56, args: args(1<<40 | plain)}, allow},
		{"clone newuser", call{arch: x86_64, nr: 56, args: args(plain | nsFlags)}, eperm},
		{"clone newns", call{arch: x86_64, nr: 56, args: args(unix.CLONE_NEWNS)}, eperm},
		{"clone3", call{arch: x86_64, nr: 435}, enosys},
		{"personality 0", call{arch: x86_64, nr: 135, args: args(0)}, allow},
		{"personality 8", call{arch: x86_64, nr: 135, args: args(8)}, allow},
		{"personality 0x20008", call{arch: x86_64, nr: 135, args: args(0x20008)}, allow},
		{"personality query", call{arch: x86_64, nr: 135, args: args(0xffffffff)}, allow},
		{"personality 64-bit", call{arch: x86_64, nr: 135, args: args(0x1ffffffff)}, eperm},
		{"personality 1", call{arch: x86_64, nr: 135, args: args(1)}, eperm},
		{"socket inet", call{arch: x86_64, nr: 41, args: args(unix.AF_INET)}, allow},
		{"socket 37", call{arch: x86_64, nr: 41, args: args(37)}, allow},
		{"socket alg", call{arch: x86_64, nr: 41, args: args(unix.AF_ALG)}, eperm},
		{"socket 39", call{arch: x86_64, nr: 41, args: args(39)}, allow},
		{"socket vsock", call{arch: x86_64, nr: 41, args: args(unix.AF_VSOCK)}, eperm},
		{"socket 41", call{arch: x86_64, nr: 41, args: args(41)}, allow},
		{"socket vsock high word", call{arch: x86_64, nr: 41, args: args(1<<32 | unix.AF_VSOCK)}, allow},
		{"arch_prctl", call{arch: x86_64, nr: 158}, allow},
		{"open_by_handle_at", call{arch: x86_64, nr: 304}, eperm},
		{"chroot", call{arch: x86_64, nr: 161}, allow},
		{"reboot", call{arch: x86_64, nr: 169}, eperm},
		{"x32 read", call{arch: x86_64, nr: 0x40000000}, eperm},
		{"x32 getpid", call{arch: x86_64, nr: 0x40000000 | 39}, eperm},
		{"beyond the profile", call{arch: x86_64, nr: 1000}, enosys},
		{"aarch64 read", call{arch: aarch64, nr: 63}, eperm},
		{"unknown arch", call{arch: 0x1234}, eperm},
		// The i386 compat ABI, with its own numbers.
		{"i386 read", call{arch: i386, nr: 3}, allow},
		{"i386 socketcall", call{arch: i386, nr: 102}, allow},
		{"i386 keyctl", call{arch: i386, nr: 288}, eperm},
		{"i386 unshare", call{arch: i386, nr: 310}, eperm},
		{"i386 clone newuser", call{arch: i386, nr: 120, args: args(nsFlags)}, eperm},
		{"i386 clone plain", call{arch: i386, nr: 120, args: args(plain)}, allow},
		{"i386 personality query", call{arch: i386, nr: 136, args: args(0xffffffff)}, allow},
		{"i386 modify_ldt", call{arch: i386, nr: 123}, allow},
		// Includes.Arches is about the host: like libseccomp, the rule
		// goes to every ABI in the filter.
		{"i386 arch_prctl", call{arch: i386, nr: 384}, allow},
	})
}

func TestDefaultProfileSysAdmin(t *testing.T) {
	v := compileVM(t, defaultProfile(t, append(dockerCaps, "CAP_SYS_ADMIN")...), "amd64")
	runChecks(t, v, []check{
		{"unshare", call{arch: x86_64, nr: 272}, allow},
		{"mount", call{arch: x86_64, nr: 165}, allow},
		{"clone newuser", call{arch: x86_64, nr: 56, args: args(unix.CLONE_NEWUSER)}, allow},
		{"clone3", call{arch: x86_64, nr: 435}, allow},
		{"keyctl", call{arch: x86_64, nr: 250}, eperm},
	})
}

func TestDefaultProfileNoCaps(t *testing.T) {
	v := compileVM(t, defaultProfile(t), "amd64")
	runChecks(t, v, []check{
		{"read", call{arch: x86_64, nr: 0}, allow},
		{"chroot", call{arch: x86_64, nr: 161}, eperm},
	})
}

func TestDefaultProfileARM64(t *testing.T) {
	v := compileVM(t, defaultProfile(t, dockerCaps...), "arm64")
	runChecks(t, v, []check{
		{"read", call{arch: aarch64, nr: 63}, allow},
		{"keyctl", call{arch: aarch64, nr: 219}, eperm},
		{"unshare", call{arch: aarch64, nr: 97}, eperm},
		{"clone newuser", call{arch: aarch64, nr: 220, args: args(unix.CLONE_NEWUSER)}, eperm},
		{"clone plain", call{arch: aarch64, nr: 220, args: args(uint64(unix.SIGCHLD))}, allow},
		{"clone3", call{arch: aarch64, nr: 435}, enosys},
		{"x86_64 read", call{arch: x86_64, nr: 0}, eperm},
		// The default profile lists SCMP_ARCH_ARM only under aarch64's archMap:
		// filtered from the amd64 host it is absent.
		{"arm read", call{arch: arm, nr: 3}, eperm},
	})

	// On an arm64 host the archMap adds SCMP_ARCH_ARM: the arm compat ABI
	// is filtered with its own numbers and 32-bit arguments.
	sc := defaultProfile(t, dockerCaps...)
	sc.Architectures = []specs.Arch{specs.ArchAARCH64, specs.ArchARM}
	v = compileVM(t, sc, "arm64")
	runChecks(t, v, []check{
		{"read", call{arch: aarch64, nr: 63}, allow},
		{"arm read", call{arch: arm, nr: 3}, allow},
		{"arm keyctl", call{arch: arm, nr: 311}, eperm},
		{"arm clone newuser", call{arch: arm, nr: 120, args: args(unix.CLONE_NEWUSER)}, eperm},
		{"arm personality query", call{arch: arm, nr: 136, args: args(0xffffffff)}, allow},
		{"arm beyond the profile", call{arch: arm, nr: 1000}, enosys},
		{"x86_64 read", call{arch: x86_64, nr: 0}, eperm},
	})
}
