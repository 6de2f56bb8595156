package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// newNamespace reports whether the spec asks for a new namespace of typ.
func newNamespace(spec *specs.Spec, typ specs.LinuxNamespaceType) bool {
	if spec.Linux == nil {
		return false
	}
	for _, ns := range spec.Linux.Namespaces {
		if ns.Type == typ && ns.Path == "" {
			return true
		}
	}
	return false
}

// setNames sets the hostname and domainname of a new UTS namespace.
func setNames(spec *specs.Spec) error {
	if !newNamespace(spec, specs.UTSNamespace) {
		return nil
	}
	if spec.Hostname != "" {
		if err := unix.Sethostname([]byte(spec.Hostname)); err != nil {
			return os.NewSyscallError("sethostname", err)
		}
	}
	if spec.Domainname != "" {
		if err := unix.Setdomainname([]byte(spec.Domainname)); err != nil {
			return os.NewSyscallError("setdomainname", err)
		}
	}
	return nil
}

// loopbackUp brings up lo, which a new network namespace starts with down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("socket", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return os.NewSyscallError("SIOCGIFFLAGS lo", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return os.NewSyscallError("SIOCSIFFLAGS lo", err)
	}
	return nil
}

// sysctlPath is the /proc/sys file of a sysctl key ("net.ipv4.ip_forward").
// As in sysctl(8), dots and slashes swap, so "net.ipv4.conf.eth0/1.rp_filter"
// names the interface eth0.1.
func sysctlPath(key string) (string, error) {
	swapped := strings.Map(func(r rune) rune {
		switch r {
		case '.':
			return '/'
		case '/':
			return '.'
		}
		return r
	}, key)
	p := filepath.Join("/proc/sys", swapped)
	if !strings.HasPrefix(p, "/proc/sys/") {
		return "", fmt.Errorf("invalid sysctl %q", key)
	}
	return p, nil
}

// writeSysctls applies the spec's sysctls in the container's /proc.
func writeSysctls(sysctls map[string]string) error {
	for k, v := range sysctls {
		p, err := sysctlPath(k)
		if err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(v), 0); err != nil {
			return fmt.Errorf("setting sysctl %s: %w", k, err)
		}
	}
	return nil
}

// rlimitNames maps the spec's rlimit types to resources.
var rlimitNames = map[string]int{
	"RLIMIT_AS":         unix.RLIMIT_AS,
	"RLIMIT_CORE":       unix.RLIMIT_CORE,
	"RLIMIT_CPU":        unix.RLIMIT_CPU,
	"RLIMIT_DATA":       unix.RLIMIT_DATA,
	"RLIMIT_FSIZE":      unix.RLIMIT_FSIZE,
	"RLIMIT_LOCKS":      unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK":    unix.RLIMIT_MEMLOCK,
	"RLIMIT_MSGQUEUE":   unix.RLIMIT_MSGQUEUE,
	"RLIMIT_NICE":       unix.RLIMIT_NICE,
	"RLIMIT_NOFILE":     unix.RLIMIT_NOFILE,
	"RLIMIT_NPROC":      unix.RLIMIT_NPROC,
	"RLIMIT_RSS":        unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO":     unix.RLIMIT_RTPRIO,
	"RLIMIT_RTTIME":     unix.RLIMIT_RTTIME,
	"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK":      unix.RLIMIT_STACK,
}

func setRlimits(limits []specs.POSIXRlimit) error {
	for _, l := range limits {
		res, ok := rlimitNames[l.Type]
		if !ok {
			return fmt.Errorf("unknown rlimit %q", l.Type)
		}
		rl := unix.Rlimit{Cur: l.Soft, Max: l.Hard}
		if err := unix.Prlimit(0, res, &rl, nil); err != nil {
			return fmt.Errorf("setting %s to %d:%d: %w", l.Type, l.Soft, l.Hard, err)
		}
	}
	return nil
}

// setOOMScoreAdj writes oom_score_adj. Lowering it needs CAP_SYS_RESOURCE
// over the host, which rootless init lacks: there it is best effort.
func setOOMScoreAdj(adj *int, userns bool) error {
	if adj == nil {
		return nil
	}
	err := os.WriteFile("/proc/self/oom_score_adj", []byte(strconv.Itoa(*adj)), 0)
	if err != nil && userns && (errors.Is(err, os.ErrPermission) || errors.Is(err, unix.EPERM)) {
		return nil
	}
	return err
}
