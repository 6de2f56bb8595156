package seccomp

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

const childEnv = "SKIFF_SECCOMP_TEST_CHILD"

// TestInstallDefaultProfile loads the default profile in a re-exec of the
// test binary (a filter cannot be taken off again) and makes real syscalls
// under it.
func TestInstallDefaultProfile(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		if err := installedChild(); err != nil {
			fmt.Println("FAIL:", err)
			os.Exit(1)
		}
		fmt.Println("CHILD OK")
		os.Exit(0)
	}
	if _, ok := platforms[runtime.GOARCH]; !ok {
		t.Skip("no seccomp compiler for", runtime.GOARCH)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInstallDefaultProfile$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "CHILD OK") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func installedChild() error {
	runtime.LockOSThread() // never unlocked: the thread dies with the process
	sc, err := ForSpec("", specWithCaps(dockerCaps...))
	if err != nil {
		return err
	}
	filter, err := Compile(sc)
	if err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	// Before the filter keyctl works, so EPERM later is the filter's doing.
	if _, _, e := unix.RawSyscall(unix.SYS_KEYCTL, unix.KEYCTL_GET_KEYRING_ID, uintptr(0xfffffffd) /* KEY_SPEC_SESSION_KEYRING */, 0); e == unix.EPERM {
		return errors.New("keyctl already denied before the filter")
	}
	if err := Install(filter, 0); err != nil {
		return err
	}
	if _, _, e := unix.RawSyscall(unix.SYS_KEYCTL, unix.KEYCTL_GET_KEYRING_ID, uintptr(0xfffffffd), 0); e != unix.EPERM {
		return fmt.Errorf("keyctl under the filter: errno %v, want EPERM", e)
	}
	if pid, _, e := unix.RawSyscall(unix.SYS_GETPID, 0, 0, 0); e != 0 || int(pid) != os.Getpid() {
		return fmt.Errorf("getpid under the filter: %d, %v", pid, e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_CLONE3, 0, 0, 0); e != unix.ENOSYS {
		return fmt.Errorf("clone3 under the filter: errno %v, want ENOSYS", e)
	}
	if _, err := unix.Socket(unix.AF_VSOCK, unix.SOCK_STREAM, 0); !errors.Is(err, unix.EPERM) {
		return fmt.Errorf("socket(AF_VSOCK) under the filter: %v, want EPERM", err)
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return fmt.Errorf("socket(AF_UNIX) under the filter: %v", err)
	}
	unix.Close(fd)
	if err := unix.Unshare(unix.CLONE_NEWUTS); !errors.Is(err, unix.EPERM) {
		return fmt.Errorf("unshare under the filter: %v, want EPERM", err)
	}
	// A second filter stacks; without a filter the call fails cleanly.
	if err := Install(nil, 0); err == nil {
		return errors.New("empty filter installed")
	}
	return nil
}

func TestFlags(t *testing.T) {
	s := &specs.LinuxSeccomp{Flags: []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog, specs.LinuxSeccompFlagSpecAllow, specs.LinuxSeccompFlagWaitKillableRecv}}
	// WAIT_KILLABLE_RECV alone makes seccomp(2) fail with EINVAL.
	if got, err := Flags(s); err != nil || got != unix.SECCOMP_FILTER_FLAG_LOG|unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW {
		t.Errorf("Flags = %#x, %v", got, err)
	}
}
