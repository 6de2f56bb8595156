package rootless

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rootless-containers/rootlesskit/v3/pkg/parent/idtools"
)

// procSys is where sysctls are read; tests point it at a fake tree.
var procSys = "/proc/sys"

// readSysctl returns the trimmed value of a sysctl ("user/max_user_namespaces"),
// or "" when the knob does not exist on this kernel.
func readSysctl(name string) string {
	b, err := os.ReadFile(filepath.Join(procSys, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// CheckUserNamespaces reports, with the knob to turn, a kernel that forbids
// unprivileged user namespaces.
func CheckUserNamespaces() error {
	if v := readSysctl("user/max_user_namespaces"); v == "0" {
		return errors.New("user namespaces are disabled: user.max_user_namespaces is 0; enable them with 'sudo sysctl -w user.max_user_namespaces=28633' (and persist it in /etc/sysctl.d/)")
	}
	if v := readSysctl("kernel/unprivileged_userns_clone"); v == "0" {
		return errors.New("unprivileged user namespaces are disabled: kernel.unprivileged_userns_clone is 0; enable them with 'sudo sysctl -w kernel.unprivileged_userns_clone=1' (and persist it in /etc/sysctl.d/)")
	}
	return nil
}

// diagnoseStart explains why the kernel refused to create the namespaces.
func diagnoseStart(err error) error {
	if err == nil {
		return nil
	}
	if !errors.Is(err, syscall.EPERM) && !errors.Is(err, syscall.EACCES) && !errors.Is(err, syscall.ENOSPC) {
		return err
	}
	if readSysctl("kernel/apparmor_restrict_unprivileged_userns") == "1" {
		return fmt.Errorf("%w: AppArmor restricts unprivileged user namespaces (Ubuntu 24.04+, kernel.apparmor_restrict_unprivileged_userns=1); allow skiff with an AppArmor profile granting 'userns,' to its binary (see the README), or run 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0'", err)
	}
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w: the user namespace limit is reached (user.max_user_namespaces=%s)", err, readSysctl("user/max_user_namespaces"))
	}
	if cerr := CheckUserNamespaces(); cerr != nil {
		return fmt.Errorf("%w: %v", err, cerr)
	}
	return fmt.Errorf("%w: the kernel refused to create a user namespace; check 'skiff check'", err)
}

// SubIDRanges returns the calling user's ranges in /etc/subuid and /etc/subgid.
func SubIDRanges() (uids, gids []idtools.SubIDRange, err error) {
	u, err := user.Current()
	if err != nil {
		return nil, nil, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	return idtools.GetSubIDRanges(uid, u.Username)
}

// IDMap is one line of /proc/PID/uid_map or gid_map.
type IDMap struct{ Inside, Outside, Size int64 }

// ReadIDMaps reads this process's uid and gid maps; inside skiff's user
// namespace that is the mapping `skiff info` shows.
func ReadIDMaps() (uids, gids []IDMap, err error) {
	if uids, err = readIDMap("/proc/self/uid_map"); err != nil {
		return nil, nil, err
	}
	gids, err = readIDMap("/proc/self/gid_map")
	return uids, gids, err
}

func readIDMap(path string) ([]IDMap, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseIDMap(string(b))
}

func parseIDMap(s string) ([]IDMap, error) {
	var out []IDMap
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("malformed id map line %q", line)
		}
		var m IDMap
		var err error
		for i, dst := range []*int64{&m.Inside, &m.Outside, &m.Size} {
			if *dst, err = strconv.ParseInt(f[i], 10, 64); err != nil {
				return nil, fmt.Errorf("malformed id map line %q", line)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// FormatIDMap renders a map as "0:1000:1/1:100000:65536".
func FormatIDMap(m []IDMap) string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = fmt.Sprintf("%d:%d:%d", e.Inside, e.Outside, e.Size)
	}
	return strings.Join(parts, "/")
}

// HostUID is the host uid that uid 0 of this user namespace maps to (the
// user who started the daemon); -1 outside a user namespace or on error.
func HostUID() int {
	uids, _, err := ReadIDMaps()
	if err != nil {
		return -1
	}
	for _, m := range uids {
		if m.Inside == 0 && m.Size < 4294967295 {
			return int(m.Outside)
		}
	}
	return -1
}
