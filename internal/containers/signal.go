package containers

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/containerd/errdefs"
	"golang.org/x/sys/unix"
)

// parseSignal reads a signal as Docker does: a number, or a name with or
// without "SIG" in any case ("KILL", "sigterm", "RTMIN+3").
func parseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, errInvalidSignal(s)
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if rest, ok := strings.CutPrefix(name, "SIGRTMIN+"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 0 && 34+n <= 64 {
			return syscall.Signal(34 + n), nil
		}
	}
	if rest, ok := strings.CutPrefix(name, "SIGRTMAX-"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 0 && 64-n >= 34 {
			return syscall.Signal(64 - n), nil
		}
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, errInvalidSignal(s)
}

func errInvalidSignal(s string) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid signal: %s", s))
}

// stopSignal is the container's configured stop signal, else SIGTERM.
func stopSignal(cfg string) syscall.Signal {
	if cfg != "" {
		if sig, err := parseSignal(cfg); err == nil {
			return sig
		}
	}
	return syscall.SIGTERM
}
