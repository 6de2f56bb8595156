package supervisor

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"golang.org/x/sys/unix"
)

// Exec replaces this process (same pid, same children, same fds) with the
// supervisor role of roles, a sealed executable (the roles' memfd), or of
// this binary when roles is nil. The listener and lock fds in cfg stay
// open across it. It returns only on failure, with every fd as it was.
func Exec(roles *os.File, cfg Config) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cfg.Engine = self
	if cfg.EngineFD <= 0 {
		// Kept open for an engine restart after the file was removed
		// (a test's temporary build, an upgrade that deleted it).
		fd, err := unix.Open("/proc/self/exe", unix.O_RDONLY, 0)
		if err != nil {
			return os.NewSyscallError("open /proc/self/exe", err)
		}
		cfg.EngineFD = fd
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	keep := append(slices.Clone(cfg.ListenFDs), cfg.LockFD, cfg.EngineFD)
	keep = append(keep, cfg.TapRelay...)
	for _, fd := range keep {
		if fd > 2 {
			if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
				return os.NewSyscallError("fcntl(F_SETFD)", err)
			}
		}
	}
	path := "/proc/self/exe"
	if roles != nil {
		path = fmt.Sprintf("/proc/self/fd/%d", roles.Fd())
	}
	env := append(os.Environ(), "_SKIFF_ROLE="+Role, envConfig+"="+string(b))
	err = unix.Exec(path, []string{"skiff-supervisor"}, env)
	for _, fd := range keep {
		if fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
	return os.NewSyscallError("execve "+path, err)
}
