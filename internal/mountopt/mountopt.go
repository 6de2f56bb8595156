// Package mountopt reads mount options as mount(8) and runc do (flag
// words, propagation words, the rest filesystem data) and remounts bind
// mounts keeping the flags a user namespace may not drop. Container init
// uses it for spec mounts, the volume service for local volumes' o=.
package mountopt

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Options is an options list split into what mount(2) takes.
type Options struct {
	Flags       uintptr
	Clear       uintptr   // flags the options explicitly turn off (rw, suid, …)
	Propagation []uintptr // each its own mount call
	Data        string    // filesystem-specific data
	// RecursiveRO is "rro": read-only for every submount too (mount_setattr).
	RecursiveRO bool
}

// flagOpts maps option names to the flag they set, or clear when clear.
var flagOpts = map[string]struct {
	clear bool
	flag  uintptr
}{
	"acl":           {false, unix.MS_POSIXACL},
	"async":         {true, unix.MS_SYNCHRONOUS},
	"atime":         {true, unix.MS_NOATIME},
	"bind":          {false, unix.MS_BIND},
	"defaults":      {false, 0},
	"dev":           {true, unix.MS_NODEV},
	"diratime":      {true, unix.MS_NODIRATIME},
	"dirsync":       {false, unix.MS_DIRSYNC},
	"exec":          {true, unix.MS_NOEXEC},
	"iversion":      {false, unix.MS_I_VERSION},
	"lazytime":      {false, unix.MS_LAZYTIME},
	"loud":          {true, unix.MS_SILENT},
	"mand":          {false, unix.MS_MANDLOCK},
	"noacl":         {true, unix.MS_POSIXACL},
	"noatime":       {false, unix.MS_NOATIME},
	"nodev":         {false, unix.MS_NODEV},
	"nodiratime":    {false, unix.MS_NODIRATIME},
	"noexec":        {false, unix.MS_NOEXEC},
	"noiversion":    {true, unix.MS_I_VERSION},
	"nolazytime":    {true, unix.MS_LAZYTIME},
	"nomand":        {true, unix.MS_MANDLOCK},
	"norelatime":    {true, unix.MS_RELATIME},
	"nostrictatime": {true, unix.MS_STRICTATIME},
	"nosuid":        {false, unix.MS_NOSUID},
	"nosymfollow":   {false, unix.MS_NOSYMFOLLOW},
	"rbind":         {false, unix.MS_BIND | unix.MS_REC},
	"relatime":      {false, unix.MS_RELATIME},
	"remount":       {false, unix.MS_REMOUNT},
	"ro":            {false, unix.MS_RDONLY},
	"rw":            {true, unix.MS_RDONLY},
	"silent":        {false, unix.MS_SILENT},
	"strictatime":   {false, unix.MS_STRICTATIME},
	"suid":          {true, unix.MS_NOSUID},
	"sync":          {false, unix.MS_SYNCHRONOUS},
}

// PropagationFlags maps propagation names to their mount flags.
var PropagationFlags = map[string]uintptr{
	"private":     unix.MS_PRIVATE,
	"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
	"shared":      unix.MS_SHARED,
	"rshared":     unix.MS_SHARED | unix.MS_REC,
	"slave":       unix.MS_SLAVE,
	"rslave":      unix.MS_SLAVE | unix.MS_REC,
	"unbindable":  unix.MS_UNBINDABLE,
	"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// ignoredOpts are runtime extensions accepted but not acted on.
var ignoredOpts = map[string]bool{"tmpcopyup": true, "notmpcopyup": true}

// Parse splits mount options, as runc does: known flag names become flags
// (the last of a pair like ro/rw wins), propagation names become
// propagation changes, anything else is data for the filesystem.
func Parse(options []string) Options {
	var o Options
	var data []string
	for _, opt := range options {
		if f, ok := flagOpts[opt]; ok {
			if f.clear {
				o.Flags &^= f.flag
				o.Clear |= f.flag
			} else {
				o.Flags |= f.flag
				o.Clear &^= f.flag
			}
			continue
		}
		if p, ok := PropagationFlags[opt]; ok {
			o.Propagation = append(o.Propagation, p)
			continue
		}
		switch {
		case opt == "rro":
			o.RecursiveRO = true
			o.Flags |= unix.MS_RDONLY
		case ignoredOpts[opt], opt == "":
		default:
			data = append(data, opt)
		}
	}
	o.Data = strings.Join(data, ",")
	return o
}

// Split splits a comma-separated options string.
func Split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// statfs flags that mirror mount flags; a remount that drops nosuid, nodev,
// noexec, ro or the atime mode of a mount made outside the user namespace
// is refused (EPERM), so RemountBind carries them over.
var statfsFlags = []struct{ st, ms uintptr }{
	{unix.ST_RDONLY, unix.MS_RDONLY},
	{unix.ST_NOSUID, unix.MS_NOSUID},
	{unix.ST_NODEV, unix.MS_NODEV},
	{unix.ST_NOEXEC, unix.MS_NOEXEC},
	{unix.ST_NOATIME, unix.MS_NOATIME},
	{unix.ST_NODIRATIME, unix.MS_NODIRATIME},
	{unix.ST_RELATIME, unix.MS_RELATIME},
}

const atimeFlags = unix.MS_NOATIME | unix.MS_STRICTATIME | unix.MS_RELATIME | unix.MS_NODIRATIME

// RemountBind changes the per-mount flags of the bind mount at target:
// set is added, clear removed, and the mount's current flags are kept
// otherwise. If the kernel refuses to clear a locked flag, the remount is
// retried keeping every current flag.
func RemountBind(target string, set, clear uintptr) error {
	var st unix.Statfs_t
	if err := unix.Statfs(target, &st); err != nil {
		return fmt.Errorf("statfs %s: %w", target, err)
	}
	var cur uintptr
	for _, f := range statfsFlags {
		if uintptr(st.Flags)&f.st != 0 {
			cur |= f.ms
		}
	}
	if set&atimeFlags != 0 || clear&atimeFlags != 0 {
		cur &^= atimeFlags
	}
	flags := unix.MS_REMOUNT | unix.MS_BIND | set
	err := unix.Mount("", target, "", flags|cur&^clear, "")
	if errors.Is(err, unix.EPERM) && clear != 0 {
		err = unix.Mount("", target, "", flags|cur, "")
	}
	if err != nil {
		return fmt.Errorf("remount %s (flags %#x): %w", target, flags|cur&^clear, err)
	}
	return nil
}
