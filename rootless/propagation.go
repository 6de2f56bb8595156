package rootless

import (
	"bufio"
	"os"
	"strings"
)

// childPropagation is "rslave" when the host's / is a shared mount, so
// mounts made on the host later (a USB disk, a bind mount) show up inside
// as with Docker rootless; on a host whose / is private there is nothing to
// receive and RootlessKit would only warn, so it is "rprivate".
func childPropagation() string {
	if rootIsShared("/proc/self/mountinfo") {
		return "rslave"
	}
	return "rprivate"
}

// rootIsShared reads the optional fields of the "/" line of a mountinfo file.
func rootIsShared(mountinfo string) bool {
	f, err := os.Open(mountinfo)
	if err != nil {
		return false
	}
	defer f.Close()
	shared := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mountpoint options [optional...] - fstype ...
		fields := strings.Fields(sc.Text())
		if len(fields) < 7 || fields[4] != "/" {
			continue
		}
		shared = false // the last mount on / is the visible one
		for _, opt := range fields[6:] {
			if opt == "-" {
				break
			}
			if strings.HasPrefix(opt, "shared:") {
				shared = true
			}
		}
	}
	return shared
}
