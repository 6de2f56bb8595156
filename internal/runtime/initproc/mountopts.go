package initproc

import (
	"strings"

	"golang.org/x/sys/unix"
)

// mountOpts is a spec mount's options string split into what mount(2)
// takes: flags to set, propagation changes (each its own mount call), and
// the filesystem-specific data.
type mountOpts struct {
	flags       uintptr
	clear       uintptr // flags the options explicitly turn off (rw, suid, …)
	propagation []uintptr
	data        string
	// recursiveRO is "rro": read-only for every submount too (mount_setattr).
	recursiveRO bool
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

var propagationOpts = map[string]uintptr{
	"private":     unix.MS_PRIVATE,
	"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
	"shared":      unix.MS_SHARED,
	"rshared":     unix.MS_SHARED | unix.MS_REC,
	"slave":       unix.MS_SLAVE,
	"rslave":      unix.MS_SLAVE | unix.MS_REC,
	"unbindable":  unix.MS_UNBINDABLE,
	"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// ignoredOpts are runtime extensions skiff accepts but does not act on.
var ignoredOpts = map[string]bool{"tmpcopyup": true, "notmpcopyup": true}

// parseMountOptions splits spec mount options, as runc does: known flag
// names become flags (the last of a pair like ro/rw wins), propagation
// names become propagation changes, anything else is data for the fs.
func parseMountOptions(options []string) mountOpts {
	var o mountOpts
	var data []string
	for _, opt := range options {
		if f, ok := flagOpts[opt]; ok {
			if f.clear {
				o.flags &^= f.flag
				o.clear |= f.flag
			} else {
				o.flags |= f.flag
				o.clear &^= f.flag
			}
			continue
		}
		if p, ok := propagationOpts[opt]; ok {
			o.propagation = append(o.propagation, p)
			continue
		}
		switch {
		case opt == "rro":
			o.recursiveRO = true
			o.flags |= unix.MS_RDONLY
		case ignoredOpts[opt], opt == "":
		default:
			data = append(data, opt)
		}
	}
	o.data = strings.Join(data, ",")
	return o
}

// splitOptions splits a comma-separated options string.
func splitOptions(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// dataWithout returns data with every key=value option of key removed.
func dataWithout(data, key string) string {
	var keep []string
	for _, d := range splitOptions(data) {
		if k, _, _ := strings.Cut(d, "="); k != key {
			keep = append(keep, d)
		}
	}
	return strings.Join(keep, ",")
}

// dataValue returns the value of key=value in data.
func dataValue(data, key string) (string, bool) {
	for _, d := range splitOptions(data) {
		if k, v, ok := strings.Cut(d, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
