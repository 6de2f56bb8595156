package initproc

import (
	"fmt"
	"os"
	"testing"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The integration tests run this test binary as the container's init.
func TestMain(m *testing.M) {
	if os.Getenv(envPrintPdeathsig) == "1" {
		os.Exit(printPdeathsig())
	}
	if os.Getenv(envRole) == Role {
		seccompImpl = seccompFuncs{compile: testSeccompCompile, install: testSeccompInstall}
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

// envPrintPdeathsig makes the test binary, run as the container's process,
// print its parent-death signal.
const envPrintPdeathsig = "SKIFF_TEST_PRINT_PDEATHSIG"

func printPdeathsig() int {
	var sig int32
	if err := unix.Prctl(unix.PR_GET_PDEATHSIG, uintptr(unsafe.Pointer(&sig)), 0, 0, 0); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Printf("pdeathsig=%d\n", sig)
	return 0
}

// testSeccompCompile stands for package seccomp: any profile becomes a
// filter that fails mkdir and mkdirat with EPERM.
func testSeccompCompile(*specs.LinuxSeccomp) ([]unix.SockFilter, error) {
	const (
		ldAbsW = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeqK   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		retK   = unix.BPF_RET | unix.BPF_K
	)
	return []unix.SockFilter{
		{Code: ldAbsW, K: 0}, // seccomp_data.nr
		{Code: jeqK, Jt: 2, Jf: 0, K: unix.SYS_MKDIR},
		{Code: jeqK, Jt: 1, Jf: 0, K: unix.SYS_MKDIRAT},
		{Code: retK, K: unix.SECCOMP_RET_ALLOW},
		{Code: retK, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
	}, nil
}

func testSeccompInstall(filter []unix.SockFilter, _ uint) error {
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	return unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&prog)), 0, 0)
}
