package harness

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestUserName is the unprivileged user that runs the daemon when the tests
// run as root.
const TestUserName = "skifftest"

// User is the account the daemon under test runs as.
type User struct {
	Name string
	UID  int
	GID  int
	// SubUID and SubGID are the user's first subordinate range in
	// /etc/subuid and /etc/subgid (zero Count when it has none).
	SubUID, SubGID IDRange
	// Switch is true when the daemon must be started with these credentials
	// (the tests run as root); false when it is the test process's own user.
	Switch bool
}

// IDRange is one subordinate id range.
type IDRange struct{ Start, Count int }

// Contains reports whether id lies in the range.
func (r IDRange) Contains(id int) bool { return r.Count > 0 && id >= r.Start && id < r.Start+r.Count }

var (
	hostOnce sync.Once
	hostUser *User
	hostErr  error
)

// TestUser prepares the host once per test process and returns the user the
// daemon runs as: skifftest (created with subordinate ranges) when root, the
// current user otherwise. It fails the test with what to fix when user
// namespaces cannot work here.
func TestUser(t testing.TB) *User {
	t.Helper()
	hostOnce.Do(func() { hostUser, hostErr = prepareHost() })
	if hostErr != nil {
		t.Fatal(hostErr)
	}
	return hostUser
}

func prepareHost() (*User, error) {
	if err := checkUserNamespaces(); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return nil, err
		}
		return lookupUser(u.Username, false)
	}
	// As distro udev rules do; these devices are 0600 on some machines.
	for _, dev := range []string{"/dev/net/tun", "/dev/fuse"} {
		if err := os.Chmod(dev, 0o666); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("chmod 0666 %s: %v", dev, err)
		}
	}
	unlock, err := lockFile("/tmp/.skiff-integration-user.lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := user.Lookup(TestUserName); err != nil {
		out, err := exec.Command("useradd", "--create-home", "--user-group", "--shell", "/bin/sh", TestUserName).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("creating test user %s: useradd: %v: %s", TestUserName, err, out)
		}
	}
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		if err := ensureSubordinate(f, TestUserName); err != nil {
			return nil, err
		}
	}
	// Held shared while this test process may run daemons as the test user;
	// see aloneOnUser.
	active, err := os.OpenFile("/tmp/.skiff-integration-active.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(active.Fd()), unix.LOCK_SH); err != nil {
		return nil, err
	}
	activeLock = active
	return lookupUser(TestUserName, true)
}

// activeLock is this process's shared lock on the test user (root only).
var activeLock *os.File

// aloneOnUser reports whether no other test process (another developer's
// `go test`, say) runs daemons as the test user now, so that any process of
// that user is ours to account for.
func aloneOnUser() bool {
	if activeLock == nil {
		return true
	}
	fd := int(activeLock.Fd())
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		_ = unix.Flock(fd, unix.LOCK_SH) // the failed conversion dropped ours
		return false
	}
	_ = unix.Flock(fd, unix.LOCK_SH)
	return true
}

func lookupUser(name string, switchTo bool) (*User, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	res := &User{Name: name, UID: uid, GID: gid, Switch: switchTo}
	res.SubUID = firstRange("/etc/subuid", name, uid)
	res.SubGID = firstRange("/etc/subgid", name, uid)
	return res, nil
}

func checkUserNamespaces() error {
	if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err == nil && strings.TrimSpace(string(b)) == "0" {
		return errors.New("user namespaces are disabled (user.max_user_namespaces=0): skiff's integration tests need them; run: sysctl -w user.max_user_namespaces=15000")
	}
	if os.Geteuid() == 0 {
		return nil // the test user's ability is checked when its daemon starts
	}
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("not root, and this user cannot create a user namespace (%v): run the integration tests as root, or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0)", err)
	}
	return nil
}

// NeedIDMapTools fails the test unless newuidmap and newgidmap are installed.
func NeedIDMapTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"newuidmap", "newgidmap"} {
		if _, err := lookPath(tool); err != nil {
			t.Fatalf("%s not found: install it (apt-get install uidmap); tests that want the single-id fallback pass harness.SingleID()", tool)
		}
	}
}

// lookPath also searches the sbin/bin directories a minimal PATH may lack.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"} {
		p := d + "/" + name
		if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found", name)
}

func firstRange(file, name string, uid int) IDRange {
	f, err := os.Open(file)
	if err != nil {
		return IDRange{}
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(parts) != 3 || (parts[0] != name && parts[0] != strconv.Itoa(uid)) {
			continue
		}
		start, err1 := strconv.Atoi(parts[1])
		count, err2 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil && count > 0 {
			return IDRange{Start: start, Count: count}
		}
	}
	return IDRange{}
}

// ensureSubordinate gives name a 65536-id range in file unless it has one,
// starting at 200000 or after the last range when that overlaps.
func ensureSubordinate(file, name string) error {
	b, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	start, end := 200000, 0
	for _, line := range strings.Split(string(b), "\n") {
		parts := strings.Split(strings.TrimSpace(line), ":")
		if len(parts) != 3 {
			continue
		}
		if parts[0] == name {
			return nil
		}
		s, _ := strconv.Atoi(parts[1])
		c, _ := strconv.Atoi(parts[2])
		end = max(end, s+c)
		if s < start+65536 && s+c > start {
			start = -1
		}
	}
	if start < 0 {
		start = end
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	prefix := ""
	if len(b) > 0 && !strings.HasSuffix(string(b), "\n") {
		prefix = "\n"
	}
	_, err = fmt.Fprintf(f, "%s%s:%d:65536\n", prefix, name, start)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// lockFile takes an exclusive flock so that parallel test processes prepare
// the host one at a time.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { _ = unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
}
