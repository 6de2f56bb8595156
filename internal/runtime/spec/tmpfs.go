package spec

import (
	"path"
	"strings"
)

// tmpfsFlagGroup maps each mount flag option to the setting it decides;
// of options in one group the last wins.
var tmpfsFlagGroup = map[string]string{
	"ro": "ro", "rw": "ro", "suid": "suid", "nosuid": "suid", "dev": "dev", "nodev": "dev",
	"exec": "exec", "noexec": "exec", "sync": "sync", "async": "sync", "dirsync": "dirsync",
	"remount": "remount", "mand": "mand", "nomand": "mand", "atime": "atime", "noatime": "atime",
	"diratime": "diratime", "nodiratime": "diratime", "relatime": "relatime", "norelatime": "relatime",
	"strictatime": "strictatime", "nostrictatime": "strictatime",
	// one propagation mode only
	"bind": "prop", "rbind": "prop", "unbindable": "prop", "runbindable": "prop", "private": "prop",
	"rprivate": "prop", "shared": "prop", "rshared": "prop", "slave": "prop", "rslave": "prop",
}

// tmpfsDataKeys are the key=value options tmpfs accepts.
var tmpfsDataKeys = map[string]bool{"size": true, "mode": true, "uid": true, "gid": true, "nr_inodes": true, "nr_blocks": true, "mpol": true}

// mergeTmpfsOptions drops overridden options (a later one wins) and
// rejects unknown ones with Docker's message, keeping the order of the
// options that remain.
func mergeTmpfsOptions(opts []string) ([]string, error) {
	seen := map[string]bool{}
	var rev []string
	for i := len(opts) - 1; i >= 0; i-- {
		o := opts[i]
		if o == "defaults" {
			continue
		}
		key, ok := tmpfsFlagGroup[o]
		if !ok {
			k, _, hasValue := strings.Cut(o, "=")
			if !hasValue || !tmpfsDataKeys[k] {
				return nil, invalidf("invalid tmpfs option %q", k)
			}
			key = "=" + k
		}
		if !seen[key] {
			seen[key] = true
			rev = append(rev, o)
		}
	}
	out := make([]string, 0, len(rev))
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, rev[i])
	}
	return out, nil
}

// tmpfsOptions are a --tmpfs mount's options: Docker's defaults, then the
// user's.
func tmpfsOptions(data string) ([]string, error) {
	opts := []string{"noexec", "nosuid", "nodev", "rprivate"}
	if data != "" {
		opts = append(opts, strings.Split(data, ",")...)
	}
	return mergeTmpfsOptions(opts)
}

// validateMountDestination applies Docker's rules for a mount target.
func validateMountDestination(dest string) error {
	p := strings.ReplaceAll(dest, `\`, `/`)
	if path.Clean(p) == "/" {
		return invalidf("invalid specification: destination can't be '/'")
	}
	if !path.IsAbs(p) {
		return invalidf("invalid mount path: '%s' mount path must be absolute", p)
	}
	return nil
}
