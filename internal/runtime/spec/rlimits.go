package spec

import (
	"os"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// ulimitNames are the names --ulimit accepts (go-units' list).
var ulimitNames = map[string]bool{
	"core": true, "cpu": true, "data": true, "fsize": true, "locks": true, "memlock": true,
	"msgqueue": true, "nice": true, "nofile": true, "nproc": true, "rss": true, "rtprio": true,
	"rttime": true, "sigpending": true, "stack": true,
}

// validateUlimit checks one --ulimit with go-units' messages.
func validateUlimit(u *container.Ulimit) error {
	if u == nil {
		return invalidf("invalid ulimit: null")
	}
	if !ulimitNames[u.Name] {
		return invalidf("invalid ulimit type: %s", u.Name)
	}
	if u.Soft > u.Hard && u.Hard != -1 {
		return invalidf("ulimit soft limit must be less than or equal to hard limit: %d > %d", u.Soft, u.Hard)
	}
	return nil
}

// engineNofileMax is the most RLIMIT_NOFILE the engine can give: its own
// hard limit when rootless or without CAP_SYS_RESOURCE (raising it needs
// that capability in the initial user namespace), fs.nr_open otherwise.
// A var so tests can fix it.
var engineNofileMax = func(rootless bool) uint64 {
	if rootless || !hasCapSysResource() {
		var rl unix.Rlimit
		if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err == nil {
			return rl.Max
		}
		return 1024
	}
	if b, err := os.ReadFile("/proc/sys/fs/nr_open"); err == nil {
		if v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil {
			return v
		}
	}
	return DefaultNofile
}

// rlimits turns --ulimit into POSIX rlimits and adds the default
// RLIMIT_NOFILE when none is given.
func rlimits(ulimits []*container.Ulimit, rootless bool) ([]specs.POSIXRlimit, error) {
	var out []specs.POSIXRlimit
	haveNofile := false
	for _, u := range ulimits {
		if err := validateUlimit(u); err != nil {
			return nil, err
		}
		haveNofile = haveNofile || u.Name == "nofile"
		out = append(out, specs.POSIXRlimit{
			Type: "RLIMIT_" + strings.ToUpper(u.Name),
			Soft: uint64(u.Soft), // -1 is RLIM_INFINITY, as Docker passes it
			Hard: uint64(u.Hard),
		})
	}
	if !haveNofile {
		n := min(DefaultNofile, engineNofileMax(rootless))
		out = append(out, specs.POSIXRlimit{Type: "RLIMIT_NOFILE", Soft: n, Hard: n})
	}
	return out, nil
}

// hasCapSysResource reports whether this process holds CAP_SYS_RESOURCE
// in its effective set (a root daemon started with reduced capabilities
// may not).
func hasCapSysResource() bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			caps, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && caps&(1<<unix.CAP_SYS_RESOURCE) != 0
		}
	}
	return false
}
