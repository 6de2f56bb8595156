package check

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/rootless/paths"
)

// minSubIDs is the size of range that most images need: their files are
// owned by uids up to 65534 (nobody).
const minSubIDs = 65536

// env is whom and what the checks look at.
type env struct {
	root    string // filesystem root; tests point it at a fake tree
	uid     int
	gid     int
	groups  []int
	name    string
	home    string
	rootful bool // root checking itself: skiff runs rootful
	other   bool // root checking another user's rootless setup

	overlayOnce sync.Once
	overlayHow  string
	overlayErr  error
	overlayDir  string
}

// newEnv picks the user to check: the caller, or for root, --user or
// $SUDO_USER (so `sudo skiff check` answers for the person who typed it).
func newEnv(userName string) (*env, error) {
	e := &env{root: "/"}
	if os.Geteuid() == 0 {
		if userName == "" {
			userName = os.Getenv("SUDO_USER")
		}
		if userName == "" || userName == "root" {
			e.rootful, e.name, e.home = true, "root", "/root"
			return e, nil
		}
		u, err := user.Lookup(userName)
		if err != nil {
			return nil, err
		}
		e.other = true
		return e, e.setUser(u)
	}
	u, err := user.Current()
	if err != nil {
		// No passwd entry (e.g. an arbitrary uid in a container): use ids.
		e.uid, e.gid, e.name, e.home = os.Getuid(), os.Getgid(), strconv.Itoa(os.Getuid()), os.Getenv("HOME")
		e.groups = []int{e.gid}
		return e, nil
	}
	if userName != "" && userName != u.Username {
		return nil, errors.New("--user needs root: run `sudo skiff check --user " + userName + "`")
	}
	return e, e.setUser(u)
}

func (e *env) setUser(u *user.User) error {
	var err error
	if e.uid, err = strconv.Atoi(u.Uid); err != nil {
		return err
	}
	if e.gid, err = strconv.Atoi(u.Gid); err != nil {
		return err
	}
	e.name, e.home = u.Username, u.HomeDir
	e.groups = []int{e.gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, s := range ids {
			if g, err := strconv.Atoi(s); err == nil && g != e.gid {
				e.groups = append(e.groups, g)
			}
		}
	}
	return nil
}

func (e *env) path(p string) string { return filepath.Join(e.root, p) }

func (e *env) read(p string) (string, error) {
	b, err := os.ReadFile(e.path(p))
	return strings.TrimSpace(string(b)), err
}

// you is how messages name the checked user.
func (e *env) you() string {
	if e.other {
		return e.name
	}
	return "you"
}

// checkFunc is one row of the table.
type checkFunc struct {
	name         string
	rootlessOnly bool
	run          func(*env) Result
}

// checks runs in order; later rows may use earlier probes (cached in env).
var checks = []checkFunc{
	{"user namespaces", true, checkUserns},
	{"subuid/subgid", true, checkSubIDs},
	{"newuidmap/newgidmap", true, checkNewuidmap},
	{"native overlay", false, checkOverlay},
	{"fuse-overlayfs", false, checkFuseOverlayfs},
	{"/dev/fuse", true, checkDevFuse},
	{"/dev/net/tun", true, checkDevTun},
	{"cgroup v2", false, checkCgroup},
	{"XDG_RUNTIME_DIR", true, checkRuntimeDir},
	{"linger", true, checkLinger},
	{"ping", true, checkPing},
	{"privileged ports", true, checkPorts},
}

func (e *env) runAll() []Result {
	var out []Result
	switch {
	case e.rootful:
		out = append(out, Result{Name: "mode", Status: StatusInfo,
			Detail: "running as root: skiff runs rootful (no user namespace); rootless-only checks are skipped",
			Fix:    "to check rootless readiness, run `skiff check` as that user, or `sudo skiff check --user NAME`"})
	case e.other:
		out = append(out, Result{Name: "mode", Status: StatusInfo,
			Detail: fmt.Sprintf("running as root: checking rootless readiness of user %s (uid %d)", e.name, e.uid)})
	}
	for _, c := range checks {
		if e.rootful && c.rootlessOnly {
			out = append(out, Result{Name: c.name, Status: StatusSkip, Detail: "rootless only"})
			continue
		}
		r := c.run(e)
		r.Name = c.name
		out = append(out, r)
	}
	return out
}

func (e *env) probeUser() *probeUser {
	if !e.other {
		return nil
	}
	g := make([]uint32, len(e.groups))
	for i, v := range e.groups {
		g[i] = uint32(v)
	}
	return &probeUser{uid: uint32(e.uid), gid: uint32(e.gid), groups: g}
}

func checkUserns(e *env) Result {
	maxNS, err := e.read("/proc/sys/user/max_user_namespaces")
	if err != nil {
		return Result{Status: StatusFail, Detail: "kernel without user namespaces: " + err.Error(),
			Fix: "use a kernel built with CONFIG_USER_NS=y (every mainstream distribution kernel is)"}
	}
	if maxNS == "0" {
		return Result{Status: StatusFail, Detail: "disabled: user.max_user_namespaces=0",
			Fix: "sudo sysctl -w user.max_user_namespaces=28633 (persist it in /etc/sysctl.d/99-skiff.conf)"}
	}
	if v, err := e.read("/proc/sys/kernel/unprivileged_userns_clone"); err == nil && v == "0" {
		return Result{Status: StatusFail, Detail: "disabled for unprivileged users: kernel.unprivileged_userns_clone=0",
			Fix: "sudo sysctl -w kernel.unprivileged_userns_clone=1 (persist it in /etc/sysctl.d/99-skiff.conf)"}
	}
	apparmor := false
	if v, err := e.read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); err == nil && v == "1" {
		apparmor = true
	}
	if _, err := spawn(probeUserns, "", e.probeUser()); err != nil {
		r := Result{Status: StatusFail, Detail: "cannot create a user namespace: " + err.Error(),
			Fix: "check sysctls user.max_user_namespaces and kernel.unprivileged_userns_clone, and any seccomp/LSM policy that blocks unshare(CLONE_NEWUSER)"}
		if apparmor {
			r.Detail = "blocked by AppArmor (kernel.apparmor_restrict_unprivileged_userns=1): " + err.Error()
			r.Fix = "install an AppArmor profile for skiff granting `userns,` (/etc/apparmor.d/skiff) or `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`"
		}
		return r
	}
	d := "enabled (max_user_namespaces=" + maxNS + ")"
	if apparmor {
		d += "; AppArmor restricts unprivileged user namespaces, but this binary is allowed"
	}
	return Result{Status: StatusOK, Detail: d}
}

func checkSubIDs(e *env) Result {
	var missing []string
	var short []string
	var counts [2]int
	next := 100000
	for i, f := range []string{"/etc/subuid", "/etc/subgid"} {
		data, err := os.ReadFile(e.path(f))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Result{Status: StatusWarn, Detail: err.Error(), Fix: "make " + f + " readable (mode 0644)"}
		}
		rs, _ := parseSubIDs(strings.NewReader(string(data)), e.uid, e.name)
		counts[i] = totalIDs(rs)
		switch {
		case len(rs) == 0:
			missing = append(missing, f)
		case counts[i] < minSubIDs:
			short = append(short, fmt.Sprintf("%s grants %d", f, counts[i]))
		}
		if n := nextFreeStart(string(data)); n > next {
			next = n
		}
	}
	fix := fmt.Sprintf("sudo usermod --add-subuids %d-%d --add-subgids %d-%d %s (or add the line %s:%d:%d to /etc/subuid and /etc/subgid)",
		next, next+minSubIDs-1, next, next+minSubIDs-1, e.name, e.name, next, minSubIDs)
	switch {
	case len(missing) > 0:
		return Result{Status: StatusWarn,
			Detail: fmt.Sprintf("no range for %s in %s: skiff falls back to a single-id mapping, so images whose files belong to other users fail to extract", e.name, joinAnd(missing)),
			Fix:    fix}
	case len(short) > 0:
		return Result{Status: StatusWarn,
			Detail: fmt.Sprintf("%s ids; most images need %d", joinAnd(short), minSubIDs),
			Fix:    fix}
	}
	return Result{Status: StatusOK, Detail: fmt.Sprintf("%d subordinate uids, %d subordinate gids", counts[0], counts[1])}
}

// nextFreeStart is the first id after every range in a subuid file, so the
// suggested range does not overlap another user's.
func nextFreeStart(data string) int {
	next := 0
	for _, line := range strings.Split(data, "\n") {
		f := strings.Split(strings.TrimSpace(line), ":")
		if len(f) != 3 {
			continue
		}
		s, err1 := strconv.Atoi(f[1])
		n, err2 := strconv.Atoi(f[2])
		if err1 == nil && err2 == nil && s+n > next {
			next = s + n
		}
	}
	return next
}

func checkNewuidmap(e *env) Result {
	var details, problems, fixes []string
	for _, b := range []struct {
		name string
		cap  int
		capN string
	}{{"newuidmap", capSetuid, "cap_setuid"}, {"newgidmap", capSetgid, "cap_setgid"}} {
		p, err := exec.LookPath(b.name)
		if err != nil {
			problems = append(problems, b.name+" not found")
			continue
		}
		ok, how := privileged(p, b.cap)
		if !ok {
			problems = append(problems, p+" "+how)
			fixes = append(fixes, fmt.Sprintf("sudo setcap %s+ep %s", b.capN, p))
			continue
		}
		details = append(details, p+" ("+how+")")
	}
	if len(problems) > 0 {
		fix := "sudo apt-get install uidmap (Debian/Ubuntu) or sudo dnf install shadow-utils (Fedora)"
		if len(fixes) > 0 {
			fix = strings.Join(fixes, "; ")
		}
		return Result{Status: StatusWarn,
			Detail: joinAnd(problems) + ": skiff falls back to a single-id mapping (only root inside containers)",
			Fix:    fix}
	}
	return Result{Status: StatusOK, Detail: joinAnd(details)}
}

// privileged reports whether the helper can map ids for others: setuid
// root, or the capability in its file capabilities.
func privileged(path string, capNum int) (bool, string) {
	st, err := os.Stat(path)
	if err != nil {
		return false, err.Error()
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid == 0 && st.Mode()&fs.ModeSetuid != 0 {
		return true, "setuid root"
	}
	buf := make([]byte, 64)
	n, err := unix.Getxattr(path, "security.capability", buf)
	if err != nil {
		return false, "is neither setuid root nor has file capabilities"
	}
	c, err := parseFileCaps(buf[:n])
	if err != nil {
		return false, err.Error()
	}
	if !c.Has(capNum) {
		return false, "has file capabilities, but not the one it needs"
	}
	return true, "file capabilities"
}

// overlayProbe runs (once) the native overlay probe on the filesystem that
// will hold the data root, or the nearest existing place.
func (e *env) overlayProbe() (string, string, error) {
	e.overlayOnce.Do(func() {
		var cands []string
		switch {
		case e.rootful:
			cands = []string{"/var/lib/skiff"}
		case e.other:
			cands = []string{filepath.Join(e.home, ".local/share/skiff"), filepath.Join(e.home, ".local/share")}
		default:
			if d, err := paths.DataRoot(); err == nil {
				cands = []string{d, filepath.Dir(d)}
			}
		}
		e.overlayDir = os.TempDir()
		for _, c := range cands {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				e.overlayDir = c
				break
			}
		}
		e.overlayHow, e.overlayErr = spawn(probeOverlay, e.overlayDir, e.probeUser())
	})
	return e.overlayHow, e.overlayDir, e.overlayErr
}

func checkOverlay(e *env) Result {
	var uts unix.Utsname
	_ = unix.Uname(&uts)
	release := unix.ByteSliceToString(uts.Release[:])
	maj, minor, _ := kernelVersion(release)
	how, dir, err := e.overlayProbe()
	where := "user namespace"
	if e.rootful {
		where = "mount namespace"
	}
	if err != nil {
		r := Result{Status: StatusWarn,
			Detail: fmt.Sprintf("overlayfs cannot be mounted in a %s on %s (kernel %s): %v; skiff uses fuse-overlayfs (slower) or copies layers", where, dir, release, err)}
		if !e.rootful && !atLeast(maj, minor, 5, 11) {
			r.Fix = "upgrade to Linux 5.11 or later (rootless overlay), or install fuse-overlayfs"
		} else {
			r.Fix = "put the data root on ext4, xfs or btrfs (not NFS or another overlay), or install fuse-overlayfs"
		}
		return r
	}
	d := fmt.Sprintf("overlayfs mounts in a %s on %s (kernel %s", where, dir, release)
	if how != "" {
		d += ", " + how
	}
	return Result{Status: StatusOK, Detail: d + ")"}
}

func checkFuseOverlayfs(e *env) Result {
	_, _, overlayErr := e.overlayProbe()
	if p, err := exec.LookPath("fuse-overlayfs"); err == nil {
		return Result{Status: StatusOK, Detail: "found at " + p + " (fallback when native overlay is unavailable)"}
	}
	if overlayErr == nil {
		return Result{Status: StatusInfo, Detail: "not installed; not needed while native overlay works",
			Fix: "sudo apt-get install fuse-overlayfs (only as a fallback)"}
	}
	return Result{Status: StatusWarn, Detail: "not installed and native overlay does not work: skiff copies whole layers (slow, uses much more disk)",
		Fix: "sudo apt-get install fuse-overlayfs (Debian/Ubuntu) or sudo dnf install fuse-overlayfs (Fedora)"}
}

// checkDevice reports whether the user can open a character device.
func checkDevice(e *env, path, use, module, warnWhy string, needed bool) Result {
	st, err := os.Stat(e.path(path))
	status := StatusInfo
	if needed {
		status = StatusWarn
	}
	if err != nil {
		return Result{Status: status, Detail: fmt.Sprintf("missing: %s", warnWhy), Fix: "sudo modprobe " + module}
	}
	if st.Mode()&fs.ModeCharDevice == 0 {
		return Result{Status: status, Detail: "not a character device: " + warnWhy, Fix: "sudo modprobe " + module}
	}
	sys, _ := st.Sys().(*syscall.Stat_t)
	owner, group := 0, 0
	if sys != nil {
		owner, group = int(sys.Uid), int(sys.Gid)
	}
	if canReadWrite(st.Mode(), owner, group, e.uid, e.groups) {
		return Result{Status: StatusOK, Detail: fmt.Sprintf("mode %04o, usable for %s", st.Mode().Perm(), use)}
	}
	base := filepath.Base(path)
	return Result{Status: status,
		Detail: fmt.Sprintf("mode %04o, owner uid %d: %s cannot open it (distributions' udev rules normally make it 0666), so %s", st.Mode().Perm(), owner, e.you(), warnWhy),
		Fix:    fmt.Sprintf("sudo chmod 0666 %s (until reboot), or a udev rule: echo 'KERNEL==\"%s\", MODE=\"0666\"' | sudo tee /etc/udev/rules.d/99-skiff-%s.rules", path, base, base)}
}

func checkDevFuse(e *env) Result {
	_, _, overlayErr := e.overlayProbe()
	why := "fuse-overlayfs cannot work"
	if overlayErr == nil {
		why += "; not needed while native overlay works"
	}
	return checkDevice(e, "/dev/fuse", "fuse-overlayfs", "fuse", why, overlayErr != nil)
}

func checkDevTun(e *env) Result {
	// The egress driver (gvisor-tap-vsock by default, or slirp4netns,
	// pasta) opens /dev/net/tun inside the user namespace to make tap0 in
	// the networks' namespace; there only the file mode counts (no
	// capability of the host applies), so 0600 root-owned shuts it out.
	return checkDevice(e, "/dev/net/tun", "the rootless network driver's tap device", "tun",
		"the rootless network driver (gvisor-tap-vsock, slirp4netns or pasta) cannot open it to make its tap device: the daemon fails to start; published ports and container-to-container traffic need no tap, egress and host-gateway do", true)
}

const cgroupFix = "boot with systemd.unified_cgroup_hierarchy=1 (cgroup v2), and delegate controllers: " +
	"sudo mkdir -p /etc/systemd/system/user@.service.d; printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' | sudo tee /etc/systemd/system/user@.service.d/delegate.conf; sudo systemctl daemon-reload; then log in again"

func checkCgroup(e *env) Result {
	mi, err := os.ReadFile(e.path("/proc/self/mountinfo"))
	if err != nil {
		return Result{Status: StatusWarn, Detail: err.Error()}
	}
	mode := cgroupModeFromMountinfo(mi)
	const limits = "resource limits (--memory, --cpus, --pids-limit) cannot be enforced"
	if mode != cgroupUnified {
		return Result{Status: StatusWarn,
			Detail: fmt.Sprintf("cgroups are %s (v1 controllers), not cgroup v2 only: %s", mode, limits),
			Fix:    cgroupFix}
	}
	if e.rootful {
		c, _ := e.read("/sys/fs/cgroup/cgroup.controllers")
		return Result{Status: StatusOK, Detail: "cgroup v2 (controllers: " + c + ")"}
	}
	dir := fmt.Sprintf("/sys/fs/cgroup/user.slice/user-%d.slice/user@%d.service", e.uid, e.uid)
	c, err := e.read(dir + "/cgroup.controllers")
	if err != nil {
		return Result{Status: StatusWarn,
			Detail: fmt.Sprintf("cgroup v2, but no systemd user manager cgroup for uid %d (%s): %s", e.uid, dir, limits),
			Fix:    "run skiff in a systemd user session (log in, or `sudo loginctl enable-linger " + e.name + "`); " + cgroupFix}
	}
	if miss := missingControllers(c, "cpu", "memory", "pids"); len(miss) > 0 {
		return Result{Status: StatusWarn,
			Detail: fmt.Sprintf("cgroup v2, but %s not delegated to %s (delegated: %q): %s", joinAnd(miss), dir, c, limits),
			Fix:    cgroupFix}
	}
	st, err := os.Stat(e.path(dir + "/cgroup.subtree_control"))
	if err == nil {
		sys, _ := st.Sys().(*syscall.Stat_t)
		if sys == nil || int(sys.Uid) != e.uid || st.Mode().Perm()&0o200 == 0 {
			return Result{Status: StatusWarn,
				Detail: fmt.Sprintf("cgroup v2, but %s/cgroup.subtree_control is not writable by %s: %s", dir, e.you(), limits),
				Fix:    cgroupFix}
		}
	}
	return Result{Status: StatusOK, Detail: "cgroup v2, delegated controllers: " + c}
}

func checkRuntimeDir(e *env) Result {
	if e.other {
		dir := fmt.Sprintf("/run/user/%d", e.uid)
		st, err := os.Stat(e.path(dir))
		if err != nil {
			return Result{Status: StatusWarn, Detail: dir + " does not exist now; systemd-logind creates it when " + e.name + " logs in",
				Fix: "sudo loginctl enable-linger " + e.name + " (keeps it from boot)"}
		}
		if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != e.uid {
			return Result{Status: StatusFail, Detail: fmt.Sprintf("%s is owned by uid %d, not %d", dir, sys.Uid, e.uid),
				Fix: fmt.Sprintf("sudo chown %d:%d %s && sudo chmod 0700 %s", e.uid, e.gid, dir, dir)}
		}
		return Result{Status: StatusOK, Detail: dir + " exists and belongs to " + e.name}
	}
	if err := paths.CheckRuntimeDir(); err != nil {
		return Result{Status: StatusFail, Detail: err.Error(),
			Fix: fmt.Sprintf("log in through ssh or a desktop session (pam_systemd creates /run/user/%d), or export XDG_RUNTIME_DIR=/run/user/%d if it exists and is yours (mode 0700)", e.uid, e.uid)}
	}
	x := os.Getenv("XDG_RUNTIME_DIR")
	st, err := os.Stat(x)
	if err == nil && st.Mode().Perm()&0o077 != 0 {
		return Result{Status: StatusWarn, Detail: fmt.Sprintf("%s has mode %04o; the XDG spec requires 0700 (others could reach the API socket's directory)", x, st.Mode().Perm()),
			Fix: "chmod 0700 " + x}
	}
	return Result{Status: StatusOK, Detail: x + " (yours)"}
}

func checkLinger(e *env) Result {
	if _, err := os.Stat(e.path("/run/systemd/system")); err != nil {
		return Result{Status: StatusInfo, Detail: "systemd is not the init system: nothing stops the daemon at logout"}
	}
	if _, err := os.Stat(e.path("/var/lib/systemd/linger/" + e.name)); err == nil {
		return Result{Status: StatusOK, Detail: "enabled: the daemon keeps running after logout"}
	}
	return Result{Status: StatusWarn, Detail: "not enabled: systemd stops the daemon and its containers when " + e.you() + " log out",
		Fix: "sudo loginctl enable-linger " + e.name}
}

func checkPing(e *env) Result {
	v, err := e.read("/proc/sys/net/ipv4/ping_group_range")
	if err != nil {
		return Result{Status: StatusInfo, Detail: "net.ipv4.ping_group_range unavailable: " + err.Error()}
	}
	v = strings.Join(strings.Fields(v), " ")
	lo, hi, err := parseRange(v)
	if err != nil {
		return Result{Status: StatusWarn, Detail: "net.ipv4.ping_group_range: " + err.Error()}
	}
	if int64(e.gid) >= lo && int64(e.gid) <= hi {
		return Result{Status: StatusOK, Detail: fmt.Sprintf("net.ipv4.ping_group_range=%q includes gid %d", v, e.gid)}
	}
	return Result{Status: StatusWarn,
		Detail: fmt.Sprintf("net.ipv4.ping_group_range=%q excludes gid %d: ping inside containers fails", v, e.gid),
		Fix:    `sudo sysctl -w net.ipv4.ping_group_range="0 2147483647" (persist it in /etc/sysctl.d/99-skiff.conf)`}
}

func checkPorts(e *env) Result {
	v, err := e.read("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	if err != nil {
		return Result{Status: StatusInfo, Detail: "net.ipv4.ip_unprivileged_port_start unavailable: " + err.Error()}
	}
	if v == "0" {
		return Result{Status: StatusOK, Detail: "net.ipv4.ip_unprivileged_port_start=0: any port can be published"}
	}
	return Result{Status: StatusInfo,
		Detail: fmt.Sprintf("net.ipv4.ip_unprivileged_port_start=%s: ports below %s cannot be published (-p 80:80 fails; -p 8080:80 works)", v, v),
		Fix:    "sudo sysctl -w net.ipv4.ip_unprivileged_port_start=0 (persist it in /etc/sysctl.d/99-skiff.conf)"}
}
