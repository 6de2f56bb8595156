package spec

import (
	"errors"
	"io"
	"os"
	"slices"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/moby/sys/user"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// resolveUser resolves --user (uid[:gid] or name[:group]) and --group-add
// against the rootfs's /etc/passwd and /etc/group, as Docker does: the
// primary gid is also the first supplementary one, followed by the user's
// groups and the added ones. home is the passwd home ("" if none).
func resolveUser(rootfs, spec string, groupAdd []string) (specs.User, string, error) {
	passwd, closePasswd, err := openInRootfs(rootfs, "/etc/passwd")
	if err != nil {
		return specs.User{}, "", err
	}
	defer closePasswd()
	group, closeGroup, err := openInRootfs(rootfs, "/etc/group")
	if err != nil {
		return specs.User{}, "", err
	}
	defer closeGroup()

	exec, err := user.GetExecUser(spec, nil, passwd, group)
	if err != nil {
		return specs.User{}, "", invalidf("%s", err.Error())
	}
	u := specs.User{UID: uint32(exec.Uid), GID: uint32(exec.Gid), AdditionalGids: []uint32{uint32(exec.Gid)}}
	var added []int
	if len(groupAdd) > 0 {
		// the group file is read a second time from the start
		group2, closeGroup2, err := openInRootfs(rootfs, "/etc/group")
		if err != nil {
			return specs.User{}, "", err
		}
		defer closeGroup2()
		added, err = user.GetAdditionalGroups(groupAdd, group2)
		if err != nil {
			return specs.User{}, "", invalidf("%s", err.Error())
		}
		slices.Sort(added) // the library returns them in map order
	}
	for _, g := range append(exec.Sgids, added...) {
		u.AdditionalGids = append(u.AdditionalGids, uint32(g))
	}
	return u, exec.Home, nil
}

// openInRootfs opens name inside rootfs, resolving symlinks as if rootfs
// were "/", so a link in an image cannot point at a host file. A missing
// file is a nil reader (numeric ids still resolve); so is no rootfs.
func openInRootfs(rootfs, name string) (io.Reader, func(), error) {
	nop := func() {}
	if rootfs == "" {
		return nil, nop, nil
	}
	h, err := pathrs.OpenInRoot(rootfs, name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, unix.ENOTDIR) {
			return nil, nop, nil
		}
		return nil, nop, err
	}
	defer h.Close()
	// a FIFO or device posing as /etc/passwd would block or misbehave
	if st, err := h.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, nop, nil
	}
	f, err := pathrs.Reopen(h, unix.O_RDONLY|unix.O_CLOEXEC)
	if err != nil {
		return nil, nop, err
	}
	return f, func() { f.Close() }, nil
}
