package check

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
)

// IDRange is one line of /etc/subuid or /etc/subgid.
type IDRange struct {
	Start, Count int
}

// parseSubIDs returns the ranges that r (an /etc/subuid-format file) grants
// to the user, who may be named by login or by numeric uid. Malformed lines
// are skipped rather than fatal: shadow's own tools skip them too, and one
// bad line for another user must not hide this user's range.
func parseSubIDs(r io.Reader, uid int, name string) ([]IDRange, error) {
	var out []IDRange
	uidS := strconv.Itoa(uid)
	s := bufio.NewScanner(r)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) != 3 || (f[0] != uidS && (name == "" || f[0] != name)) {
			continue
		}
		start, err1 := strconv.Atoi(f[1])
		count, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || start < 0 || count <= 0 {
			continue
		}
		out = append(out, IDRange{start, count})
	}
	return out, s.Err()
}

// totalIDs sums the sizes of the ranges.
func totalIDs(rs []IDRange) int {
	n := 0
	for _, r := range rs {
		n += r.Count
	}
	return n
}

// cgroupMode is how cgroups are mounted at /sys/fs/cgroup.
type cgroupMode string

const (
	cgroupUnified cgroupMode = "unified" // cgroup v2 only
	cgroupHybrid  cgroupMode = "hybrid"  // v1 controllers, v2 at /sys/fs/cgroup/unified (no controllers)
	cgroupLegacy  cgroupMode = "legacy"  // v1 only
	cgroupNone    cgroupMode = "none"
)

// cgroupModeFromMountinfo classifies the cgroup layout from the contents of
// /proc/self/mountinfo.
func cgroupModeFromMountinfo(mountinfo []byte) cgroupMode {
	var v1, v2Unified bool
	s := bufio.NewScanner(bytes.NewReader(mountinfo))
	for s.Scan() {
		// 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw
		pre, post, ok := strings.Cut(s.Text(), " - ")
		if !ok {
			continue
		}
		pf, qf := strings.Fields(pre), strings.Fields(post)
		if len(pf) < 5 || len(qf) < 1 {
			continue
		}
		mnt, fstype := pf[4], qf[0]
		switch {
		case mnt == "/sys/fs/cgroup" && fstype == "cgroup2":
			return cgroupUnified
		case strings.HasPrefix(mnt, "/sys/fs/cgroup/") && fstype == "cgroup2":
			v2Unified = true
		case strings.HasPrefix(mnt, "/sys/fs/cgroup/") && fstype == "cgroup":
			v1 = true
		}
	}
	switch {
	case v1 && v2Unified:
		return cgroupHybrid
	case v1:
		return cgroupLegacy
	case v2Unified:
		return cgroupHybrid
	}
	return cgroupNone
}

// missingControllers lists which of want are absent from a
// cgroup.controllers file's contents.
func missingControllers(controllers string, want ...string) []string {
	have := map[string]bool{}
	for _, c := range strings.Fields(controllers) {
		have[c] = true
	}
	var out []string
	for _, w := range want {
		if !have[w] {
			out = append(out, w)
		}
	}
	return out
}

// Linux capability numbers (linux/capability.h).
const (
	capSetgid = 6
	capSetuid = 7
)

// fileCaps is the decoded security.capability extended attribute.
type fileCaps struct {
	Effective bool   // the effective flag: permitted caps are raised at exec
	Permitted uint64 // bit n set = capability n
	RootID    uint32 // VFS_CAP_REVISION_3: the namespace root the caps apply to
}

// Has reports whether capability n is permitted.
func (c fileCaps) Has(n int) bool { return c.Permitted&(1<<uint(n)) != 0 }

// parseFileCaps decodes struct vfs_cap_data (linux/capability.h): a
// little-endian magic_etc word (revision in the top byte, effective flag in
// bit 0) followed by {permitted, inheritable} 32-bit pairs, one pair for
// revision 1, two for revisions 2 and 3, and a rootid for revision 3.
func parseFileCaps(b []byte) (fileCaps, error) {
	if len(b) < 4 {
		return fileCaps{}, errors.New("capability xattr too short")
	}
	magic := binary.LittleEndian.Uint32(b)
	var c fileCaps
	c.Effective = magic&1 != 0
	var want, words int
	switch magic & 0xFF000000 {
	case 0x01000000:
		want, words = 12, 1
	case 0x02000000:
		want, words = 20, 2
	case 0x03000000:
		want, words = 24, 2
	default:
		return fileCaps{}, fmt.Errorf("unknown capability xattr revision %#x", magic&0xFF000000)
	}
	if len(b) < want {
		return fileCaps{}, fmt.Errorf("capability xattr has %d bytes, revision needs %d", len(b), want)
	}
	for i := range words {
		c.Permitted |= uint64(binary.LittleEndian.Uint32(b[4+8*i:])) << (32 * uint(i))
	}
	if want == 24 {
		c.RootID = binary.LittleEndian.Uint32(b[20:])
	}
	return c, nil
}

// kernelVersion parses the major and minor numbers of a uname release
// such as "6.8.0-31-generic" or "5.10.0-28-amd64".
func kernelVersion(release string) (major, minor int, ok bool) {
	maj, rest, found := strings.Cut(release, ".")
	if !found {
		return 0, 0, false
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(rest)
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(rest[:end])
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return a, b, true
}

// atLeast reports whether kernel major.minor >= wantMaj.wantMin.
func atLeast(major, minor, wantMaj, wantMin int) bool {
	return major > wantMaj || (major == wantMaj && minor >= wantMin)
}

// parseRange parses a sysctl pair such as net.ipv4.ping_group_range "1 0".
func parseRange(s string) (lo, hi int64, err error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("expected two numbers, got %q", s)
	}
	if lo, err = strconv.ParseInt(f[0], 10, 64); err != nil {
		return 0, 0, err
	}
	if hi, err = strconv.ParseInt(f[1], 10, 64); err != nil {
		return 0, 0, err
	}
	return lo, hi, nil
}

// canReadWrite decides from mode bits whether a user (uid and all group
// ids) may open a file read-write, as the kernel would without ACLs.
func canReadWrite(mode fs.FileMode, owner, group, uid int, gids []int) bool {
	if uid == 0 {
		return true
	}
	perm := mode.Perm()
	switch {
	case owner == uid:
		return perm&0o600 == 0o600
	case contains(gids, group):
		return perm&0o060 == 0o060
	default:
		return perm&0o006 == 0o006
	}
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
