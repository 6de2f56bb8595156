package seccomp

import (
	"fmt"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// SECCOMP_RET_* values, shorter.
const (
	retKillProcess = unix.SECCOMP_RET_KILL_PROCESS
	retKillThread  = unix.SECCOMP_RET_KILL_THREAD
	retTrap        = unix.SECCOMP_RET_TRAP
	retErrno       = unix.SECCOMP_RET_ERRNO
	retTrace       = unix.SECCOMP_RET_TRACE
	retLog         = unix.SECCOMP_RET_LOG
	retAllow       = unix.SECCOMP_RET_ALLOW
	retDataMask    = unix.SECCOMP_RET_DATA
)

// retValue turns a profile action into the filter's return value. Like runc,
// ERRNO and TRACE default to EPERM and only they take an errnoRet.
func retValue(act specs.LinuxSeccompAction, errnoRet *uint) (uint32, error) {
	data := uint32(unix.EPERM)
	if errnoRet != nil {
		if act != specs.ActErrno && act != specs.ActTrace {
			return 0, invalid(fmt.Sprintf("errnoRet is only supported with %s and %s, not %s", specs.ActErrno, specs.ActTrace, act))
		}
		if *errnoRet > retDataMask {
			return 0, invalid(fmt.Sprintf("errnoRet %d out of range", *errnoRet))
		}
		data = uint32(*errnoRet)
	}
	switch act {
	case specs.ActAllow:
		return retAllow, nil
	case specs.ActErrno:
		return retErrno | data, nil
	case specs.ActKill, specs.ActKillThread:
		return retKillThread, nil
	case specs.ActKillProcess:
		return retKillProcess, nil
	case specs.ActTrap:
		return retTrap, nil
	case specs.ActTrace:
		return retTrace | data, nil
	case specs.ActLog:
		return retLog, nil
	case specs.ActNotify:
		return 0, errdefs.ErrNotImplemented.WithMessage("seccomp action SCMP_ACT_NOTIFY is not supported")
	case "":
		return 0, invalid("seccomp profile has no action")
	}
	return 0, invalid(fmt.Sprintf("unknown seccomp action %q", act))
}

// permissive reports whether ret lets the syscall run (the tracer may let it
// too): such a default must not leak to ABIs the filter does not check.
func permissive(ret uint32) bool {
	switch ret &^ retDataMask {
	case retAllow, retLog, retTrace:
		return true
	}
	return false
}

func invalid(msg string) error { return errdefs.ErrInvalidArgument.WithMessage(msg) }
